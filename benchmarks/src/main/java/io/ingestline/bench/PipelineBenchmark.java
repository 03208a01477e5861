package io.ingestline.bench;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;

/**
 * The whole pipeline on one machine: a broker in its own JVM, the edge, the validator and the file sink in another
 * ({@link PipelineProcess}), and the load generator ({@link LoadGenerator}) in this one, posting realistic ~330-byte
 * log events of 18 fields through the Axiom endpoint. Runs (after a warm-up): as fast as the pipeline acknowledges,
 * then at a fixed rate (default 50,000 events/s). For each: events/s and MB/s acknowledged, request latency p50 /
 * p99 / p99.9 (HdrHistogram, measured from when a paced request was due), and the delay from acknowledgement to the
 * event being in a visible file (p50 / p99). Saves the table and a PNG of events/s and p99 latency per second.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar io.ingestline.bench.PipelineBenchmark</pre>
 *
 * Environment: {@code BENCH_DURATION_S} (30), {@code BENCH_WARMUP_S} (20), {@code BENCH_CONNECTIONS} (8),
 * {@code BENCH_BATCH} (500), {@code BENCH_RATE} (50000), {@code BENCH_GZIP} (0), {@code BENCH_RESULTS},
 * {@code BENCH_PIPELINE_JAVA_OPTS} (extra JVM options of the pipeline's JVM, e.g. a profiler).
 */
public final class PipelineBenchmark {
    private static final String TOKEN = "pipeline-bench-token";
    private static final String DATASET = "pipeline";

