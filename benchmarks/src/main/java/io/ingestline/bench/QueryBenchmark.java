package io.ingestline.bench;

import io.ingestline.query.store.FileEventStore;
import io.ingestline.sink.storage.DatasetPartition;
import io.ingestline.sink.storage.FileStorageWriter;
import io.ingestline.sink.storage.SinkRecord;
import io.ingestline.sink.storage.StorageWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

/**
 * The file store's searches over a day of events: {@code BENCH_QUERY_EVENTS} events (10,000,000) spread evenly over
 * the 24 hours before {@link #END}, written by the sink's real {@link FileStorageWriter} (zstd, three partitions, a
 * commit every {@code BENCH_QUERY_COMMIT_EVERY} events) into {@code BENCH_QUERY_DIR} (default
 * {@code benchmarks/target/query-data}; reused when it already holds the same events, so they are written once).
 * Then, with DuckDB at {@code BENCH_QUERY_THREADS} threads (2) and {@code BENCH_QUERY_MEMORY} (its default):
 * <ol>
 *   <li>first pages of 100, newest first, {@code BENCH_QUERY_RUNS} (10) times after a first run apart (it counts the
 *       lines of the files it reads, which later pages remember): a selective search over the last hour, every event
 *       of the day, the selective search over the day, and a rare one over the day (3 runs: it reads every hour);</li>
 *   <li>{@code count} of every event of the day, and of the selective query over the day: events scanned a second;</li>
 *   <li>{@code fields} of the last hour's events, {@code facet} of {@code json.path} over the day;</li>
 *   <li>the reference: DuckDB's own {@code count(*)} over the same files with {@code read_ndjson_objects} (finds
 *       each line's object, parses nothing) and {@code read_ndjson} (parses every event into typed columns).</li>
 * </ol>
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar io.ingestline.bench.QueryBenchmark</pre>
 */
public final class QueryBenchmark {
    /** The day ends here, on the hour: "the last hour" is the hour before. */
    static final Instant END = Instant.parse("2026-12-01T00:00:00Z");
    static final String DATASET = "bench";
    static final int PARTITIONS = 3;
    static final String SELECTIVE = "json.status:503 AND json.path:\"/api/x\"";
    /** About 28 events of the day: a page reads every hour. */
    static final String RARE = SELECTIVE + " AND json.method:DELETE AND json.level:error";
    private static final String[] PATHS = {"/api/x", "/api/orders", "/api/users", "/api/cart", "/api/search",
        "/login", "/logout", "/static/app.js", "/static/app.css", "/health"};
    private static final String[] LEVELS = {"info", "info", "info", "info", "warn", "error"};
    private static final String[] METHODS = {"GET", "GET", "GET", "POST", "PUT", "DELETE"};

    private final Report report;

    private QueryBenchmark(Report report) {
        this.report = report;
    }

    public static void main(String[] args) throws Exception {
        new QueryBenchmark(new Report("query")).run();
        System.exit(0);
    }

    private void run() throws Exception {
        int events = Report.env("BENCH_QUERY_EVENTS", 10_000_000);
        int commitEvery = Report.env("BENCH_QUERY_COMMIT_EVERY", 100_000);
        int runs = Report.env("BENCH_QUERY_RUNS", 10);
        int threads = Report.env("BENCH_QUERY_THREADS", 2);
        String memory = System.getenv("BENCH_QUERY_MEMORY");
        Path dir = Path.of(System.getenv().getOrDefault("BENCH_QUERY_DIR", "benchmarks/target/query-data"));
        Path datasets = dir.resolve("datasets");
        Path marker = dir.resolve("generated-" + events + "-" + commitEvery);
        if (Files.exists(marker)) {
            report.line("Reusing " + events + " events in " + datasets);
        } else {
            Report.deleteTree(dir);
            long start = System.nanoTime();
            generate(datasets, events, commitEvery);
            Files.createFile(marker);
            report.line(String.format(Locale.ROOT, "Wrote %,d events in %.1f s", events, seconds(start)));
        }
        List<Path> files = files(datasets.resolve("dataset=" + DATASET));
        long bytes = 0;
        for (Path file : files) {
            bytes += Files.size(file);
        }
        report.line(String.format(Locale.ROOT, "%,d files, %,d MB compressed; DuckDB threads %d, memory_limit %s",
                files.size(), bytes >> 20, threads, memory == null ? "default" : memory));
        try (FileEventStore store = new FileEventStore(datasets, Duration.ofMinutes(10), threads, memory)) {
            new StoreQueries(report, store, events).run(runs);
        }
        reference(files, events);
        report.save();
    }

