package io.ingestline.local.cluster;

import io.ingestline.edge.EdgeConfig;
import io.ingestline.model.env.Setting;
import io.ingestline.query.QueryConfig;
import io.ingestline.sink.SinkConfig;
import io.ingestline.validator.ValidatorConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.common.Uuid;

/**
 * A multi-process cluster on loopback ports, without Docker: three KRaft nodes ({@link ClusterNode}, replication 3,
 * {@code min.insync.replicas} 2), and {@code edges}, {@code validators}, {@code sinks} and {@code queries} JVMs of each
 * service (files backend, one data directory the sinks write and the query services read). For demos
 * ({@code scripts/local-cluster.sh}) and the failure tests, which kill and restart any of its processes.
 */
public final class LocalCluster implements AutoCloseable {
    /** Who the edges accept and the query services let search (id {@code dev}). */
    public static final String TOKEN = "local-cluster-dev-token";
    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(180);
    private static final int TAIL_LINES = 20;
    private static final Set<String> LOGGING_NAMES = Set.of("INGEST_LOG_FORMAT", "INGEST_LOG_LEVEL");

    private final Path dir;
    private final List<Proc> brokers = new ArrayList<>();
    private final List<Proc> edges = new ArrayList<>();
    private final List<Proc> validators = new ArrayList<>();
    private final List<Proc> sinks = new ArrayList<>();
    private final List<Proc> queries = new ArrayList<>();
    private final List<Integer> edgePorts = new ArrayList<>();
    private final List<Integer> queryPorts = new ArrayList<>();
    private final Map<Proc, URI> ready = new HashMap<>();
    private final String bootstrap;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final String adminToken;
    private final int adminPort;
    private volatile boolean closing;

