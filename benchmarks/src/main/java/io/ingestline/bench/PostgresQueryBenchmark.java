package io.ingestline.bench;

import io.ingestline.query.store.PostgresEventStore;
import io.ingestline.sink.storage.PostgresStorageWriter;
import io.ingestline.sink.storage.Rejects;
import io.ingestline.sink.storage.SinkRecord;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * The PostgreSQL store's searches over {@link QueryBenchmark}'s day of events: the same {@code BENCH_QUERY_EVENTS}
 * events (10,000,000, same generator, same 24 hours) loaded by the sink's real {@link PostgresStorageWriter}
 * ({@code COPY}, a commit every {@code BENCH_QUERY_COMMIT_EVERY} events, 100,000) into the schema
 * {@code BENCH_QUERY_PG_SCHEMA} ({@code bench_query}), then {@code VACUUM (ANALYZE)}, as autovacuum does after a
 * bulk insert. The same searches as the file store's ({@link StoreQueries}) through {@link PostgresEventStore}, then
 * the reference: plain SQL over the same table ({@code count(*)} of the day, {@code event->>'status' = '503'} for the
 * selective count and page, a {@code GROUP BY} for the facet). The schema is dropped at the end unless
 * {@code BENCH_QUERY_PG_KEEP} is 1; a kept schema holding the same events is reused, so they are loaded once.
 * {@code BENCH_PG_URL} ({@code jdbc:postgresql://127.0.0.1:5432/postgres}), {@code BENCH_PG_USER} (postgres),
 * {@code BENCH_PG_PASSWORD}; {@code BENCH_QUERY_RUNS} (10).
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar io.ingestline.bench.PostgresQueryBenchmark</pre>
 */
public final class PostgresQueryBenchmark {
    private static final String GROUP = "bench-query";

    private final Report report;
    private final String url = System.getenv().getOrDefault("BENCH_PG_URL", "jdbc:postgresql://127.0.0.1:5432/postgres");
    private final String user = System.getenv().getOrDefault("BENCH_PG_USER", "postgres");
    private final String password = System.getenv().getOrDefault("BENCH_PG_PASSWORD", "");
    private final String schema = System.getenv().getOrDefault("BENCH_QUERY_PG_SCHEMA", "bench_query");

    private PostgresQueryBenchmark(Report report) {
        this.report = report;
    }

    public static void main(String[] args) throws Exception {
        new PostgresQueryBenchmark(new Report("query-postgres")).run();
        System.exit(0);
    }

    private void run() throws Exception {
        int events = Report.env("BENCH_QUERY_EVENTS", 10_000_000);
        int commitEvery = Report.env("BENCH_QUERY_COMMIT_EVERY", 100_000);
        int runs = Report.env("BENCH_QUERY_RUNS", 10);
        boolean keep = Report.env("BENCH_QUERY_PG_KEEP", 0) == 1;
        String marker = "QueryBenchmark: " + events + " events, a commit every " + commitEvery;
        try (Connection db = DriverManager.getConnection(url, user, password)) {
            if (marker.equals(schemaComment(db))) {
                report.line("Reusing " + events + " events in " + schema + "." + QueryBenchmark.DATASET);
            } else {
                load(db, events, commitEvery, marker);
            }
            describe(db);
            try (PostgresEventStore store = new PostgresEventStore(new PostgresEventStore.Settings(url, user,
                    password, schema, Duration.ofMinutes(10)))) {
                new StoreQueries(report, store, events).run(runs);
            }
            reference(db, events, runs);
            if (!keep) {
                exec(db, "DROP SCHEMA " + quote(schema) + " CASCADE");
                report.line("");
                report.line("Dropped schema " + schema + " (BENCH_QUERY_PG_KEEP=1 keeps it for the next run)");
            }
        }
        report.save();
    }

    private void load(Connection db, int events, int commitEvery, String marker) throws SQLException {
        exec(db, "DROP SCHEMA IF EXISTS " + quote(schema) + " CASCADE");
        Rejects none = new Rejects() {
            @Override
            public void reject(SinkRecord record, String reason) {
                throw new IllegalStateException("PostgreSQL refused a generated event: " + reason);
            }

            @Override
            public void flush() {
            }
        };
        long start = System.nanoTime();
        // The buffer never forces a commit before commitEvery events: 100,000 events are about 43 MB buffered.
        try (PostgresStorageWriter writer = new PostgresStorageWriter(new PostgresStorageWriter.Settings(url, user,
                password, schema, 0, 1L << 30, PostgresStorageWriter.Load.COPY), GROUP, none)) {
            QueryBenchmark.write(writer, events, commitEvery);
        }
        double loaded = StoreQueries.seconds(start);
        start = System.nanoTime();
        exec(db, "VACUUM (ANALYZE) " + table());
        report.line(String.format(Locale.ROOT, "Loaded %,d events with COPY in %.1f s (%,.0f events/s); "
                + "VACUUM (ANALYZE) %.1f s", events, loaded, events / loaded, StoreQueries.seconds(start)));
        exec(db, "COMMENT ON SCHEMA " + quote(schema) + " IS '" + marker + "'");
    }

    private void describe(Connection db) throws SQLException {
        try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery("SELECT current_setting("
                + "'server_version'), current_setting('shared_buffers'), current_setting("
                + "'max_parallel_workers_per_gather'), current_setting('work_mem'), current_setting('jit'), "
                + "(SELECT sum(pg_table_size(relid)) FROM pg_partition_tree('" + table() + "')), "
                + "(SELECT sum(pg_indexes_size(relid)) FROM pg_partition_tree('" + table() + "')), "
                + "(SELECT count(*) FROM pg_partition_tree('" + table() + "') WHERE isleaf)")) {
            rs.next();
            report.line(String.format(Locale.ROOT, "PostgreSQL %s, shared_buffers %s, max_parallel_workers_per_gather "
                    + "%s, work_mem %s, jit %s; table %,d MB, indexes %,d MB, %d daily partition(s)", rs.getString(1),
                    rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5), rs.getLong(6) >> 20,
                    rs.getLong(7) >> 20, rs.getLong(8)));
        }
    }

    /** Plain SQL over the same table, on a connection with PostgreSQL's default settings. */
    private void reference(Connection db, int events, int runs) throws SQLException {
        String range = " WHERE time >= ? AND time < ?";
        String selective = " AND event->>'status' = '503' AND event->>'path' = '/api/x'";
        report.line("");
        report.line("PostgreSQL alone, plain SQL over the same table:");
        List<Double> millis = new ArrayList<>();
        for (int i = 0; i <= runs; i++) {
            long start = System.nanoTime();
            query(db, "SELECT time, kafka_partition, kafka_offset, event::text FROM " + table() + range + selective
                    + " ORDER BY time DESC, kafka_partition DESC, kafka_offset DESC LIMIT 101", Duration.ofHours(1));
            if (i > 0) {
                millis.add((System.nanoTime() - start) / 1e6);
            }
        }
        Collections.sort(millis);
        report.line(String.format(Locale.ROOT, "  first page (LIMIT 101) of event->>'status' = '503' AND "
                + "event->>'path' = '/api/x' over the last 1 h: median %.0f ms, max %.0f ms of %d runs",
                millis.get(millis.size() / 2), millis.get(millis.size() - 1), runs));
        count(db, range, "", events, "");
        count(db, range, selective, events, "");
        // The store's count of a field query runs on one process (its field tests are correlated subqueries: the
        // plan has no Gather): the same count on one process tells the cost of its SQL apart from the workers.
        exec(db, "SET max_parallel_workers_per_gather = 0");
        count(db, range, selective, events, ", one process (max_parallel_workers_per_gather = 0)");
        exec(db, "RESET max_parallel_workers_per_gather");
        long start = System.nanoTime();
        String top = query(db, "SELECT event->>'path' || ' ' || count(*) FROM " + table() + range
                + " GROUP BY event->>'path' ORDER BY count(*) DESC LIMIT 5", Duration.ofDays(1));
        report.line(String.format(Locale.ROOT, "  GROUP BY event->>'path', top 5 over the day: %.2f s (top: %s)",
                StoreQueries.seconds(start), top));
    }

    private void count(Connection db, String range, String where, int events, String how) throws SQLException {
        long start = System.nanoTime();
        String count = query(db, "SELECT count(*) FROM " + table() + range + where, Duration.ofDays(1));
        double s = StoreQueries.seconds(start);
        report.line(String.format(Locale.ROOT, "  SELECT count(*)%s over the day%s: %,d in %.2f s, %,.0f events/s",
                where.isEmpty() ? "" : " WHERE" + where.substring(4), how, Long.parseLong(count), s, events / s));
    }

    /** Runs a statement over the last {@code last} of the day; its first row's first column. */
    private static String query(Connection db, String sql, Duration last) throws SQLException {
        try (PreparedStatement q = db.prepareStatement(sql)) {
            q.setObject(1, OffsetDateTime.ofInstant(QueryBenchmark.END.minus(last), ZoneOffset.UTC));
            q.setObject(2, OffsetDateTime.ofInstant(QueryBenchmark.END, ZoneOffset.UTC));
            try (ResultSet rs = q.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    private String schemaComment(Connection db) throws SQLException {
        try (PreparedStatement q = db.prepareStatement("SELECT obj_description(oid, 'pg_namespace') FROM "
                + "pg_namespace WHERE nspname = ?")) {
            q.setString(1, schema);
            try (ResultSet rs = q.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    private String table() {
        return quote(schema) + "." + quote(QueryBenchmark.DATASET);
    }

    private static void exec(Connection db, String sql) throws SQLException {
        try (Statement s = db.createStatement()) {
            s.execute(sql);
        }
    }

    private static String quote(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }
}