    /** Writes the day's events with the file sink, committing every {@code commitEvery} events. */
    private static void generate(Path datasets, int events, int commitEvery) {
        try (FileStorageWriter writer = new FileStorageWriter(datasets, 128L << 20, 64L << 20,
                FileStorageWriter.Compression.ZSTD)) {
            write(writer, events, commitEvery);
        }
    }

    /**
     * The day's events, in time order, through a sink's storage writer: ~330 bytes each, each partition taking every
     * third, a commit every {@code commitEvery} events (or sooner when the writer says one is due). The same seed,
     * so every store gets the same events.
     */
    static void write(StorageWriter writer, int events, int commitEvery) {
        Random random = new Random(42);
        Instant start = END.minus(Duration.ofDays(1));
        long spanMicros = Duration.ofDays(1).toNanos() / 1_000;
        Map<DatasetPartition, Long> next = new HashMap<>();
        List<DatasetPartition> partitions = new ArrayList<>();
        for (int p = 0; p < PARTITIONS; p++) {
            partitions.add(new DatasetPartition(DATASET, p));
        }
        writer.open(partitions, 1);
        for (int i = 0; i < events; i++) {
            Instant time = start.plusNanos(spanMicros * i / events * 1_000);
            int partition = i % PARTITIONS;
            DatasetPartition dp = partitions.get(partition);
            long offset = next.getOrDefault(dp, 0L);
            String id = "b" + (i / 500) + "-" + (i % 500);
            writer.write(new SinkRecord(DATASET, partition, offset, time.toEpochMilli(), id,
                    event(random, time, id).getBytes(StandardCharsets.UTF_8)));
            next.put(dp, offset + 1);
            if ((i + 1) % commitEvery == 0 || writer.commitDue()) {
                writer.commit(Map.copyOf(next), n -> { });
            }
        }
        writer.commit(Map.copyOf(next), n -> { });
    }

    /** One request log line; 1 in 100 has status 503, 1 in 10 the path {@code /api/x}. */
    static String event(Random random, Instant time, String id) {
        int status = random.nextInt(100) == 0 ? 503 : random.nextInt(10) == 0 ? 404 : 200;
        String path = PATHS[random.nextInt(PATHS.length)];
        String method = METHODS[random.nextInt(METHODS.length)];
        int latency = 1 + random.nextInt(900);
        return "{\"_time\":\"" + time + "\",\"_id\":\"" + id + "\",\"host\":\"web-" + random.nextInt(40)
                + "\",\"service\":\"checkout\",\"level\":\"" + LEVELS[random.nextInt(LEVELS.length)]
                + "\",\"method\":\"" + method + "\",\"path\":\"" + path + "\",\"status\":" + status
                + ",\"latency_ms\":" + latency + ",\"bytes\":" + random.nextInt(100_000) + ",\"user\":{\"id\":"
                + random.nextInt(1_000_000) + ",\"country\":\"" + (char) ('A' + random.nextInt(26))
                + (char) ('A' + random.nextInt(26)) + "\"},\"msg\":\"" + method + " " + path + " " + status + " in "
                + latency + " ms\"}";
    }

    private void reference(List<Path> files, int events) throws Exception {
        String list = String.join(",", files.stream().map(f -> "'" + f.toAbsolutePath() + "'").toList());
        report.line("");
        report.line("DuckDB alone, count(*) over the same files:");
        try (Connection connection = DriverManager.getConnection("jdbc:duckdb:");
             Statement statement = connection.createStatement()) {
            statement.execute("SET threads = " + Report.env("BENCH_QUERY_THREADS", 2));
            for (String reader : List.of("read_ndjson_objects", "read_ndjson")) {
                long start = System.nanoTime();
                long count;
                try (ResultSet rows = statement.executeQuery("SELECT count(*) FROM " + reader + "([" + list + "])")) {
                    rows.next();
                    count = rows.getLong(1);
                }
                double s = seconds(start);
                report.line(String.format(Locale.ROOT, "  %s: %,d in %.2f s, %,.0f events/s", reader, count, s,
                        events / s));
            }
        }
    }

    private static List<Path> files(Path datasetDir) throws Exception {
        try (Stream<Path> paths = Files.walk(datasetDir)) {
            return paths.filter(p -> p.getFileName().toString().endsWith(".ndjson.zst"))
                    .filter(p -> !p.toString().contains("/_sink/")).sorted().toList();
        }
    }

    private static double seconds(long startNanos) {
        return StoreQueries.seconds(startNanos);
    }
}