    private LocalCluster(Path dir, Sizes sizes, Map<String, String> userEnv) throws IOException {
        this.dir = dir;
        String clusterId = Uuid.randomUuid().toString();
        int[] client = {freePort(), freePort(), freePort()};
        int[] controller = {freePort(), freePort(), freePort()};
        String voters = "1@127.0.0.1:" + controller[0] + ",2@127.0.0.1:" + controller[1] + ",3@127.0.0.1:"
                + controller[2];
        List<String> bootstraps = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            brokers.add(new Proc("kafka-" + (i + 1), ClusterNode.class.getName(), List.of("-Xmx512m"),
                    List.of(Integer.toString(i + 1), dir.resolve("kafka-" + (i + 1)).toString(),
                            Integer.toString(client[i]), Integer.toString(controller[i]), voters, clusterId),
                    own(userEnv, List.of(), ""), dir.resolve("logs")));
            bootstraps.add("127.0.0.1:" + client[i]);
        }
        this.bootstrap = String.join(",", bootstraps);
        Map<String, String> common = Map.of("KAFKA_BOOTSTRAP_SERVERS", bootstrap, "INGEST_TOPIC_REPLICATION", "3",
                "INGEST_DATASET_PARTITIONS", "4");
        String userAdminToken = userEnv.get(EdgeConfig.ADMIN_TOKEN.env());
        this.adminToken = userAdminToken == null || userAdminToken.isBlank() ? generatedAdminToken() : userAdminToken;
        this.adminPort = freePort();
        for (int i = 1; i <= sizes.edges(); i++) {
            int port = freePort();
            edgePorts.add(port);
            add(edges, "edge-" + i, "io.ingestline.edge.EdgeApp", edgeEnv(i, port, userEnv, common),
                    URI.create("http://127.0.0.1:" + port + "/ready"));
        }
        for (int i = 1; i <= sizes.validators(); i++) {
            int port = freePort();
            Map<String, String> env = own(userEnv, ValidatorConfig.SETTINGS, ValidatorConfig.STREAMS_PREFIX);
            env.putAll(common);
            env.putAll(Map.of("INGEST_VALIDATOR_APP_ID", "cluster-validator", "INGEST_VALIDATOR_HTTP_HOST", "127.0.0.1",
                    "INGEST_VALIDATOR_HTTP_PORT", Integer.toString(port),
                    "INGEST_VALIDATOR_STATE_DIR", dir.resolve("validator-" + i).toString(),
                    // a killed instance's partitions move once its session ends
                    "KAFKA_STREAMS_CONSUMER_SESSION_TIMEOUT_MS", "6000",
                    "KAFKA_STREAMS_CONSUMER_HEARTBEAT_INTERVAL_MS", "1000"));
            add(validators, "validator-" + i, "io.ingestline.validator.ValidatorApp", env,
                    URI.create("http://127.0.0.1:" + port + "/health"));
        }
        for (int i = 1; i <= sizes.sinks(); i++) {
            int port = freePort();
            Map<String, String> env = own(userEnv, SinkConfig.SETTINGS, SinkConfig.CONSUMER_PREFIX);
            env.putAll(common);
            env.putAll(Map.of("INGEST_DATA_DIR", dir.resolve("data").toString(), "INGEST_SINK_GROUP", "cluster-sink",
                    "INGEST_SINK_HTTP_HOST", "127.0.0.1", "INGEST_SINK_HTTP_PORT", Integer.toString(port),
                    "INGEST_SINK_FLUSH_MS", "500", "KAFKA_CONSUMER_SESSION_TIMEOUT_MS", "6000",
                    "KAFKA_CONSUMER_HEARTBEAT_INTERVAL_MS", "1000", "KAFKA_CONSUMER_METADATA_MAX_AGE_MS", "1000"));
            add(sinks, "sink-" + i, "io.ingestline.sink.SinkApp", env,
                    URI.create("http://127.0.0.1:" + port + "/health"));
        }
        for (int i = 1; i <= sizes.queries(); i++) {
            int port = freePort();
            queryPorts.add(port);
            Map<String, String> env = own(userEnv, QueryConfig.ALL_SETTINGS, "");
            env.putAll(common);
            String userTokens = userEnv.getOrDefault(QueryConfig.TOKENS.env(), "");
            env.putAll(Map.of("INGEST_DATA_DIR", dir.resolve("data").toString(), "INGEST_QUERY_HOST", "127.0.0.1",
                    "INGEST_QUERY_PORT", Integer.toString(port),
                    "INGEST_QUERY_TOKENS", "dev=" + TOKEN + (userTokens.isBlank() ? "" : "," + userTokens)));
            // ready once it has read the tokens of the configuration topic
            add(queries, "query-" + i, "io.ingestline.query.QueryApp", env,
                    URI.create("http://127.0.0.1:" + port + "/ready"));
        }
    }

    private void add(List<Proc> kind, String name, String mainClass, Map<String, String> env, URI readiness) {
        Proc p = new Proc(name, mainClass, List.of("-Xmx384m", "-XX:TieredStopAtLevel=1"), List.of(), env,
                dir.resolve("logs"));
        kind.add(p);
        ready.put(p, readiness);
    }

    /** Edge {@code i}'s settings: the admin API on the first edge only (one port; every edge follows its changes). */
    private Map<String, String> edgeEnv(int i, int port, Map<String, String> userEnv, Map<String, String> common)
            throws IOException {
        Map<String, String> env = own(userEnv, EdgeConfig.SETTINGS, EdgeConfig.PRODUCER_PREFIX);
        env.putAll(common);
        String userTokens = userEnv.getOrDefault(EdgeConfig.TOKENS.env(), "");
        env.putAll(Map.of("INGEST_HTTP_HOST", "127.0.0.1", "INGEST_HTTP_PORT", Integer.toString(port),
                "INGEST_HTTPS_PORT", Integer.toString(freePort()),
                "INGEST_TOKENS", "dev=" + TOKEN + (userTokens.isBlank() ? "" : "," + userTokens),
                "INGEST_PUBLISH_TIMEOUT_MS", "5000", "INGEST_OTLP_PORT", "-1"));
        env.remove(EdgeConfig.ADMIN_HOST.env());
        if (i == 1) {
            env.putAll(Map.of(EdgeConfig.ADMIN_TOKEN.env(), adminToken, EdgeConfig.ADMIN_PORT.env(),
                    Integer.toString(adminPort)));
        } else {
            env.remove(EdgeConfig.ADMIN_TOKEN.env());
            env.remove(EdgeConfig.ADMIN_PORT.env());
        }
        return env;
    }

    /** How many JVMs of each service. */
    public record Sizes(int edges, int validators, int sinks, int queries) {
        /** With one query service. */
        public Sizes(int edges, int validators, int sinks) {
            this(edges, validators, sinks, 1);
        }
    }

    /**
     * What a service takes from the environment it was started in: its own settings (and the logging ones) and
     * its Kafka client's pass-through settings, nothing else; the cluster then sets its ports, hosts and directories.
     */
    private static Map<String, String> own(Map<String, String> userEnv, List<Setting> settings, String kafkaPrefix) {
        Set<String> names = new HashSet<>(LOGGING_NAMES);
        settings.forEach(s -> names.add(s.env()));
        Map<String, String> out = new HashMap<>();
        userEnv.forEach((k, v) -> {
            if (names.contains(k) || !kafkaPrefix.isEmpty() && k.startsWith(kafkaPrefix)) {
                out.put(k, v);
            }
        });
        return out;
    }

    private static String generatedAdminToken() {
        byte[] random = new byte[24];
        new SecureRandom().nextBytes(random);
        return "admin-" + HexFormat.of().formatHex(random);
    }

    /**
     * Starts a cluster, with one query service, that takes nothing from this process's environment; see
     * {@link #start(Path, Sizes, Map)}.
     */
    public static LocalCluster start(Path dir, int edges, int validators, int sinks) throws Exception {
        return start(dir, new Sizes(edges, validators, sinks), Map.of());
    }

    /**
     * Starts the brokers, then every service, and returns once each answers its health or readiness check. Each
     * service gets only its own settings from {@code userEnv}. A process that ends during start-up fails the start at
     * once (its last log lines in the message), and every process is stopped.
     */
    public static LocalCluster start(Path dir, Sizes sizes, Map<String, String> userEnv) throws Exception {
        Files.createDirectories(dir);
        LocalCluster c = new LocalCluster(dir, sizes, userEnv);
        try {
            for (Proc b : c.brokers) {
                b.start();
            }
            c.awaitAll(c.brokers, b -> b.logContains("READY", 0), c.brokers, STARTUP_TIMEOUT);
            for (Proc p : c.services()) {
                p.start();
            }
            c.awaitAll(c.services(), c::answers, c.all(), STARTUP_TIMEOUT);
            return c;
        } catch (Exception e) {
            c.close();
            throw e;
        }
    }

    /** Waits until the process answers 200 on its readiness (edge, query) or health (validator, sink) endpoint. */
    public void awaitReady(Proc p, long seconds) throws Exception {
        awaitAll(List.of(p), this::answers, List.of(p), Duration.ofSeconds(seconds));
    }

    /** A check of one process that may read its log or call it. */
    private interface Check {
        boolean test(Proc p) throws IOException, InterruptedException;
    }

    /**
     * Waits until {@code check} holds for every one of {@code procs}, failing as soon as one of {@code watched} has
     * ended: waiting out the timeout for a dead process only hides why it died.
     */
    private void awaitAll(List<Proc> procs, Check check, List<Proc> watched, Duration timeout) throws Exception {
        List<Proc> waiting = new ArrayList<>(procs);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!waiting.isEmpty()) {
            for (Proc p : watched) {
                if (!p.isAlive()) {
                    throw new IllegalStateException(p.name() + " ended during start-up (" + p.exitStatus()
                            + "); the last lines of " + p.log() + ":\n" + p.tail(TAIL_LINES));
                }
            }
            List<Proc> up = new ArrayList<>();
            for (Proc p : waiting) {
                if (check.test(p)) {
                    up.add(p);
                }
            }
            waiting.removeAll(up);
            if (!waiting.isEmpty() && System.nanoTime() > deadline) {
                throw new IllegalStateException(waiting.stream().map(Proc::name).collect(Collectors.joining(", "))
                        + " not ready within " + timeout.toSeconds() + " s; see the logs in " + dir.resolve("logs"));
            }
            if (!waiting.isEmpty()) {
                Thread.sleep(200);
            }
        }
    }

    private boolean answers(Proc p) throws InterruptedException {
        try {
            return http.send(HttpRequest.newBuilder(ready.get(p)).timeout(Duration.ofSeconds(2)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false; // not listening yet
        }
    }

    public List<Proc> brokers() {
        return brokers;
    }

    public List<Proc> edges() {
        return edges;
    }

    public List<Proc> validators() {
        return validators;
    }

    public List<Proc> sinks() {
        return sinks;
    }

    public List<Proc> queries() {
        return queries;
    }

    public List<URI> edgeUris() {
        return edgePorts.stream().map(p -> URI.create("http://127.0.0.1:" + p)).toList();
    }

    /** The query services' APIs ({@code /apiv2/...}), which accept {@link #TOKEN} and the exported query tokens. */
    public List<URI> queryUris() {
        return queryPorts.stream().map(p -> URI.create("http://127.0.0.1:" + p)).toList();
    }

    public String bootstrapServers() {
        return bootstrap;
    }

    /** Where the sinks write ({@code datasets/} below it). */
    public Path dataDir() {
        return dir.resolve("data");
    }

    /** The first edge's admin API (the only one); every edge follows what it stores. */
    public URI adminUri() {
        return URI.create("http://127.0.0.1:" + adminPort);
    }

    /** The admin API's bearer token: {@code INGEST_ADMIN_TOKEN} from the environment, else a generated one. */
    public String adminToken() {
        return adminToken;
    }

    private List<Proc> services() {
        List<Proc> all = new ArrayList<>(edges);
        all.addAll(validators);
        all.addAll(sinks);
        all.addAll(queries);
        return all;
    }

    private List<Proc> all() {
        List<Proc> all = new ArrayList<>(brokers);
        all.addAll(services());
        return all;
    }

    /** Stops the services (all at once), then the brokers; interrupted, kills whatever still runs. */
    @Override
    public void close() {
        closing = true;
        try {
            for (List<Proc> group : List.of(services(), brokers)) {
                group.forEach(Proc::terminate);
                for (Proc p : group) {
                    p.stop();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            all().forEach(Proc::killNow);
        }
    }

    /**
     * {@code LocalCluster [dir] [edges validators sinks [queries]]}: runs until stopped (Ctrl-C). Exits with code 1 at
     * once when a process ends during start-up; reports any that ends later.
     */
    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args.length > 0 ? args[0] : "cluster-" + UUID.randomUUID().toString().substring(0, 8));
        Sizes sizes = args.length > 3 ? new Sizes(Integer.parseInt(args[1]), Integer.parseInt(args[2]),
                Integer.parseInt(args[3]), args.length > 4 ? Integer.parseInt(args[4]) : 1) : new Sizes(2, 2, 2, 1);
        LocalCluster c;
        try {
            c = start(dir, sizes, System.getenv());
        } catch (IllegalStateException e) {
            System.err.println("the local cluster did not start: " + e.getMessage());
            System.exit(1);
            return;
        }
        System.out.println("ready: Kafka at " + c.bootstrapServers() + "; edges at " + c.edgeUris().stream()
                .map(URI::toString).collect(Collectors.joining(", ")) + " (token " + TOKEN + "); query API at "
                + (c.queryUris().isEmpty() ? "none" : c.queryUris().stream().map(u -> u + "/apiv2")
                        .collect(Collectors.joining(", ")) + " (token " + TOKEN + ")") + "; admin API at "
                + c.adminUri() + " on edge-1 (token " + c.adminToken() + "); data in "
                + c.dataDir().toAbsolutePath() + "; logs in " + dir.resolve("logs").toAbsolutePath());
        System.out.flush();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            c.close();
            stopped.countDown();
        }));
        c.reportEndedProcesses(stopped);
    }

    /** Until {@code stopped}, says once for each process that ends why it did (its last log lines). */
    private void reportEndedProcesses(CountDownLatch stopped) throws InterruptedException, IOException {
        Set<Proc> reported = new HashSet<>();
        while (!stopped.await(1, TimeUnit.SECONDS)) {
            for (Proc p : all()) {
                if (!closing && !p.isAlive() && reported.add(p)) {
                    System.err.println(p.name() + " ended (" + p.exitStatus() + "); the last lines of " + p.log()
                            + ":\n" + p.tail(TAIL_LINES));
                }
            }
        }
    }

    /** Ports this JVM handed out: a free port, once closed, may come back from the next ask. */
    private static final java.util.Set<Integer> HANDED_OUT = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /**
     * A free loopback port not handed out before: the operating system may give a port it just gave again once its
     * socket is closed (a sink once got a broker's port and failed to start).
     */
    private static int freePort() throws IOException {
        while (true) {
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
                if (HANDED_OUT.add(s.getLocalPort())) {
                    return s.getLocalPort();
                }
            }
        }
    }
}
