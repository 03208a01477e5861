package io.ingestline.bench;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Kafka's own {@code ConsumerPerformance} (kafka-tools) in its own JVM: reads a topic and counts (the ceiling). */
final class ConsumerPerf {
    private ConsumerPerf() {
    }

    /**
     * Records per second while fetching (the group join left out), as the tool reports it, and the CPU seconds its
     * JVM used in all (start-up included).
     */
    record Result(double recordsPerSecond, double cpuSeconds) {
    }

    static Result run(String bootstrap, String topic, long records, String group, Path log) throws Exception {
        try (ChildProcess p = ChildProcess.start("org.apache.kafka.tools.ConsumerPerformance", List.of("-Xmx512m"),
                List.of("--bootstrap-server", bootstrap, "--topic", topic, "--num-records", Long.toString(records),
                        "--group", group, "--timeout", "120000"), Map.of(), log, line -> false)) {
            p.waitFor(300);
            // start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, rebalance.time.ms,
            // fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec
            for (String l : p.lines()) {
                String[] f = l.split(",\\s*");
                if (f.length >= 10 && f[9].trim().matches("[\\d.]+")) {
                    return new Result(Double.parseDouble(f[9].trim()), p.cpuSecondsAtEnd());
                }
            }
        }
        throw new IllegalStateException("ConsumerPerformance printed no result; see " + log);
    }
}
