package io.ingestline.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.ToDoubleFunction;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * What PostgreSQL spends to store the sink's events, and on what: the same {@code BENCH_PG_EVENTS} events (300,000;
 * {@link CopyChunks}: realistic {@link LogEvents} shaped as the sink stores them, encoded before anything is measured)
 * loaded as the sink loads them ({@code COPY} text through the driver's {@code CopyManager} in 64 KB writes, a
 * transaction per commit of {@code BENCH_PG_COMMIT_BYTES} of COPY data, 33,554,432 as the sink's
 * {@code INGEST_PG_MAX_BUFFER_BYTES}, moving the offsets rows in it) into each {@link LoadVariant}: the sink's table, and
 * variants without the order index, without the typed columns, with {@code event} as text, straight into the day's
 * partition, with asynchronous commits, with {@code COPY BINARY}, with {@code event} as {@code json}. Each load is in a
 * fresh schema (dropped after), after a {@code CHECKPOINT}; after one unmeasured load (warm-up), the variants run in
 * turn, {@code BENCH_ROUNDS} (3) rounds, each round starting one variant later so that none always follows the same
 * one. Per event: the backend's CPU ({@code /proc/<pid>/stat} of {@code pg_backend_pid()}), the whole server's (every
 * {@code postgres} process, {@link PostgresCpu}: WAL writer, checkpointer and other sessions included), that of its
 * background processes alone (those {@code pg_stat_activity} lists as other than client backends, and the server
 * itself: the whole server's figure also holds other sessions' backends, this server being shared), wall time, WAL
 * bytes ({@code pg_wal_lsn_diff} of {@code pg_current_wal_lsn()}), and the {@code COMMIT}s' time. Then, apart, what the
 * load leaves for later: the {@code CHECKPOINT} that writes its pages, and the {@code VACUUM (ANALYZE)} autovacuum
 * would run on an insert-only table. Prints a Markdown table of each variant's medians over the rounds, the differences
 * that price each part (median of the rounds' differences), and every round's figures.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar io.ingestline.bench.PostgresLoadBudget</pre>
 *
 * Environment: {@code BENCH_PG_URL} ({@code jdbc:postgresql://127.0.0.1:5432/postgres}), {@code BENCH_PG_USER}
 * (postgres), {@code BENCH_PG_PASSWORD}, {@code BENCH_PG_EVENTS} (300000), {@code BENCH_ROUNDS} (3),
 * {@code BENCH_PG_COMMIT_BYTES} (33554432), {@code BENCH_PG_VARIANTS} ({@code abcdefgh}), {@code BENCH_RESULTS}.
 * PostgreSQL must run on this machine for the CPU columns (its processes readable in {@code /proc}: as root, or as
 * the same user); else they are empty and the wall time, WAL and commit columns remain.
 */
public final class PostgresLoadBudget {
    private final Report report;
    private final String url = System.getenv().getOrDefault("BENCH_PG_URL", "jdbc:postgresql://127.0.0.1:5432/postgres");
    private final String user = System.getenv().getOrDefault("BENCH_PG_USER", "postgres");
    private final String password = System.getenv().getOrDefault("BENCH_PG_PASSWORD", "");
    private final String run = UUID.randomUUID().toString().substring(0, 8);

    /** One load's figures, per event (ns, bytes) but {@code commitMs}: the mean COMMIT in ms. */
    record Figures(double backend, double server, double background, double wall, double wal, double commit,
            double commitMs, double checkpointServer, double vacuumBackend, double vacuumWal) {
    }

    /** The columns of the tables: a name and how to read it. */
    private record Column(String name, ToDoubleFunction<Figures> value) {
    }

    private static final List<Column> COLUMNS = List.of(new Column("backend CPU ns/event", Figures::backend),
            new Column("server CPU ns/event (all postgres processes)", Figures::server),
            new Column("of which background processes ns/event", Figures::background),
            new Column("wall ns/event", Figures::wall), new Column("WAL bytes/event", Figures::wal),
            new Column("COMMIT wall ns/event", Figures::commit), new Column("COMMIT ms each", Figures::commitMs),
            new Column("later: CHECKPOINT, server CPU ns/event", Figures::checkpointServer),
            new Column("later: VACUUM (ANALYZE), backend CPU ns/event", Figures::vacuumBackend),
            new Column("later: VACUUM (ANALYZE), WAL bytes/event", Figures::vacuumWal));

    private PostgresLoadBudget(Report report) {
        this.report = report;
    }

    public static void main(String[] args) throws Exception {
        new PostgresLoadBudget(new Report("postgres-load-budget")).run();
        System.exit(0);
    }

    private void run() throws Exception {
        int events = Report.env("BENCH_PG_EVENTS", 300_000);
        int rounds = Report.env("BENCH_ROUNDS", 3);
        long commitBytes = Long.parseLong(System.getenv().getOrDefault("BENCH_PG_COMMIT_BYTES", "33554432").trim());
        List<LoadVariant> variants = Arrays.stream(System.getenv().getOrDefault("BENCH_PG_VARIANTS", "abcdefgh")
                .split("")).filter(s -> !s.isBlank()).map(LoadVariant::ofLetter).toList();
        CopyChunks data = CopyChunks.make(events, commitBytes);
        Map<LoadVariant, List<Figures>> all = new EnumMap<>(LoadVariant.class);
        try (Connection db = DriverManager.getConnection(url, user, password)) {
            header(db, data, rounds);
            load(db, variants.get(0), data, "warmup"); // the server's caches and this JVM's JIT: not counted
            for (int round = 0; round < rounds; round++) {
                for (int i = 0; i < variants.size(); i++) {
                    LoadVariant v = variants.get((i + round) % variants.size());
                    Figures f = load(db, v, data, Integer.toString(round + 1));
                    all.computeIfAbsent(v, k -> new ArrayList<>()).add(f);
                    System.out.printf(Locale.ROOT, "round %d, %s: backend %,.0f, server %,.0f, wall %,.0f ns/event, "
                            + "WAL %,.0f bytes/event%n", round + 1, v.letter, f.backend(), f.server(), f.wall(),
                            f.wal());
                }
            }
        }
        tables(all);
        report.save();
    }

    private void header(Connection db, CopyChunks data, int rounds) throws SQLException {
        StringBuilder settings = new StringBuilder();
        try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery("SELECT name, "
                + "current_setting(name) FROM pg_settings WHERE name IN ('shared_buffers', 'wal_level', 'max_wal_size', "
                + "'synchronous_commit', 'full_page_writes', 'wal_compression', 'wal_buffers', 'checkpoint_timeout', "
                + "'fsync', 'wal_sync_method') ORDER BY name")) {
            while (rs.next()) {
                settings.append(settings.length() == 0 ? "" : ", ").append(rs.getString(1)).append('=')
                        .append(rs.getString(2));
            }
        }
        String version = query(db, "SELECT version()");
        report.line("# PostgreSQL load budget, " + java.time.LocalDateTime.now().withNano(0));
        report.line("");
        report.line(String.format(Locale.ROOT, "%,d events (envelope JSON %.0f bytes on average) in %d commits of "
                + "about %.1f MB of COPY text, %d rounds after an unmeasured warm-up load, each variant in a fresh schema "
                + "after a CHECKPOINT. %s; %s. "
                + "This machine: %d cores; %s.", data.events, data.jsonBytes, data.chunks.size(),
                data.chunks.get(0).textTyped().length / 1e6, rounds, PostgresCpu.read().found()
                        ? "PostgreSQL's processes read in /proc" : "no PostgreSQL process in /proc: no CPU figures",
                settings, Runtime.getRuntime().availableProcessors(), version.split(" on ")[0]));
    }

    /** Loads every chunk into a fresh schema made for {@code v}, measured, then the checkpoint and vacuum after. */
    private Figures load(Connection db, LoadVariant v, CopyChunks data, String round) throws SQLException {
        String schema = "bench_load_" + run + "_" + v.letter + "_" + round;
        db.setAutoCommit(true);
        try (Statement s = db.createStatement()) {
            v.create(s, schema, data.day, CopyChunks.KAFKA_PARTITIONS);
            checkpoint(s);
            long backendPid = Long.parseLong(query(db, "SELECT pg_backend_pid()"));
            Sample from = sample(db, backendPid);
            double commitNanos = 0;
            db.setAutoCommit(false);
            String copy = v.copySql(schema, data.day);
            try (PreparedStatement offsets = db.prepareStatement("UPDATE " + LoadVariant.quote(schema)
                    + ".sink_offsets SET next_offset = next_offset + ?, updated_at = now() WHERE consumer_group = "
                    + "'bench' AND dataset = ? AND kafka_partition = ?")) {
                for (CopyChunks.Chunk chunk : data.chunks) {
                    if (v == LoadVariant.ASYNC_COMMIT) {
                        s.execute("SET LOCAL synchronous_commit = off");
                    }
                    for (int p = 0; p < CopyChunks.KAFKA_PARTITIONS; p++) {
                        offsets.setLong(1, chunk.events() / CopyChunks.KAFKA_PARTITIONS);
                        offsets.setString(2, LoadVariant.TABLE);
                        offsets.setInt(3, p);
                        offsets.executeUpdate();
                    }
                    copy(db, copy, chunk.data(v));
                    long t = System.nanoTime();
                    db.commit();
                    commitNanos += System.nanoTime() - t;
                }
            }
            db.setAutoCommit(true);
            Sample to = sample(db, backendPid);
            Sample beforeCheckpoint = sample(db, backendPid);
            checkpoint(s);
            Sample afterCheckpoint = sample(db, backendPid);
            s.execute("VACUUM (ANALYZE) " + LoadVariant.quote(schema) + "." + LoadVariant.quote(
                    LoadVariant.partition(data.day)));
            Sample afterVacuum = sample(db, backendPid);
            long rows = Long.parseLong(query(db, "SELECT count(*) FROM " + LoadVariant.table(schema)));
            if (rows != data.events) {
                throw new IllegalStateException(v.letter + ": " + rows + " rows stored of " + data.events);
            }
            double n = data.events;
            return new Figures(to.backend(from) / n, to.server(from) / n, to.background(from) / n,
                    (to.nanoTime - from.nanoTime) / n, (to.lsn - from.lsn) / n, commitNanos / n,
                    commitNanos / data.chunks.size() / 1e6, afterCheckpoint.server(beforeCheckpoint) / n,
                    afterVacuum.backend(afterCheckpoint) / n, (afterVacuum.lsn - afterCheckpoint.lsn) / n);
        } finally {
            db.setAutoCommit(true);
            try (Statement s = db.createStatement()) {
                s.execute("DROP SCHEMA IF EXISTS " + LoadVariant.quote(schema) + " CASCADE");
            }
        }
    }

    /** One commit's COPY, written as the sink writes it: 64 KB at a time. */
    private static void copy(Connection db, String sql, byte[] data) throws SQLException {
        CopyIn in = db.unwrap(PGConnection.class).getCopyAPI().copyIn(sql);
        try {
            for (int at = 0; at < data.length; at += 64 * 1024) {
                in.writeToCopy(data, at, Math.min(64 * 1024, data.length - at));
            }
            in.endCopy();
        } finally {
            if (in.isActive()) {
                in.cancelCopy();
            }
        }
    }

    /** A checkpoint (a superuser's right; without it, none, and the checkpoint column stays 0). */
    private static void checkpoint(Statement s) {
        try {
            s.execute("CHECKPOINT");
        } catch (SQLException e) {
            System.out.println("no CHECKPOINT: " + e.getMessage());
        }
    }

    /**
     * The moment's WAL position, then PostgreSQL's processes: each one's stat, the whole server's CPU and which
     * processes are background ones ({@code pg_stat_activity}'s other than client backends).
     */
    private static Sample sample(Connection db, long backendPid) throws SQLException {
        long lsn = Long.parseLong(query(db, "SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::bigint"));
        Set<Long> background = new HashSet<>();
        try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT pid FROM pg_stat_activity WHERE backend_type <> 'client backend'")) {
            while (rs.next()) {
                background.add(rs.getLong(1));
            }
        }
        List<ProcStat> procs = PostgresCpu.processes(java.nio.file.Path.of("/proc"));
        Map<Long, ProcStat> byPid = new HashMap<>();
        procs.forEach(p -> byPid.put(p.pid(), p));
        // the server itself is in no row of pg_stat_activity: the postgres process whose parent is none
        procs.stream().filter(p -> !byPid.containsKey(p.ppid())).forEach(p -> background.add(p.pid()));
        return new Sample(System.nanoTime(), lsn, byPid, PostgresCpu.of(procs), background, backendPid);
    }

    /** PostgreSQL's processes and WAL at one moment. */
    private record Sample(long nanoTime, long lsn, Map<Long, ProcStat> processes, PostgresCpu.Reading server,
            Set<Long> background, long backendPid) {
        double backend(Sample from) {
            return own(from, backendPid);
        }

        double server(Sample from) {
            return server.found() && from.server.found() ? (server.seconds() - from.server.seconds()) * 1e9
                    : Double.NaN;
        }

        /** The background processes' CPU: of those there at both moments. */
        double background(Sample from) {
            double sum = 0;
            for (long pid : from.background) {
                if (background.contains(pid)) {
                    double own = own(from, pid);
                    sum += Double.isNaN(own) ? 0 : own;
                }
            }
            return server.found() ? sum : Double.NaN;
        }

        private double own(Sample from, long pid) {
            ProcStat now = processes.get(pid);
            ProcStat then = from.processes.get(pid);
            return now == null || then == null ? Double.NaN : (now.cpuSeconds() - then.cpuSeconds()) * 1e9;
        }
    }

    private static String query(Connection db, String sql) throws SQLException {
        try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    /** What each part costs: the sink's load against the variant that leaves it out or changes it. */
    private static final List<Object[]> DERIVED = List.of(
            new Object[] {"order index maintenance (a - b)", LoadVariant.NO_INDEX},
            new Object[] {"typed columns (a - c)", LoadVariant.NO_TYPED},
            new Object[] {"jsonb input parsing and its larger tuples (a - d)", LoadVariant.TEXT_EVENT},
            new Object[] {"jsonb over json: building jsonb beyond checking the JSON (a - h)", LoadVariant.JSON_EVENT},
            new Object[] {"tuple routing through the partitioned parent, over the partition constraint check a "
                + "direct COPY makes (a - e)", LoadVariant.INTO_PARTITION},
            new Object[] {"waiting for each commit's WAL flush (a - f)", LoadVariant.ASYNC_COMMIT},
            new Object[] {"text COPY over binary COPY: the other columns' text input (a - g; jsonb's binary input "
                + "parses the same JSON text)", LoadVariant.BINARY});

    private void tables(Map<LoadVariant, List<Figures>> all) {
        report.line("");
        report.line("Medians over the rounds; CPU from /proc/<pid>/stat (10 ms ticks), per event stored.");
        report.line("");
        head("variant");
        all.forEach((v, figures) -> row(v.letter + ". " + v.label, COLUMNS.stream()
                .mapToDouble(c -> median(figures.stream().mapToDouble(c.value()).toArray())).toArray()));
        List<Figures> sink = all.get(LoadVariant.SINK);
        if (sink != null) {
            report.line("");
            report.line("What each part costs: median over the rounds of the difference within the round.");
            report.line("");
            head("part");
            for (Object[] d : DERIVED) {
                List<Figures> other = all.get((LoadVariant) d[1]);
                if (other != null) {
                    row((String) d[0], COLUMNS.stream().mapToDouble(c -> {
                        double[] diff = new double[Math.min(sink.size(), other.size())];
                        for (int r = 0; r < diff.length; r++) {
                            diff[r] = c.value().applyAsDouble(sink.get(r)) - c.value().applyAsDouble(other.get(r));
                        }
                        return median(diff);
                    }).toArray());
                }
            }
        }
        report.line("");
        report.line("Every round:");
        report.line("");
        head("variant, round");
        all.forEach((v, figures) -> {
            for (int r = 0; r < figures.size(); r++) {
                Figures f = figures.get(r);
                row(v.letter + ", " + (r + 1), COLUMNS.stream().mapToDouble(c -> c.value().applyAsDouble(f)).toArray());
            }
        });
    }

    private void head(String first) {
        StringBuilder h = new StringBuilder("| ").append(first).append(" |");
        StringBuilder rule = new StringBuilder("|---|");
        COLUMNS.forEach(c -> {
            h.append(' ').append(c.name()).append(" |");
            rule.append("---|");
        });
        report.line(h.toString());
        report.line(rule.toString());
    }

    private void row(String first, double[] values) {
        StringBuilder b = new StringBuilder("| ").append(first).append(" |");
        for (double v : values) {
            b.append(' ').append(Double.isNaN(v) ? "" : String.format(Locale.ROOT, Math.abs(v) < 10 ? "%.2f"
                    : "%,.0f", v)).append(" |");
        }
        report.line(b.toString());
    }

    static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        return v.length == 0 ? Double.NaN : v.length % 2 == 1 ? v[v.length / 2]
                : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }
}
