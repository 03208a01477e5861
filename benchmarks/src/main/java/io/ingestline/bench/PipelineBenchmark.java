package io.ingestline.bench;

import io.ingestline.model.Topics;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * The end-to-end benchmark: one command measures, on this machine and in one go,
 *
 * <ol>
 *   <li>{@code peer}: the peer edge ({@link PeerEdge}, its own script and broker) with 500-event bodies;</li>
 *   <li>{@code edge}: this edge alone (own JVM, JIT warmed) with the peer's body and wrk, as the peer is measured,
 *       on a fresh broker in its own JVM (the one the rest uses);</li>
 *   <li>{@code ceiling}: Kafka's own producer (a record per event) and consumer on the same realistic events
 *       ({@link LogEvents});</li>
 *   <li>{@code files}, {@code postgres}: the whole pipeline (edge, validator with a rule, sink; one JVM of its own) to
 *       files and to PostgreSQL, loaded by {@link LoadGenerator} through the Axiom endpoint: first at a fixed rate
 *       ({@code BENCH_RATE}), then at higher fixed rates ({@code BENCH_RAMP}) while the delay to storage keeps under
 *       10 s, then as fast as acknowledged; with {@code dialects}, also each dialect at the fixed rate;</li>
 *   <li>{@code sustained}: the pipeline to files at the fixed rate for {@code BENCH_SUSTAINED_S} seconds, with its
 *       heap sampled each second, to show memory and latency stay flat; {@code sustained-postgres}: the same to
 *       PostgreSQL (after the {@code postgres} steps when both are asked for).</li>
 * </ol>
 *
 * Every pipeline run reports events/s and MB/s acknowledged, request latency p50/p99/p99.9 (HdrHistogram, from
 * when each request was due: no coordinated omission), events stored of those acknowledged, events/s stored, and
 * the delay from acknowledgement to storage per event; each figure beside its ratio to the ceiling. Saves the table
 * ({@code results.md}) and PNGs of events/s, request p99, delay p99 (and heap) per second. After the table, each
 * pipeline run's cost budget ({@link CostBudget}): CPU ns per event stored of each stage's threads, of the steps the
 * validator and the sink time themselves, of the broker and, to PostgreSQL, of PostgreSQL's processes
 * ({@link PostgresCpu}), beside Kafka's tools per record.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar io.ingestline.bench.PipelineBenchmark</pre>
 *
 * Environment: {@code BENCH_PHASES} ({@code peer,ceiling,edge,files,postgres,dialects}; add {@code sustained}, to
 * files, or {@code sustained-postgres}),
 * {@code BENCH_DURATION_S} (30), {@code BENCH_WARMUP_S} (60), {@code BENCH_CONNECTIONS} (8), {@code BENCH_BATCH}
 * (500), {@code BENCH_RATE} (50000), {@code BENCH_RAMP} (70000,100000), {@code BENCH_GZIP} (0), {@code BENCH_DIALECT_S} (20),
 * {@code BENCH_SUSTAINED_S} (300), {@code BENCH_SUSTAINED_RATE} (as {@code BENCH_RATE}), {@code BENCH_PRODUCER_RECORDS} (2000000), {@code BENCH_PG_URL}
 * ({@code jdbc:postgresql://127.0.0.1:5432/postgres}), {@code BENCH_PG_USER} (postgres), {@code BENCH_PG_PASSWORD},
 * {@code BENCH_PG_EVENT_TYPE} ({@code jsonb}; {@code json}: the sink's {@code INGEST_PG_EVENT_TYPE}, named in the rows),
 * {@code BENCH_PEER_DIR}, {@code BENCH_RESULTS}, {@code BENCH_PIPELINE_JAVA_OPTS} (extra JVM options of the
 * pipeline's JVM, e.g. a profiler), {@code BENCH_PIPELINE_ENV} (comma-separated {@code NAME=value} added to the
 * pipeline's environment), {@code BENCH_STEP_CPU} (1: the pipeline runs with {@code -Dingestline.step-cpu=true}),
 * {@code BENCH_PROCESSES} ({@code one}; comma-separated {@link ProcessLayout}s, each running the pipeline phases in
 * turn: {@code one} JVM for the whole pipeline, {@code separate}: the edge, the validator and the sink each in its own
 * JVM as deployed ({@link ServiceProcess}), {@code scaled}: the edge, two validators and two sinks).
 *
 * <p>In the separate layouts each service JVM gets the pipeline JVM's options and the same environment (plus its own
 * status port and state directory), the rows' names say the layout, the "cores" column gives each JVM's share after
 * their sum, and each cost budget adds a table of every JVM's CPU per event with its GC, JIT and VM threads. To files,
 * every event of the run seen stored twice is counted apart ("stored twice"); to PostgreSQL, the run's rows are
 * counted once it is stored ({@link PgStoredCount}); a run with an acknowledged event not stored, or one stored twice,
 * is named after the table.
 */
public final class PipelineBenchmark {
    private static final String TOKEN = "pipeline-bench-token";
    private static final String ADMIN = "pipeline-bench-admin-token";
    private static final String SINK_GROUP = "bench-sink";
    /** The edge alone publishes apart from the pipeline, whose validator would otherwise work through it all. */
    private static final String EDGE_ALONE_PREFIX = "edge-alone.";
    private static final long DRAIN_LIMIT_MS = 180_000;

    private final Report report = new Report("pipeline");
    private final Set<String> phases = Arrays.stream(System.getenv().getOrDefault("BENCH_PHASES",
            "peer,ceiling,edge,files,postgres,dialects").split(",")).map(String::trim).collect(Collectors.toSet());
    private final Duration duration = Duration.ofSeconds(Report.env("BENCH_DURATION_S", 30));
    private final Duration warmup = Duration.ofSeconds(Report.env("BENCH_WARMUP_S", 60));
    private final int connections = Report.env("BENCH_CONNECTIONS", 8);
    private final int batch = Report.env("BENCH_BATCH", 500);
    private final int rate = Report.env("BENCH_RATE", 50_000);
    /** Rates tried after the fixed one, up while the delay's p99 stays under 10 s. */
    private final List<Integer> ramp = Arrays.stream(System.getenv().getOrDefault("BENCH_RAMP", "70000,100000")
            .split(",")).map(String::trim).filter(x -> !x.isEmpty()).map(Integer::parseInt).toList();
    private final boolean gzip = Report.env("BENCH_GZIP", 0) == 1;
    private final String pgUrl = System.getenv().getOrDefault("BENCH_PG_URL", "jdbc:postgresql://127.0.0.1:5432/postgres");
    private final String pgUser = System.getenv().getOrDefault("BENCH_PG_USER", "postgres");
    private final String pgPassword = System.getenv().getOrDefault("BENCH_PG_PASSWORD", "");
    /** The event column's type of the tables the PostgreSQL phase's sink makes ({@code INGEST_PG_EVENT_TYPE}). */
    private final String pgEventType = System.getenv().getOrDefault("BENCH_PG_EVENT_TYPE", "jsonb");
    private final String run = UUID.randomUUID().toString().substring(0, 8);
    private final AtomicLong seq = new AtomicLong();
    /** Kafka's producer, a record per event: the ceiling every events/s figure is divided by. */
    private double ceiling = Double.NaN;
    private double ceilingP99 = Double.NaN;
    /** Kafka's tools' CPU per record, beside each run's cost budget. */
    private CostBudget.Ceiling ceilingCpu = CostBudget.Ceiling.NONE;
    /** The pipeline's steps time themselves ({@code -Dingestline.step-cpu=true}) unless BENCH_STEP_CPU is 0. */
    private final boolean stepCpu = Report.env("BENCH_STEP_CPU", 1) == 1;
    /** How the pipeline's services run: one JVM, or each in its own; every layout runs the pipeline phases. */
    private final List<ProcessLayout> layouts = ProcessLayout.parse(System.getenv().getOrDefault("BENCH_PROCESSES",
            "one"));
    /** Each pipeline run's cost budget, printed after the table. */
    private final List<String> budgets = new ArrayList<>();
    private ChildProcess broker;
    /** The JVMs measured now besides the broker: the edge alone or the pipeline's. */
    private ServiceJvms measured;

    private PipelineBenchmark() throws IOException {
    }

    public static void main(String[] args) throws Exception {
        new PipelineBenchmark().run();
        System.exit(0);
    }

    private void run() throws Exception {
        report.line("# End-to-end benchmark, " + java.time.LocalDateTime.now().withNano(0));
        report.line("");
        report.line(String.format(Locale.ROOT, "All on this machine (%d cores, Java %s): broker, services and load "
                + "generator, each in its own JVM. Events: realistic logs of ~330 bytes and 18 fields, %d a request, "
                + "%d connections%s; pipeline runs of %d s after %d s of warm-up; the pipeline's validator applies a "
                + "rule (declared, type-checked columns and a KQL transformation).", Runtime.getRuntime()
                .availableProcessors(), System.getProperty("java.version"), batch, connections, gzip ? ", gzip" : "",
                duration.toSeconds(), warmup.toSeconds()));
        report.line("");
        PeerEdge.Result peer = null;
        if (phases.contains("peer")) {
            peer = peer();
        }
        try (ChildProcess broker = ChildProcess.start(BrokerProcess.class.getName(), List.of("-Xms1g", "-Xmx1g"),
                List.of(report.dir.resolve("kafka").toString(), Integer.toString(Report.freePort()),
                        Integer.toString(Report.freePort())), Map.of(), report.dir.resolve("broker.log"),
                l -> l.startsWith("READY"))) {
            String bootstrap = broker.await(120).substring("READY ".length()).trim();
            this.broker = broker;
            // the edge first, on a fresh broker as the peer had: after the ceiling's millions of records the broker
            // answered this edge at a third of the rate (page cache writeback on this machine)
            if (phases.contains("edge")) {
                edgeAlone(bootstrap, peer);
            }
            if (phases.contains("ceiling")) {
                ceiling(bootstrap);
            }
            deleteTopics(bootstrap); // tens of millions of records the pipeline phases need not share a disk with
            for (ProcessLayout layout : layouts) {
                if (phases.contains("files") || phases.contains("dialects") || phases.contains("sustained")) {
                    pipeline(bootstrap, false, layout);
                }
                if (phases.contains("postgres") || phases.contains("sustained-postgres")) {
                    pipeline(bootstrap, true, layout);
                }
            }
        }
        Report.deleteTree(report.dir.resolve("kafka"));
        table();
        report.save();
    }

    private PeerEdge.Result peer() {
        try {
            PeerEdge.Result p = PeerEdge.run(8, Path.of("/tmp/peer-bench"), report.dir.resolve("peer.log"));
            row("peer edge alone (nginx + lua-resty-kafka, sync, wrk, 8 connections; its own broker)",
                    p.eventsPerSecond(), p.mibPerSecond() * 1.048576, String.format(Locale.ROOT, "%.1f / %.1f / -",
                            p.p50ms(), p.p99ms()), p.p99ms(), p.non2xx(), "", "", "",
                    String.format(Locale.ROOT, "%.2f / %.2f / (wrk) (nginx / its broker)", p.nginxCores(), p.brokerCores()));
            return p;
        } catch (IOException | InterruptedException e) {
            after.add("The peer edge did not run: " + e.getMessage());
            return null;
        }
    }

    private void ceiling(String bootstrap) throws Exception {
        long records = Report.env("BENCH_PRODUCER_RECORDS", 2_000_000);
        Path payloads = report.dir.resolve("events.txt");
        Files.writeString(payloads, LogEvents.lines("ceiling", 5000));
        double avg = (Files.size(payloads) - 5000) / 5000.0;
        // as many partitions as the raw topic, as the edge benchmark's reference has
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.createTopics(List.of(new NewTopic("ceiling-events", 6, (short) 1))).all().get();
        }
        ProducerPerf.Result p = ProducerPerf.run(bootstrap, "ceiling-events", payloads, null, records, records / 4,
                131_072, "lz4", report.dir.resolve("producer.log"), broker);
        ceiling = p.recordsPerSecond();
        ceilingP99 = p.p99();
        row("ceiling: Kafka ProducerPerformance, a record per event (lz4, acks=all)", ceiling, p.mbPerSecond() * 1.048576,
                String.format(Locale.ROOT, "%.0f / %.0f / %.0f (per record)", p.p50(), p.p99(), p.p999()), p.p99(), 0,
                "", "", "", "");
        ConsumerPerf.Result c = ConsumerPerf.run(bootstrap, "ceiling-events", records, "ceiling-consumer",
                report.dir.resolve("consumer.log"), broker);
        double consumer = c.recordsPerSecond();
        ceilingCpu = new CostBudget.Ceiling(p.cpuNanosPerRecord(), p.brokerNanosPerRecord(), c.cpuNanosPerRecord(),
                c.brokerNanosPerRecord());
        row("Kafka ConsumerPerformance on those records (reads and counts)", consumer, consumer * avg / 1e6, "", Double.NaN,
                0, "", "", "", "");
    }

    private static void deleteTopics(String bootstrap) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            List<String> done = admin.listTopics().names().get().stream()
                    .filter(t -> t.startsWith(EDGE_ALONE_PREFIX) || t.equals("ceiling-events")).toList();
            admin.deleteTopics(done).all().get();
        }
    }

    /** This edge alone, in its own JVM, loaded as the peer is: wrk, 8 connections, the peer's 500-event body. */
    private void edgeAlone(String bootstrap, PeerEdge.Result peer) throws Exception {
        if (!WrkLoad.available()) {
            after.add("This edge alone did not run: wrk is not installed (apt-get install wrk).");
            return;
        }
        Path body = peer != null && Files.isRegularFile(peer.body()) ? peer.body() : report.dir.resolve("body-500.ndjson");
        if (!Files.isRegularFile(body)) {
            Files.write(body, LoadDialect.AXIOM.body("edge", 0, 500));
        }
        int port = Report.freePort();
        try (ChildProcess edge = ChildProcess.start("io.ingestline.edge.EdgeApp", List.of("-Xms512m", "-Xmx512m"),
                List.of(), Map.of("KAFKA_BOOTSTRAP_SERVERS", bootstrap, "INGEST_HTTP_HOST", "127.0.0.1",
                        "INGEST_HTTP_PORT", Integer.toString(port), "INGEST_TOKENS", "bench=" + TOKEN,
                        "INGEST_TOPIC_PREFIX", EDGE_ALONE_PREFIX, "INGEST_OTLP_PORT", "-1"),
                report.dir.resolve("edge.log"), l -> l.contains("edge listening"))) {
            edge.await(120);
            measured = ServiceJvms.of("edge", edge);
            String url = "http://127.0.0.1:" + port + "/v1/ingest/edge-alone";
            // JIT warm-up, then measured as the peer is: 5 s warm-up, 20 s
            WrkLoad.run(url, body, TOKEN, null, 32, Duration.ofSeconds(30), Duration.ofSeconds(1), report.dir);
            Cpu cpu = new Cpu(false);
            WrkLoad.Result r = WrkLoad.run(url, body, TOKEN, null, 8, Duration.ofSeconds(5), Duration.ofSeconds(20),
                    report.dir);
            cpu.stop();
            long events = Files.readAllLines(body).stream().filter(l -> !l.isBlank()).count();
            double eps = r.okPerSecond() * events;
            row("this edge alone (checks every event; wrk, 8 connections, the peer's body)"
                    + (peer == null ? "" : String.format(Locale.ROOT, ": %.2fx the peer", eps / peer.eventsPerSecond())),
                    eps, r.okPerSecond() * Files.size(body) / 1e6, String.format(Locale.ROOT, "%.1f / %.1f / %.1f",
                            r.p50ms(), r.p99ms(), r.p999ms()), r.p99ms(), r.non2xx() + r.errors(), "", "", "",
                    cpu.cores().substring(0, cpu.cores().lastIndexOf(" / ")) + " / (wrk)");
        }
    }

    /** The whole pipeline in a JVM of its own, or its services each in their own, to files or to PostgreSQL. */
    private void pipeline(String bootstrap, boolean postgres, ProcessLayout layout) throws Exception {
        String backend = postgres ? "PostgreSQL" + (pgEventType.equals("jsonb") ? "" : " (event " + pgEventType + ")")
                : "files";
        Path data = report.dir.resolve((postgres ? "pipeline-pg" : "pipeline-files") + layout.suffix());
        String schema = "bench_" + run + layout.suffix().replace('-', '_');
        int port = Report.freePort();
        int adminPort = Report.freePort();
        Map<String, String> env = new LinkedHashMap<>(Map.ofEntries(Map.entry("KAFKA_BOOTSTRAP_SERVERS", bootstrap),
                Map.entry("INGEST_HTTP_HOST", "127.0.0.1"), Map.entry("INGEST_HTTP_PORT", Integer.toString(port)),
                Map.entry("INGEST_OTLP_PORT", "-1"),
                Map.entry("INGEST_ADMIN_PORT", Integer.toString(adminPort)), Map.entry("INGEST_ADMIN_TOKEN", ADMIN),
                Map.entry("INGEST_TOKENS", "bench=" + TOKEN), Map.entry("INGEST_DATA_DIR", data.toString()),
                Map.entry("INGEST_VALIDATOR_STATE_DIR", data.resolve("validator").toString()),
                Map.entry("INGEST_VALIDATOR_HTTP_PORT", "-1"), Map.entry("INGEST_SINK_HTTP_PORT", "-1"),
                Map.entry("INGEST_QUERY_PORT", "-1"),
                Map.entry("KAFKA_STREAMS_NUM_STREAM_THREADS", "2"), Map.entry("INGEST_SINK_WORKERS", "2"),
                Map.entry("INGEST_SINK_FLUSH_MS", "500"), Map.entry("INGEST_SINK_GROUP", SINK_GROUP),
                Map.entry("INGEST_ASTRALOG_DATASET", LoadDialect.ASTRALOG.dataset),
                Map.entry("INGEST_LOGGLY_DATASET", LoadDialect.LOGGLY.dataset)));
        if (postgres) {
            env.putAll(Map.of("INGEST_SINK_BACKEND", "postgres", "INGEST_PG_URL", pgUrl, "INGEST_PG_USER", pgUser,
                    "INGEST_PG_PASSWORD", pgPassword, "INGEST_PG_SCHEMA", schema, "INGEST_PG_EVENT_TYPE", pgEventType));
        }
        env = layout.env(env);
        for (String pair : System.getenv().getOrDefault("BENCH_PIPELINE_ENV", "").split(",")) {
            String[] kv = pair.split("=", 2);
            if (kv.length == 2) {
                env.put(kv[0].trim(), kv[1].trim());
            }
        }
        List<String> jvm = new ArrayList<>(List.of("-Xmx2g"));
        if (stepCpu) {
            jvm.add("-Dingestline.step-cpu=true");
        }
        String extra = System.getenv("BENCH_PIPELINE_JAVA_OPTS");
        if (extra != null && !extra.isBlank()) {
            jvm.addAll(List.of(extra.trim().split("\\s+")));
        }
        try (ServiceJvms pipeline = ServiceJvms.start(layout, env, jvm, report.dir,
                (postgres ? "pipeline-pg" : "pipeline-files") + layout.suffix())) {
            measured = pipeline;
            URI edge = URI.create("http://127.0.0.1:" + port);
            rules(URI.create("http://127.0.0.1:" + adminPort));
            Target target = new Target(backend, bootstrap, data, schema, postgres,
                    new Topics(env.getOrDefault("INGEST_TOPIC_PREFIX", Topics.DEFAULT_PREFIX)),
                    env.get("INGEST_SINK_GROUP"));
            LoadGenerator.Settings paced = new LoadGenerator.Settings(edge, TOKEN, LoadDialect.AXIOM, connections,
                    batch, rate, gzip);
            List<Chart.Series> panels = new ArrayList<>();
            measure(null, paced, warmup, target, null);
            if (phases.contains(postgres ? "postgres" : "files")) {
                measure(String.format(Locale.ROOT, "pipeline to %s, Axiom, paced at %,d events/s%s", backend, rate,
                        layout.label), paced, duration, target, panels);
                for (int step : ramp) {
                    Measured m = measure(String.format(Locale.ROOT, "pipeline to %s, Axiom, paced at %,d events/s%s",
                            backend, step, layout.label), paced.paced(step), duration, target, null);
                    if (m.delays().getValueAtPercentile(99) > 10_000) {
                        break; // beyond what it sustains: the next steps would only lengthen the run
                    }
                }
                measure("pipeline to " + backend + ", Axiom, as fast as acknowledged" + layout.label, paced.paced(0),
                        duration, target, panels);
                Chart.write(report.dir.resolve((postgres ? "pipeline-postgres" : "pipeline-files") + layout.suffix()
                        + ".png"), "Whole pipeline to " + backend + layout.label + ": per second", panels);
            }
            if (phases.contains("dialects") && !postgres) {
                int seconds = Report.env("BENCH_DIALECT_S", 20);
                for (LoadDialect d : LoadDialect.values()) {
                    if (d != LoadDialect.AXIOM) {
                        LoadGenerator.Settings s = new LoadGenerator.Settings(edge, TOKEN, d, connections, batch,
                                rate, gzip);
                        measure(null, s, Duration.ofSeconds(5), target, null);
                        measure(String.format(Locale.ROOT, "pipeline to %s, %s, paced at %,d events/s%s", backend,
                                d.label(), rate, layout.label), s, Duration.ofSeconds(seconds), target, null);
                    }
                }
            }
            if (phases.contains(postgres ? "sustained-postgres" : "sustained")) {
                sustained(paced.paced(Report.env("BENCH_SUSTAINED_RATE", rate)), target, pipeline, layout);
            }
        } finally {
            Report.deleteTree(data);
            if (postgres) {
                try (Connection c = DriverManager.getConnection(pgUrl, pgUser, pgPassword);
                        Statement s = c.createStatement()) {
                    s.execute("DROP SCHEMA IF EXISTS \"" + schema + "\" CASCADE");
                }
            }
        }
    }

    /** Each dialect's rule: of its dataset, or Azure's stream's data collection rule. */
    private static void rules(URI admin) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        for (LoadDialect d : LoadDialect.values()) {
            String path = d.rulePath();
            String body = d.rule();
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(admin.resolve(path))
                    .header("Authorization", "Bearer " + ADMIN).PUT(HttpRequest.BodyPublishers.ofString(body)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() / 100 != 2) {
                throw new IllegalStateException("PUT " + path + ": " + r.statusCode() + " " + r.body());
            }
        }
        Thread.sleep(2000); // the validator follows the configuration topic
    }

    /** Where a run's events are stored, and how to watch them arrive. */
    private record Target(String backend, String bootstrap, Path data, String schema, boolean postgres, Topics topics,
            String sinkGroup) {
    }

    private interface Watcher extends AutoCloseable {
        Delays delays();
    }

    private Watcher watch(Target t, LoadDialect dialect, LoadGenerator load) {
        if (t.postgres()) {
            PgStoredWatcher w = new PgStoredWatcher(t.bootstrap(), t.topics().dataset(dialect.dataset), pgUrl,
                    pgUser, pgPassword, t.schema(), t.sinkGroup(), dialect.dataset, run, batch, load.ackedAt);
            return new Watcher() {
                public Delays delays() {
                    return w.delays();
                }

                public void close() throws Exception {
                    w.close();
                }
            };
        }
        StoredWatcher w = new StoredWatcher(t.data().resolve("datasets/dataset=" + dialect.dataset), run, batch,
                load.ackedAt);
        return new Watcher() {
            public Delays delays() {
                return w.delays();
            }

            public void close() {
                w.close();
            }
        };
    }

    /**
     * One run, then waits (up to three minutes) until every acknowledged event is stored, so the next run starts
     * without a backlog. Prints its row unless {@code name} is null (a warm-up).
     */
    /** A run's load and its delays from acknowledgement to storage (ms). */
    private record Measured(LoadGenerator.Result load, Histogram delays) {
    }

    private Measured measure(String name, LoadGenerator.Settings settings, Duration d, Target target,
            List<Chart.Series> panels) throws Exception {
        LoadGenerator load = new LoadGenerator(settings, run, seq);
        LoadGenerator.Result r;
        Delays delays;
        String cores;
        long start = System.currentTimeMillis();
        try (Watcher watcher = watch(target, settings.dialect(), load)) {
            delays = watcher.delays();
            CostBudget.Sample budgetFrom = name == null ? null
                    : CostBudget.Sample.take(measured, broker, target.postgres());
            Cpu cpu = new Cpu(target.postgres());
            r = load.run(d);
            cpu.stop();
            cores = cpu.cores();
            long deadline = System.currentTimeMillis() + DRAIN_LIMIT_MS;
            while (System.currentTimeMillis() < deadline && delays.matched() < r.acked()) {
                Thread.sleep(200);
            }
            if (name != null) {
                budget(name, budgetFrom, CostBudget.Sample.take(measured, broker, target.postgres()),
                        delays.matched(), (System.currentTimeMillis() - start) / 1000.0);
            }
            Thread.sleep(300);
        }
        Histogram delay = delays.all();
        if (name == null) {
            return new Measured(r, delay);
        }
        Histogram h = r.latencyMicros();
        long twice = delays.duplicates();
        if (target.postgres()) {
            // the dataset's table is named after it (the sink shortens only names over 50 characters)
            PgStoredCount rows = PgStoredCount.of(pgUrl, pgUser, pgPassword, target.schema(), settings.dialect().dataset,
                    run, batch, load.ackedAt.keySet());
            twice = rows.rows() - rows.distinct();
            System.out.printf(Locale.ROOT, "PostgreSQL rows of %s: %,d, distinct events %,d%n", name, rows.rows(),
                    rows.distinct());
            if (rows.distinct() != r.acked()) {
                String missed = String.format(Locale.ROOT, "Not stored exactly once: %s: %,d of %,d acknowledged "
                        + "events in the table.", name, rows.distinct(), r.acked());
                System.out.println(missed);
                after.add("");
                after.add(missed);
            }
        }
        if (delay.getTotalCount() != r.acked() || twice > 0) {
            String missed = String.format(Locale.ROOT, "Not stored exactly once: %s: %,d of %,d acknowledged events "
                    + "stored, %,d stored twice.", name, delay.getTotalCount(), r.acked(), twice);
            System.out.println(missed);
            after.add("");
            after.add(missed);
        }
        double storedSeconds = Math.max(d.toSeconds(), (delays.lastStoredMs() - start) / 1000.0);
        row(name, r.acked() / r.seconds(), r.ackedBytes() / r.seconds() / 1e6, String.format(Locale.ROOT,
                "%.1f / %.1f / %.1f", h.getValueAtPercentile(50) / 1000.0, h.getValueAtPercentile(99) / 1000.0,
                h.getValueAtPercentile(99.9) / 1000.0), h.getValueAtPercentile(99) / 1000.0, r.failed(),
                String.format(Locale.ROOT, "%,d / %,d%s", delay.getTotalCount(), r.acked(), twice == 0 ? ""
                        : String.format(Locale.ROOT, " (%,d stored twice)", twice)),
                String.format(Locale.ROOT, "%,.0f", delay.getTotalCount() / storedSeconds),
                String.format(Locale.ROOT, "%,d / %,d", delay.getValueAtPercentile(50), delay.getValueAtPercentile(99)),
                cores);
        if (panels != null) {
            int seconds = (int) d.toSeconds();
            double[] counts = new double[seconds];
            for (int i = 0; i < seconds; i++) {
                counts[i] = r.perSecond()[i];
            }
            panels.add(new Chart.Series(name + ": events/s acknowledged", "events/s", counts));
            panels.add(new Chart.Series(name + ": request p99", "ms", r.p99PerSecond()));
            panels.add(new Chart.Series(name + ": ack to stored p99 (by second stored)", "ms",
                    delays.p99PerSecond(seconds)));
        }
        return new Measured(r, delay);
    }

    /** A run's cost budget: from its start until every acknowledged event was stored (or the drain gave up). */
    private void budget(String name, CostBudget.Sample from, CostBudget.Sample to, long stored, double seconds) {
        List<String> lines = new ArrayList<>();
        lines.add("");
        lines.add(String.format(Locale.ROOT, "Cost budget, %s: %,d events stored in %.0f s (the run and its drain)%s",
                name, stored, seconds, stepCpu ? "; the validator and the sink timing their steps" : ""));
        lines.add("");
        lines.addAll(CostBudget.table(from, to, stored, ceilingCpu));
        lines.forEach(System.out::println);
        budgets.addAll(lines);
    }

    /**
     * Several minutes at the fixed rate, the pipeline's heap in use (its {@code /metrics}; summed over the service
     * JVMs when they are separate) and resident memory sampled each second; prints a row per minute and saves a plot.
     */
    private void sustained(LoadGenerator.Settings paced, Target target, ServiceJvms pipeline, ProcessLayout layout)
            throws Exception {
        int seconds = Report.env("BENCH_SUSTAINED_S", 300);
        double[] heapMb = new double[seconds];
        double[] rssMb = new double[seconds];
        HttpClient http = HttpClient.newHttpClient();
        Pattern heap = Pattern.compile("^jvm_memory_used_bytes\\{area=\"heap\",[^}]*} ([0-9.E]+)", Pattern.MULTILINE);
        long start = System.nanoTime();
        Thread sampler = new Thread(() -> {
            for (int i = 0; i < seconds; i++) {
                try {
                    Thread.sleep(Math.max(0, (start + (i + 1) * 1_000_000_000L - System.nanoTime()) / 1_000_000));
                    double used = 0;
                    for (URI metrics : pipeline.metrics()) {
                        Matcher m = heap.matcher(http.send(HttpRequest.newBuilder(metrics).build(),
                                HttpResponse.BodyHandlers.ofString()).body());
                        while (m.find()) {
                            used += Double.parseDouble(m.group(1));
                        }
                    }
                    heapMb[i] = used / (1 << 20);
                    rssMb[i] = pipeline.rssBytes() / (double) (1 << 20);
                } catch (InterruptedException e) {
                    return;
                } catch (Exception e) {
                    // a sample missed
                }
            }
        }, "heap-sampler");
        sampler.setDaemon(true);
        sampler.start();
        List<Chart.Series> panels = new ArrayList<>();
        String name = String.format(Locale.ROOT, "sustained: pipeline to %s, Axiom, %,d events/s for %d s%s",
                target.backend(), paced.eventsPerSecond(), seconds, layout.label);
        LoadGenerator.Result r = measure(name, paced, Duration.ofSeconds(seconds), target, panels).load();
        sampler.join(10_000);
        panels.add(new Chart.Series("sustained: service JVMs' heap in use", "MiB", heapMb));
        panels.add(new Chart.Series("sustained: service JVMs' resident memory", "MiB", rssMb));
        String file = (target.postgres() ? "sustained-postgres" : "sustained") + layout.suffix() + ".png";
        Chart.write(report.dir.resolve(file), "Sustained load to " + target.backend() + layout.label + ": per second",
                panels);
        after.add("");
        after.add("Sustained run to " + target.backend() + layout.label + " by minute: events/s acknowledged, request "
                + "p99 (max of the seconds), ack-to-stored p99 (max of the seconds), heap in use (max of the samples), "
                + "resident memory (last sample):");
        after.add("");
        after.add("| minute | events/s | request p99 ms | ack to stored p99 ms | heap MiB | RSS MiB |");
        after.add("|---|---|---|---|---|---|");
        double[] delayP99 = panels.get(2).values();
        for (int m = 0; m * 60 < seconds; m++) {
            int from = m * 60;
            int to = Math.min(seconds, from + 60);
            long events = 0;
            double p99 = 0;
            double d99 = 0;
            double heapMax = 0;
            for (int i = from; i < to; i++) {
                events += r.perSecond()[i];
                p99 = Math.max(p99, r.p99PerSecond()[i]);
                d99 = Math.max(d99, delayP99[i]);
                heapMax = Math.max(heapMax, heapMb[i]);
            }
            after.add(String.format(Locale.ROOT, "| %d | %,.0f | %.1f | %,.0f | %.0f | %.0f |", m + 1,
                    events / (double) (to - from), p99, d99, heapMax, rssMb[to - 1]));
        }
        after.add("");
        after.add("Plot: " + file);
    }

    /** A row of the table, printed at the end when the ceiling is known. */
    private record Row(String what, double eventsPerSecond, double mbPerSecond, String latency, double p99,
            long failed, String stored, String storedPerSecond, String delays, String cores) {
    }

    private final List<Row> rows = new ArrayList<>();
    /** Lines printed after the table: what did not run, the sustained run's minutes. */
    private final List<String> after = new ArrayList<>();

    private void row(String what, double eventsPerSecond, double mbPerSecond, String latency, double p99, long failed,
            String stored, String storedPerSecond, String delays, String cores) {
        rows.add(new Row(what, eventsPerSecond, mbPerSecond, latency, p99, failed, stored, storedPerSecond, delays,
                cores));
        System.out.printf(Locale.ROOT, "measured: %s: %,.0f events/s, request latency %s ms, stored %s, delay %s ms%n",
                what, eventsPerSecond, latency, stored, delays);
    }

    private void table() {
        report.line("| what | events/s | MB/s | events/s vs ceiling | request p50 / p99 / p99.9 ms | p99 vs ceiling's "
                + "| failed requests | stored / acknowledged | events/s stored | ack to stored p50 / p99 ms "
                + "| cores: service JVM / broker / load generator (/ PostgreSQL's processes, to PostgreSQL) |");
        report.line("|---|---|---|---|---|---|---|---|---|---|---|");
        for (Row r : rows) {
            report.line(String.format(Locale.ROOT, "| %s | %,.0f | %.1f | %s | %s | %s | %s | %s | %s | %s | %s |",
                    r.what(), r.eventsPerSecond(), r.mbPerSecond(), Double.isNaN(ceiling) ? ""
                            : String.format(Locale.ROOT, "%.2f", r.eventsPerSecond() / ceiling), r.latency(),
                    Double.isNaN(ceilingP99) || Double.isNaN(r.p99()) ? ""
                            : String.format(Locale.ROOT, "%.1f", r.p99() / Math.max(1, ceilingP99)),
                    Long.toString(r.failed()), r.stored(), r.storedPerSecond(), r.delays(), r.cores()));
        }
        for (String line : after) {
            report.line(line);
        }
        if (!budgets.isEmpty()) {
            report.line("");
            report.line("## Cost budget per run");
            report.line("");
            report.line("CPU per event stored, from thread CPU time in the pipeline's JVM (ThreadMXBean for Java "
                    + "threads, /proc/self/task for GC, compilers and the VM thread, sampled every 500 ms and grouped "
                    + "by thread name), the broker's /proc/<pid>/stat and, to PostgreSQL, that of every process named "
                    + "postgres (with the server's ended children), from a run's start until its events were stored. Kafka's own: each tool's JVM and the broker, per record, from when the tool had read "
                    + "its arguments (before it made its producer or consumer; its JVM's start-up left out) to its "
                    + "end.");
            budgets.forEach(report::line);
        }
    }

    /**
     * CPU used by the measured JVMs (their sum, then each one's when there are several), the broker, this JVM (the
     * load generator) and, when asked, PostgreSQL's processes from now until {@link #stop}.
     */
    private final class Cpu {
        private final long startNanos = System.nanoTime();
        private final double[] each = measured.jvms().stream().mapToDouble(j -> j.process().cpuSeconds()).toArray();
        private final double service = measured.cpuSeconds();
        private final double brokerStart = broker.cpuSeconds();
        private final double self = selfCpuSeconds();
        /** PostgreSQL's CPU at the start; null when the run does not go there. */
        private final PostgresCpu.Reading postgres;
        private String cores;

        Cpu(boolean postgres) {
            this.postgres = postgres ? PostgresCpu.read() : null;
        }

        void stop() {
            double wall = (System.nanoTime() - startNanos) / 1e9;
            List<ServiceJvms.Jvm> jvms = measured.jvms();
            StringBuilder split = new StringBuilder();
            for (int i = 0; jvms.size() > 1 && i < jvms.size(); i++) {
                split.append(i == 0 ? " (" : ", ").append(jvms.get(i).name()).append(String.format(Locale.ROOT,
                        " %.2f", (jvms.get(i).process().cpuSeconds() - each[i]) / wall));
            }
            cores = String.format(Locale.ROOT, "%.2f%s / %.2f / %.2f", (measured.cpuSeconds() - service) / wall,
                    split.length() == 0 ? "" : split + ")", (broker.cpuSeconds() - brokerStart) / wall,
                    (selfCpuSeconds() - self) / wall);
            if (postgres != null) {
                PostgresCpu.Reading now = PostgresCpu.read();
                cores += postgres.found() && now.found() ? String.format(Locale.ROOT, " / %.2f",
                        (now.seconds() - postgres.seconds()) / wall) : " / (no PostgreSQL process found)";
            }
        }

        String cores() {
            return cores;
        }

        private static double selfCpuSeconds() {
            return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                    .getOperatingSystemMXBean()).getProcessCpuTime() / 1e9;
        }
    }
}
