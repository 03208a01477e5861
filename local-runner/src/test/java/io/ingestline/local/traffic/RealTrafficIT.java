package io.ingestline.local.traffic;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.luben.zstd.ZstdInputStream;
import io.ingestline.edge.EdgeConfig;
import io.ingestline.edge.EdgeServer;
import io.ingestline.kafka.embedded.EmbeddedKafkaBroker;
import io.ingestline.local.traffic.Ledger.Fate;
import io.ingestline.local.traffic.Requests.Planned;
import io.ingestline.local.traffic.Requests.Sent;
import io.ingestline.model.DatasetName;
import io.ingestline.model.Json;
import io.ingestline.sink.SinkConfig;
import io.ingestline.sink.SinkService;
import io.ingestline.validator.Validator;
import io.ingestline.validator.ValidatorConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A seeded randomized workload shaped like real traffic, through the whole pipeline on a real broker, while the
 * things that happen in production happen: rules change, a sink restarts, the broker restarts, storage stalls.
 *
 * <p>Traffic: every dialect (Axiom JSON and NDJSON, Baselime, Azure through a DCR, AstraLog to two datasets,
 * Loggly single and bulk), plain, gzip and zstd bodies, 17 datasets, event times over 30 days back and a few minutes
 * ahead, events from a few bytes to the edge's event limit, bad events inside good batches (refused by the edge, or
 * by the validator's checks), and whole requests that must be refused (a wrong token, a truncated body).
 *
 * <p>Faults, in cycles: a dataset rule and a DCR changed; the sink restarted; the broker stopped and started again
 * on the same log; the sink's storage made to fail (its directories made immutable with {@code chattr +i}) until
 * its {@code /ready} says so, then repaired.
 *
 * <p>Invariants, checked at the end: every event acknowledged is stored exactly once, in its dataset; every event
 * the validator was to refuse is a dead letter exactly once; nothing refused is stored; nothing is stored twice,
 * whatever the answer; each answer counts the refused events right; and {@code /ready} told the truth: the edge 503
 * while the broker was down, the sink 503 while it could not store, and all of them 200 once everything was stored.
 *
 * <p>{@code INGEST_TRAFFIC_SEED} replays a run (the seed is printed); {@code INGEST_TRAFFIC_SECONDS} (default 75)
 * sets how long traffic runs; runs over 150 s repeat the fault cycle every 120 s. Its data is deleted when it passes, kept (and named) when it fails.
 */
class RealTrafficIT {
    private static final String TOKEN = "rt-token-0123456789";
    private static final String ADMIN = "rt-admin-0123456789abcdef";

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Ledger ledger = new Ledger();
    private final List<String> faults = new ArrayList<>();
    private Path dir;
    private Map<String, String> env;
    private EmbeddedKafkaBroker broker;
    private EmbeddedKafkaBroker.Options brokerOptions;
    private EdgeServer edge;
    private Validator validator;
    private volatile SinkService sink;
    private ReadyProbe probe;

    private boolean passed;
    /**
     * Events a second the clients offer at most (0: as fast as the edge answers). The default is about half of what
     * the edge acknowledges on two shared cores and more than the file sink stores of such spread-out events, so a
     * backlog builds and must drain, within a bound that a slower machine still meets.
     */
    private long rate;
    private final long trafficStart = System.nanoTime();

