package io.ingestline.local.cluster;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.common.Uuid;

/**
 * A multi-process cluster on loopback ports, without Docker: three KRaft nodes ({@link ClusterNode}, replication 3,
 * {@code min.insync.replicas} 2), and {@code edges}, {@code validators} and {@code sinks} JVMs of each service (files
 * backend, one data directory). For demos ({@code scripts/local-cluster.sh}) and the failure tests, which kill and
 * restart any of its processes.
 */
public final class LocalCluster implements AutoCloseable {
    /** Who the edges accept (id {@code dev}). */
    public static final String TOKEN = "local-cluster-dev-token";

    private final Path dir;
    private final List<Proc> brokers = new ArrayList<>();
    private final List<Proc> edges = new ArrayList<>();
    private final List<Proc> validators = new ArrayList<>();
    private final List<Proc> sinks = new ArrayList<>();
    private final List<Integer> edgePorts = new ArrayList<>();
    private final Map<Proc, URI> ready = new HashMap<>();
    private final String bootstrap;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private LocalCluster(Path dir, int edgeCount, int validatorCount, int sinkCount) throws IOException {
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
                    Map.of(), dir.resolve("logs")));
            bootstraps.add("127.0.0.1:" + client[i]);
        }
        this.bootstrap = String.join(",", bootstraps);
        Map<String, String> common = Map.of("KAFKA_BOOTSTRAP_SERVERS", bootstrap, "INGEST_TOPIC_REPLICATION", "3",
                "INGEST_DATASET_PARTITIONS", "4");
        List<String> jvm = List.of("-Xmx384m", "-XX:TieredStopAtLevel=1");
        for (int i = 1; i <= edgeCount; i++) {
            int port = freePort();
            edgePorts.add(port);
            Map<String, String> env = new HashMap<>(common);
            env.putAll(Map.of("INGEST_HTTP_HOST", "127.0.0.1", "INGEST_HTTP_PORT", Integer.toString(port),
                    "INGEST_TOKENS", "dev=" + TOKEN, "INGEST_PUBLISH_TIMEOUT_MS", "5000"));
            Proc p = new Proc("edge-" + i, "io.ingestline.edge.EdgeApp", jvm, List.of(), env, dir.resolve("logs"));
            edges.add(p);
            ready.put(p, URI.create("http://127.0.0.1:" + port + "/ready"));
        }
        for (int i = 1; i <= validatorCount; i++) {
            int port = freePort();
            Map<String, String> env = new HashMap<>(common);
            env.putAll(Map.of("INGEST_VALIDATOR_APP_ID", "cluster-validator", "INGEST_VALIDATOR_HTTP_HOST", "127.0.0.1",
                    "INGEST_VALIDATOR_HTTP_PORT", Integer.toString(port),
                    "INGEST_VALIDATOR_STATE_DIR", dir.resolve("validator-" + i).toString(),
                    // a killed instance's partitions move once its session ends
                    "KAFKA_STREAMS_CONSUMER_SESSION_TIMEOUT_MS", "6000",
                    "KAFKA_STREAMS_CONSUMER_HEARTBEAT_INTERVAL_MS", "1000"));
            Proc p = new Proc("validator-" + i, "io.ingestline.validator.ValidatorApp", jvm, List.of(), env,
                    dir.resolve("logs"));
            validators.add(p);
            ready.put(p, URI.create("http://127.0.0.1:" + port + "/health"));
        }
        for (int i = 1; i <= sinkCount; i++) {
            int port = freePort();
            Map<String, String> env = new HashMap<>(common);
            env.putAll(Map.of("INGEST_DATA_DIR", dir.resolve("data").toString(), "INGEST_SINK_GROUP", "cluster-sink",
                    "INGEST_SINK_HTTP_HOST", "127.0.0.1", "INGEST_SINK_HTTP_PORT", Integer.toString(port),
                    "INGEST_SINK_FLUSH_MS", "500", "KAFKA_CONSUMER_SESSION_TIMEOUT_MS", "6000",
                    "KAFKA_CONSUMER_HEARTBEAT_INTERVAL_MS", "1000", "KAFKA_CONSUMER_METADATA_MAX_AGE_MS", "1000"));
            Proc p = new Proc("sink-" + i, "io.ingestline.sink.SinkApp", jvm, List.of(), env, dir.resolve("logs"));
            sinks.add(p);
            ready.put(p, URI.create("http://127.0.0.1:" + port + "/health"));
        }
    }

    /** Starts the brokers, then every service, and returns once each answers its health or readiness check. */
    public static LocalCluster start(Path dir, int edges, int validators, int sinks) throws Exception {
        Files.createDirectories(dir);
        LocalCluster c = new LocalCluster(dir, edges, validators, sinks);
        try {
            for (Proc b : c.brokers) {
                b.start();
            }
            for (Proc b : c.brokers) {
                b.awaitLog("READY", 0, 120);
            }
            for (Proc p : c.services()) {
                p.start();
            }
            for (Proc p : c.services()) {
                c.awaitReady(p, 180);
            }
            return c;
        } catch (Exception e) {
            c.close();
            throw e;
        }
    }

    /** Waits until the process answers 200 on its readiness (edge) or health (validator, sink) endpoint. */
    public void awaitReady(Proc p, long seconds) throws Exception {
        URI uri = ready.get(p);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            try {
                if (http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(2)).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException(p.name() + " not ready within " + seconds + " s; see " + p.log());
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

    public List<URI> edgeUris() {
        return edgePorts.stream().map(p -> URI.create("http://127.0.0.1:" + p)).toList();
    }

    public String bootstrapServers() {
        return bootstrap;
    }

    /** Where the sinks write ({@code datasets/} below it). */
    public Path dataDir() {
        return dir.resolve("data");
    }

    private List<Proc> services() {
        List<Proc> all = new ArrayList<>(edges);
        all.addAll(validators);
        all.addAll(sinks);
        return all;
    }

    /** Stops the services, then the brokers. */
    @Override
    public void close() throws InterruptedException {
        for (Proc p : services()) {
            p.stop();
        }
        for (Proc b : brokers) {
            b.stop();
        }
    }

    /** {@code LocalCluster [dir] [edges validators sinks]}: runs until stopped (Ctrl-C). */
    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args.length > 0 ? args[0] : "cluster-" + UUID.randomUUID().toString().substring(0, 8));
        int edges = args.length > 3 ? Integer.parseInt(args[1]) : 2;
        int validators = args.length > 3 ? Integer.parseInt(args[2]) : 2;
        int sinks = args.length > 3 ? Integer.parseInt(args[3]) : 2;
        LocalCluster c = start(dir, edges, validators, sinks);
        System.out.println("ready: Kafka at " + c.bootstrapServers() + "; edges at " + c.edgeUris().stream()
                .map(URI::toString).collect(Collectors.joining(", ")) + " (token " + TOKEN + "); data in "
                + c.dataDir().toAbsolutePath() + "; logs in " + dir.resolve("logs").toAbsolutePath());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                c.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            stopped.countDown();
        }));
        stopped.await();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }
}
