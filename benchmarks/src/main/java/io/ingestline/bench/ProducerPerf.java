package io.ingestline.bench;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Kafka's own {@code ProducerPerformance} (kafka-tools), in its own JVM, with the settings of
 * {@code ../shared/bench/kafka-probe}: acks=all, linger.ms=5, batch.size=131072, one producer, unlimited rate.
 */
final class ProducerPerf {
    private static final Pattern SUMMARY = Pattern.compile(
            "(\\d+) records sent, ([\\d.]+) records/sec \\(([\\d.]+) MB/sec\\), ([\\d.]+) ms avg latency, "
                    + "([\\d.]+) ms max latency, (\\d+) ms 50th, (\\d+) ms 95th, (\\d+) ms 99th, (\\d+) ms 99.9th");

    /**
     * The steady-state summary, and the CPU ns per record sent (warm-up records too) from when the tool had read its
     * payloads, before it made its producer (its JVM's start-up left out): of its JVM, and of the broker when one was
     * given (NaN otherwise).
     */
    record Result(long records, double recordsPerSecond, double mbPerSecond, double p50, double p99, double p999,
            double cpuNanosPerRecord, double brokerNanosPerRecord) {
    }

    private ProducerPerf() {
    }

    static Result run(String bootstrap, String topic, Path payloadFile, String delimiter, long records, long warmup,
            int batchSize, String compression, Path log) throws Exception {
        return run(bootstrap, topic, payloadFile, delimiter, records, warmup, batchSize, compression, log, null);
    }

    /** As above, with the broker's CPU per record over the same part of the run. */
    static Result run(String bootstrap, String topic, Path payloadFile, String delimiter, long records, long warmup,
            int batchSize, String compression, Path log, ChildProcess broker) throws Exception {
        List<String> args = new java.util.ArrayList<>(List.of("--topic", topic, "--num-records", Long.toString(records),
                "--payload-file", payloadFile.toString(), "--throughput", "-1", "--warmup-records", Long.toString(warmup)));
        if (delimiter != null) {
            args.addAll(List.of("--payload-delimiter", delimiter));
        }
        args.addAll(List.of("--producer-props", "bootstrap.servers=" + bootstrap, "acks=all", "linger.ms=5",
                "batch.size=" + batchSize, "compression.type=" + compression, "max.request.size=2097152"));
        try (ChildProcess p = ChildProcess.start("org.apache.kafka.tools.ProducerPerformance", List.of("-Xmx512m"),
                args, Map.of(), log, line -> false)) {
            double[] from = {Double.NaN, Double.NaN}; // the tool's CPU and the broker's once the payloads are read
            p.onFirst(line -> line.startsWith("Number of records read"), () -> {
                from[0] = p.cpuSeconds();
                from[1] = broker == null ? Double.NaN : broker.cpuSeconds();
            });
            p.waitFor(300);
            double brokerEnd = broker == null ? Double.NaN : broker.cpuSeconds();
            Result last = null;
            for (String line : p.lines()) {
                Matcher m = SUMMARY.matcher(line);
                if (m.find()) {
                    last = new Result(Long.parseLong(m.group(1)), Double.parseDouble(m.group(2)),
                            Double.parseDouble(m.group(3)), Double.parseDouble(m.group(6)),
                            Double.parseDouble(m.group(8)), Double.parseDouble(m.group(9)),
                            (p.cpuSecondsAtEnd() - from[0]) * 1e9 / records, (brokerEnd - from[1]) * 1e9 / records);
                }
            }
            if (last == null) {
                throw new IllegalStateException("ProducerPerformance printed no summary; see " + log);
            }
            return last;
        }
    }
}