    private PipelineBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Report report = new Report("pipeline");
        Duration duration = Duration.ofSeconds(Report.env("BENCH_DURATION_S", 30));
        Duration warmup = Duration.ofSeconds(Report.env("BENCH_WARMUP_S", 20));
        int connections = Report.env("BENCH_CONNECTIONS", 8);
        int batch = Report.env("BENCH_BATCH", 500);
        int rate = Report.env("BENCH_RATE", 50_000);
        boolean gzip = Report.env("BENCH_GZIP", 0) == 1;
        String run = UUID.randomUUID().toString().substring(0, 8);
        report.line("# Pipeline benchmark, " + java.time.LocalDateTime.now().withNano(0));
        report.line("");
        report.line(String.format(Locale.ROOT, "Edge + validator + file sink in one JVM, broker in another, load generator "
                + "in this one, all on this machine (%d cores, Java %s). Axiom endpoint, NDJSON bodies of %d events "
                + "(~330 bytes, 18 fields)%s, %d connections; %d s per run after %d s of warm-up.",
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), batch,
                gzip ? ", gzip" : "", connections, duration.toSeconds(), warmup.toSeconds()));
        report.line("");
        Path data = report.dir.resolve("data");
        try (ChildProcess broker = ChildProcess.start(BrokerProcess.class.getName(), List.of("-Xms1g", "-Xmx1g"),
                List.of(report.dir.resolve("kafka").toString(), Integer.toString(Report.freePort()),
                        Integer.toString(Report.freePort())), Map.of(), report.dir.resolve("broker.log"),
                l -> l.startsWith("READY"))) {
            String bootstrap = broker.await(120).substring("READY ".length()).trim();
            int port = Report.freePort();
            List<String> jvm = new ArrayList<>(List.of("-Xmx2g"));
            String extra = System.getenv("BENCH_PIPELINE_JAVA_OPTS");
            if (extra != null && !extra.isBlank()) {
                jvm.addAll(List.of(extra.trim().split("\\s+")));
            }
            try (ChildProcess pipeline = ChildProcess.start(PipelineProcess.class.getName(), jvm, List.of(),
                    Map.ofEntries(Map.entry("KAFKA_BOOTSTRAP_SERVERS", bootstrap),
                            Map.entry("INGEST_HTTP_HOST", "127.0.0.1"), Map.entry("INGEST_HTTP_PORT", Integer.toString(port)),
                            Map.entry("INGEST_TOKENS", "bench=" + TOKEN), Map.entry("INGEST_DATA_DIR", data.toString()),
                            Map.entry("INGEST_VALIDATOR_STATE_DIR", report.dir.resolve("validator").toString()),
                            Map.entry("INGEST_VALIDATOR_HTTP_PORT", "-1"), Map.entry("INGEST_SINK_HTTP_PORT", "-1"),
                            Map.entry("KAFKA_STREAMS_NUM_STREAM_THREADS", "2"), Map.entry("INGEST_SINK_WORKERS", "2"),
                            Map.entry("INGEST_SINK_FLUSH_MS", "500")),
                    report.dir.resolve("pipeline.log"), l -> l.startsWith("READY"))) {
                pipeline.await(180);
                URI edge = URI.create("http://127.0.0.1:" + port);
                AtomicLong seq = new AtomicLong();
                LoadGenerator.Settings unpaced = new LoadGenerator.Settings(edge, TOKEN, DATASET, connections, batch, 0, gzip);
                LoadGenerator warm = new LoadGenerator(unpaced, run, seq);
                warm.run(warmup);
                report.line("| run | events/s | MB/s | p50 ms | p99 ms | p99.9 ms | failed requests | stored / acknowledged | ack to stored p50 ms | ack to stored p99 ms |");
                report.line("|---|---|---|---|---|---|---|---|---|---|");
                List<Chart.Series> panels = new ArrayList<>();
                double peak = measure(report, "as fast as acknowledged", unpaced, run, seq, duration, data, batch, panels);
                int fixed = rate > 0 ? rate : (int) (peak / 2);
                measure(report, String.format(Locale.ROOT, "paced at %,d events/s", fixed),
                        new LoadGenerator.Settings(edge, TOKEN, DATASET, connections, batch, fixed, gzip), run, seq,
                        duration, data, batch, panels);
                Chart.write(report.dir.resolve("pipeline.png"), "Whole pipeline to files: events/s and request p99 per second",
                        panels);
                report.line("");
                report.line("Plot: " + report.dir.resolve("pipeline.png"));
            }
        }
        report.save();
        System.exit(0);
    }

    private static double measure(Report report, String name, LoadGenerator.Settings settings, String run,
            AtomicLong seq, Duration duration, Path data, int batch, List<Chart.Series> panels) throws Exception {
        LoadGenerator load = new LoadGenerator(settings, run, seq);
        LoadGenerator.Result r;
        Histogram delays;
        long stored;
        try (StoredWatcher watcher = new StoredWatcher(data.resolve("datasets/dataset=" + DATASET), run, batch,
                load.ackedAt)) {
            r = load.run(duration);
            long deadline = System.nanoTime() + 60_000_000_000L;
            long acked = load.ackedAt.size() * (long) batch;
            while (System.nanoTime() < deadline && watcher.matched() < acked) {
                Thread.sleep(200);
            }
            Thread.sleep(500);
            delays = watcher.takeDelays();
            stored = delays.getTotalCount();
        }
        double perSecond = r.acked() / r.seconds();
        Histogram h = r.latencyMicros();
        report.line(String.format(Locale.ROOT, "| %s | %,.0f | %.1f | %.1f | %.1f | %.1f | %d | %,d / %,d | %d | %d |",
                name, perSecond, perSecond * 330 / 1e6, h.getValueAtPercentile(50) / 1000.0,
                h.getValueAtPercentile(99) / 1000.0, h.getValueAtPercentile(99.9) / 1000.0, r.failed(), stored,
                r.acked(), delays.getValueAtPercentile(50), delays.getValueAtPercentile(99)));
        double[] counts = new double[r.perSecond().length];
        for (int i = 0; i < counts.length; i++) {
            counts[i] = r.perSecond()[i];
        }
        panels.add(new Chart.Series(name + ": acknowledged", "events/s", counts));
        panels.add(new Chart.Series(name + ": request p99", "ms", r.p99PerSecond()));
        return perSecond;
    }
}
