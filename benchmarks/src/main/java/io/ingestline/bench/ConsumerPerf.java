package io.ingestline.bench;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Kafka's own {@code ConsumerPerformance} (kafka-tools) in its own JVM: reads a topic and counts (the ceiling). */
final class ConsumerPerf {
    private ConsumerPerf() {
    }

    /**
     * Records per second while fetching (the group join left out), as the tool reports it, and the CPU ns per record
     * read after it printed its header (its JVM's start-up left out; the consumer's creation and group join in): of
     * its JVM, and of the broker when one was given (NaN otherwise).
     */
    record Result(double recordsPerSecond, double cpuNanosPerRecord, double brokerNanosPerRecord) {
    }

    static Result run(String bootstrap, String topic, long records, String group, Path log) throws Exception {
        return run(bootstrap, topic, records, group, log, null);
    }

    static Result run(String bootstrap, String topic, long records, String group, Path log, ChildProcess broker)
            throws Exception {
        try (ChildProcess p = ChildProcess.start("org.apache.kafka.tools.ConsumerPerformance", List.of("-Xmx512m"),
                List.of("--bootstrap-server", bootstrap, "--topic", topic, "--num-records", Long.toString(records),
                        "--group", group, "--timeout", "120000"), Map.of(), log, line -> false)) {
            double[] from = {Double.NaN, Double.NaN}; // the tool's CPU and the broker's at the header
            p.onFirst(line -> line.startsWith("start.time"), () -> {
                from[0] = p.cpuSeconds();
                from[1] = broker == null ? Double.NaN : broker.cpuSeconds();
            });
            p.waitFor(300);
            double brokerEnd = broker == null ? Double.NaN : broker.cpuSeconds();
            // start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, rebalance.time.ms,
            // fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec
            for (String l : p.lines()) {
                String[] f = l.split(",\\s*");
                if (f.length >= 10 && f[9].trim().matches("[\\d.]+")) {
                    return new Result(Double.parseDouble(f[9].trim()), (p.cpuSecondsAtEnd() - from[0]) * 1e9 / records,
                            (brokerEnd - from[1]) * 1e9 / records);
                }
            }
        }
        throw new IllegalStateException("ConsumerPerformance printed no result; see " + log);
    }
}