    @AfterEach
    void stop() throws Exception {
        if (probe != null) {
            probe.close();
        }
        chattr("-i"); // never leave an immutable directory behind
        for (AutoCloseable c : List.of(closeable(() -> edge), closeable(() -> validator), closeable(() -> sink),
                closeable(() -> broker))) {
            try {
                c.close();
            } catch (Exception e) {
                System.out.println("closing: " + e);
            }
        }
        if (passed && dir != null) {
            deleteTree(dir); // gigabytes after a long run; kept when it failed, to look at
        } else if (dir != null) {
            System.out.println("RealTrafficIT: data kept in " + dir);
        }
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : all.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    @Test
    void every_acknowledged_event_is_stored_exactly_once_through_faults_and_ready_tells_the_truth() throws Exception {
        long seed = Long.parseLong(System.getenv().getOrDefault("INGEST_TRAFFIC_SEED",
                Long.toString(new Random().nextLong())));
        int seconds = Integer.parseInt(System.getenv().getOrDefault("INGEST_TRAFFIC_SECONDS", "75"));
        rate = Long.parseLong(System.getenv().getOrDefault("INGEST_TRAFFIC_RATE", "3000"));
        System.out.printf("RealTrafficIT seed=%d seconds=%d (replay: INGEST_TRAFFIC_SEED=%d INGEST_TRAFFIC_SECONDS=%d)%n",
                seed, seconds, seed, seconds);
        Random random = new Random(seed);
        startPipeline();
        putRules(1);

        long trafficEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        List<Thread> clients = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Requests requests = new Requests(new Random(random.nextLong()), ledger, "http://127.0.0.1:" + edge.port(),
                    TOKEN);
            Thread t = new Thread(() -> client(requests, trafficEnd), "traffic-" + i);
            t.start();
            clients.add(t);
        }
        faultCycles(seconds, random);
        for (Thread t : clients) {
            t.join(TimeUnit.SECONDS.toMillis(120));
            assertThat(t.isAlive()).as("client %s finished", t.getName()).isFalse();
        }
        System.out.println("traffic done: answers " + ledger.answers() + "; events to store " + ledger.count(Fate.STORE)
                + ", dead letters " + ledger.count(Fate.DEAD_LETTER) + ", refused " + ledger.count(Fate.NEVER)
                + ", unknown " + ledger.count(Fate.MAYBE) + "; faults " + faults);

        // not a vacuous pass: traffic got through in every dialect, and some of each kind of fate was produced
        for (String dialect : List.of("axiom", "baselime", "azure", "astralog", "loggly")) {
            assertThat(ledger.answers().keySet()).as("seed %d: %s had a 2xx", seed, dialect)
                    .anyMatch(k -> k.startsWith(dialect + " 2"));
        }
        assertThat(ledger.count(Fate.STORE)).as("seed %d: events acknowledged", seed).isGreaterThan(1_000L * seconds / 10);
        assertThat(ledger.count(Fate.DEAD_LETTER)).as("seed %d: events for the dead letters", seed).isPositive();
        assertThat(ledger.count(Fate.NEVER)).as("seed %d: events refused", seed).isPositive();

        StoredFiles stored = new StoredFiles(dir.resolve("datasets"));
        Set<Long> toStore = ledger.uidsToStore();
        // what the pipeline holds when traffic stops must be stored within a bound that grows with the run
        long settleStart = System.nanoTime();
        long settleEnd = settleStart + TimeUnit.SECONDS.toNanos(Math.max(180, seconds / 4));
        while (System.nanoTime() < settleEnd && !stored.scan().keySet().containsAll(toStore)) {
            Thread.sleep(2_000);
        }
        System.out.println("RealTrafficIT: everything acknowledged was stored " + millis(settleStart)
                + " ms after traffic stopped (or the bound passed)");
        Thread.sleep(3_000); // anything stored twice would show now
        Map<Long, String> found = stored.scan();
        long settled = probe.nowMs();
        Thread.sleep(3_000);

        List<String> violations = new ArrayList<>(ledger.violations(stored.byDataset(), deadLetters(), 5));
        violations.addAll(stored.unmarked());
        assertThat(violations).as("seed %d: %d events stored in all", seed, found.size()).isEmpty();
        for (String service : List.of("edge", "validator", "sink")) {
            assertThat(probe.firstNotReady(service, settled)).as("seed %d: %s not ready once all was stored: %s", seed,
                    service, probe.timeline(service, settled)).isEqualTo(-1);
        }
        passed = true;
    }

    // ---- the pipeline and its faults ----

    private void startPipeline() throws IOException {
        dir = Files.createTempDirectory("real-traffic");
        brokerOptions = new EmbeddedKafkaBroker.Options(dir.resolve("kafka"), freePort(), freePort(), Map.of());
        broker = EmbeddedKafkaBroker.start(brokerOptions);
        env = new HashMap<>(Map.ofEntries(
                Map.entry("KAFKA_BOOTSTRAP_SERVERS", broker.bootstrapServers()),
                Map.entry("INGEST_TOPIC_PREFIX", "rt."),
                Map.entry("INGEST_TOPIC_REPLICATION", "1"),
                Map.entry("INGEST_HTTP_HOST", "127.0.0.1"),
                Map.entry("INGEST_HTTP_PORT", "0"),
                Map.entry("INGEST_OTLP_PORT", "-1"),
                Map.entry("INGEST_ADMIN_PORT", "0"),
                Map.entry("INGEST_ADMIN_TOKEN", ADMIN),
                Map.entry("INGEST_TOKENS", "rt=" + TOKEN),
                Map.entry("INGEST_LOGGLY_DATASET", Requests.LOGGLY),
                Map.entry("INGEST_ASTRALOG_DATASET", Requests.ASTRA),
                Map.entry("INGEST_ASTRALOG_PROJECTS", "p1=" + Requests.ASTRA_P1),
                Map.entry("INGEST_VALIDATOR_HTTP_HOST", "127.0.0.1"),
                Map.entry("INGEST_VALIDATOR_HTTP_PORT", "0"),
                Map.entry("INGEST_VALIDATOR_STATE_DIR", dir.resolve("validator").toString()),
                Map.entry("INGEST_SINK_HTTP_HOST", "127.0.0.1"),
                Map.entry("INGEST_SINK_HTTP_PORT", "0"),
                Map.entry("INGEST_SINK_WORKERS", "2"),
                Map.entry("INGEST_DATA_DIR", dir.toString())));
        sink = SinkService.start(SinkConfig.fromEnv(env));
        validator = Validator.start(ValidatorConfig.fromEnv(env));
        edge = EdgeServer.start(EdgeConfig.fromEnv(env));
        probe = new ReadyProbe();
        probe.watch("edge", edge::port);
        probe.watch("validator", () -> validator.statusPort());
        probe.watch("sink", () -> sink == null ? -1 : sink.statusPort());
    }

    /** One cycle of faults per 120 s of traffic (one in all for shorter runs), each at its place in the cycle. */
    private void faultCycles(int seconds, Random random) throws Exception {
        long cycle = TimeUnit.SECONDS.toNanos(seconds < 150 ? seconds : 120);
        long start = System.nanoTime();
        int version = 1;
        for (long at = start; at + cycle <= start + TimeUnit.SECONDS.toNanos(seconds) + 1; at += cycle) {
            sleepUntil(at + cycle * 15 / 100);
            putRules(++version);
            faults.add("rules v" + version + " at " + probe.nowMs() + "ms");
            sleepUntil(at + cycle * 30 / 100);
            restartSink();
            sleepUntil(at + cycle * 45 / 100);
            restartBroker(3_000 + random.nextInt(5_000));
            sleepUntil(at + cycle * 65 / 100);
            stallStorage();
        }
    }

    private void putRules(int version) throws Exception {
        HttpResponse<String> dataset = admin("/admin/v1/datasets/" + Requests.RULED, """
                {"columns":[{"name":"status","type":"int"}],"transformKql":"source | extend rv = %d"}""".formatted(version));
        assertThat(dataset.statusCode()).as(dataset.body()).isBetween(200, 201);
        HttpResponse<String> dcr = admin("/admin/v1/dcrs/" + Requests.DCR, """
                {"properties":{"streamDeclarations":{"%s":{"columns":[{"name":"Time","type":"datetime"},
                  {"name":"Uid","type":"string"},{"name":"Computer","type":"string"},{"name":"Msg","type":"string"}]}},
                 "destinations":{"logAnalytics":[{"workspaceResourceId":"local","name":"ws"}]},
                 "dataFlows":[{"streams":["%s"],"destinations":["ws"],"outputStream":"Custom-%s",
                   "transformKql":"source | extend TimeGenerated = Time, V = %d, Computer = toupper(Computer)"}]}}"""
                .formatted(Requests.STREAM, Requests.STREAM, Requests.DCR_DATASET, version));
        assertThat(dcr.statusCode()).as(dcr.body()).isBetween(200, 201);
    }

    private HttpResponse<String> admin(String path, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + edge.adminPort() + path))
                .header("Authorization", "Bearer " + ADMIN).timeout(Duration.ofSeconds(30))
                .PUT(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private void restartSink() {
        long t0 = System.nanoTime();
        SinkService old = sink;
        sink = null;
        old.close();
        sink = SinkService.start(SinkConfig.fromEnv(env));
        faults.add("sink restarted at " + probe.nowMs() + "ms (stopped in " + millis(t0) + "ms)");
    }

    /** Stops the broker, waits, starts it again on the same log and ports; the edge must say it is not ready. */
    private void restartBroker(long downMs) throws InterruptedException {
        broker.close();
        long down = probe.nowMs();
        Thread.sleep(downMs);
        long notReady = probe.firstNotReady("edge", down);
        broker = EmbeddedKafkaBroker.start(brokerOptions);
        faults.add("broker down " + downMs + "ms at " + down + "ms");
        assertThat(notReady).as("edge /ready while the broker was down %d ms: %s", downMs, probe.timeline("edge", down))
                .isBetween(down, down + downMs);
    }

    /**
     * Makes the sink's own directories immutable, so that it can neither stage nor commit, until its /ready says it
     * is not ready (at most 30 s), then repairs them. Needs root and a file system with {@code chattr} (ext4, xfs).
     */
    private void stallStorage() throws Exception {
        if (!chattr("+i")) {
            faults.add("storage stall SKIPPED: chattr +i failed (needs root on ext4/xfs)");
            System.out.println("RealTrafficIT: storage stall skipped: chattr +i failed");
            assertThat(System.getenv("INGEST_TRAFFIC_NO_STALL")).as("chattr +i failed (needs root on ext4/xfs), so the "
                    + "storage stall cannot be injected; set INGEST_TRAFFIC_NO_STALL=true to run without it").isNotNull();
            return;
        }
        long from = probe.nowMs();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline && probe.firstNotReady("sink", from) < 0) {
            Thread.sleep(200);
        }
        long reported = probe.firstNotReady("sink", from);
        chattr("-i");
        faults.add("storage stalled at " + from + "ms, sink /ready 503 after " + (reported < 0 ? "never" : (reported - from) + "ms"));
        assertThat(reported).as("sink /ready while its storage fails: %s", probe.timeline("sink", from))
                .isGreaterThanOrEqualTo(0);
    }

    /** chattr on every dataset's {@code _sink} directory and those under it. */
    private boolean chattr(String flag) {
        if (dir == null) {
            return true;
        }
        List<String> cmd = new ArrayList<>(List.of("chattr", flag));
        try (Stream<Path> all = Files.walk(dir.resolve("datasets"), 4)) {
            all.filter(Files::isDirectory).filter(p -> p.toString().contains("/_sink")).forEach(p -> cmd.add(p.toString()));
        } catch (IOException | UncheckedIOException e) {
            return false;
        }
        if (cmd.size() == 2) {
            return false;
        }
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            boolean ok = p.waitFor(20, TimeUnit.SECONDS) && p.exitValue() == 0;
            if (!ok) {
                System.out.println("chattr " + flag + ": " + out);
            }
            return ok;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    // ---- traffic ----

    private void client(Requests requests, long end) {
        while (System.nanoTime() < end) {
            Sent s = requests.next();
            int status;
            String body = "";
            try {
                HttpResponse<String> r = http.send(s.request(), HttpResponse.BodyHandlers.ofString());
                status = r.statusCode();
                body = r.body();
            } catch (IOException e) {
                status = -1;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            ledger.answered(s.dialect(), status);
            String what = s.dialect() + " " + s.request().method() + " " + s.request().uri().getPath() + " -> " + status;
            for (Planned e : s.events()) {
                ledger.expect(e.uid(), e.dataset(), s.fate(e, status, body), what);
            }
            checkCounts(s, status, body, what);
            if (status == 503 || status == 429 || status < 0) {
                sleep(200); // as clients back off
            }
            while (rate > 0 && ledger.count() > rate * (System.nanoTime() - trafficStart) / 1_000_000_000L
                    && System.nanoTime() < end) {
                sleep(20);
            }
        }
    }

    /** Axiom's answer counts the events it refused; the others list them. */
    private void checkCounts(Sent s, int status, String body, String what) {
        if (!s.dialect().equals("axiom") || status != 200 || s.refusedWhole()) {
            return;
        }
        try {
            long failed = Json.mapper().readTree(body).path("failed").asLong(-1);
            if (failed != s.edgeBad()) {
                ledger.answerMismatch(what + ": failed " + failed + ", expected " + s.edgeBad() + ": " + body);
            }
        } catch (IOException e) {
            ledger.answerMismatch(what + ": not JSON: " + body);
        }
    }

    // ---- reading back ----

    /** The uid of every dead letter, read (committed only) to the end of the topic. */
    private List<Long> deadLetters() {
        List<Long> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 4 << 20), new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> parts = c.partitionsFor("rt.deadletter").stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            c.assign(parts);
            c.seekToBeginning(parts);
            Map<TopicPartition, Long> end = c.endOffsets(parts);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (System.nanoTime() < deadline && parts.stream().anyMatch(p -> c.position(p) < end.get(p))) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(500))) {
                    out.addAll(Ledger.uids(new String(r.value(), StandardCharsets.UTF_8)));
                }
            }
        }
        return out;
    }

    /** The visible files under the datasets directory, each read once (a visible file never changes). */
    private static final class StoredFiles {
        private final Path root;
        private final Map<Path, List<Long>> read = new ConcurrentHashMap<>();
        private final Map<Path, String> datasetOf = new HashMap<>();
        private final List<String> unmarked = new ArrayList<>();

        StoredFiles(Path root) {
            this.root = root;
        }

        /** uid -> dataset of everything stored so far. */
        Map<Long, String> scan() throws IOException {
            if (Files.isDirectory(root)) {
                List<Path> files = new ArrayList<>();
                // the sink's own directories change while it runs: skip them, and files gone while walking; the
                // stored dead letters (dataset _deadletter) hold the refused events' text, not stored events
                Files.walkFileTree(root, new SimpleFileVisitor<>() {
                    @Override
                    public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes a) {
                        String name = d.getFileName().toString();
                        return name.equals("_sink") || name.equals("dataset=" + DatasetName.DEAD_LETTERS)
                                ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
                    }

                    @Override
                    public FileVisitResult visitFile(Path f, BasicFileAttributes a) {
                        if (f.getFileName().toString().endsWith(".ndjson.zst")) {
                            files.add(f);
                        }
                        return FileVisitResult.CONTINUE;
                    }

                    @Override
                    public FileVisitResult visitFileFailed(Path f, IOException e) {
                        return FileVisitResult.CONTINUE;
                    }
                });
                for (Path f : files) {
                    if (!read.containsKey(f)) {
                        read.put(f, uids(f));
                        datasetOf.put(f, root.relativize(f).getName(0).toString().substring("dataset=".length()));
                    }
                }
            }
            Map<Long, String> out = new HashMap<>();
            read.forEach((f, uids) -> uids.forEach(u -> out.put(u, datasetOf.get(f))));
            return out;
        }

        Map<String, List<Long>> byDataset() {
            Map<String, List<Long>> out = new HashMap<>();
            read.forEach((f, uids) -> out.computeIfAbsent(datasetOf.get(f), d -> new ArrayList<>()).addAll(uids));
            return out;
        }

        List<String> unmarked() {
            return unmarked.isEmpty() ? List.of() : List.of("stored events without a marker: " + unmarked.size()
                    + " e.g. " + unmarked.subList(0, Math.min(3, unmarked.size())));
        }

        private List<Long> uids(Path f) throws IOException {
            List<Long> out = new ArrayList<>();
            try (InputStream in = new ZstdInputStream(Files.newInputStream(f))) {
                String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                for (String line : text.split("\n")) {
                    if (line.isEmpty()) {
                        continue;
                    }
                    List<Long> u = Ledger.uids(line);
                    if (u.size() != 1) {
                        unmarked.add(f.getFileName() + ": " + line.substring(0, Math.min(120, line.length())));
                    }
                    out.addAll(u);
                }
            }
            return out;
        }
    }

    // ---- helpers ----

    private static AutoCloseable closeable(java.util.function.Supplier<? extends AutoCloseable> c) {
        return () -> {
            AutoCloseable x = c.get();
            if (x != null) {
                x.close();
            }
        };
    }

    /** Ports handed out by {@link #freePort}: the system may give a closed one again, and two settings must differ. */
    private static final java.util.Set<Integer> GIVEN = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /** A free port, none given twice in this JVM. */
    private static int freePort() throws IOException {
        while (true) {
            int port = anyFreePort();
            if (GIVEN.add(port)) {
                return port;
            }
        }
    }

    private static int anyFreePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static void sleepUntil(long nanoTime) throws InterruptedException {
        long left = nanoTime - System.nanoTime();
        if (left > 0) {
            TimeUnit.NANOSECONDS.sleep(left);
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static long millis(long t0) {
        return (System.nanoTime() - t0) / 1_000_000;
    }
}
