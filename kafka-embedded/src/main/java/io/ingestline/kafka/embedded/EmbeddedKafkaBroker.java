package io.ingestline.kafka.embedded;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Kafka broker (combined KRaft broker and controller) in this JVM, the same server the standard
 * start script runs. Its data stays in {@code logDir}, so a restart on the same directory keeps every topic.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);
    private static final String HOST = "127.0.0.1";

    private final KafkaRaftServer server;
    private final String bootstrapServers;
    private final Path logDir;

    /**
     * How to start a broker.
     *
     * @param logDir         where the broker keeps its data (created when absent; formatted only when new)
     * @param port           client port; 0 picks a free one
     * @param controllerPort controller port; 0 picks a free one
     * @param overrides      broker properties that replace the defaults; {@code cluster.id} (not a broker property)
     *                       names the cluster a new log directory is formatted for, which every node of a
     *                       multi-node cluster must share (default: a new random id)
     */
    /** The override naming the cluster id a new log directory is formatted with. */
    public static final String CLUSTER_ID = "cluster.id";

    public record Options(Path logDir, int port, int controllerPort, Map<String, String> overrides) {
        public Options {
            overrides = Map.copyOf(overrides);
        }

        public static Options ephemeral(Path logDir) {
            return new Options(logDir, 0, 0, Map.of());
        }
    }

    private EmbeddedKafkaBroker(KafkaRaftServer server, String bootstrapServers, Path logDir) {
        this.server = server;
        this.bootstrapServers = bootstrapServers;
        this.logDir = logDir;
    }

    /** Formats the log directory if it is new, starts the broker and returns once it is registered and serving. */
    public static EmbeddedKafkaBroker start(Options options) {
        try {
            Files.createDirectories(options.logDir());
            int port = options.port() == 0 ? freePort() : options.port();
            int controllerPort = options.controllerPort() == 0 ? freePort(port) : options.controllerPort();
            Properties props = properties(options, port, controllerPort);
            String clusterId = (String) props.remove(CLUSTER_ID);
            formatIfNew(options.logDir(), props, clusterId == null ? Uuid.randomUuid().toString() : clusterId);
            long t0 = System.nanoTime();
            KafkaRaftServer server = new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
            server.startup();
            String bootstrap = HOST + ":" + port;
            LOG.info("Kafka broker ready at {} in {} ms (data in {})", bootstrap, (System.nanoTime() - t0) / 1_000_000,
                    options.logDir().toAbsolutePath());
            return new EmbeddedKafkaBroker(server, bootstrap, options.logDir());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the embedded Kafka broker", e);
        }
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    public Path logDir() {
        return logDir;
    }

    /** Stops the broker and waits until it has closed its logs. */
    @Override
    public void close() {
        server.shutdown();
        server.awaitShutdown();
        LOG.info("Kafka broker at {} stopped", bootstrapServers);
    }

    static Properties properties(Options options, int port, int controllerPort) {
        Properties p = new Properties();
        p.setProperty("process.roles", "broker,controller");
        p.setProperty("node.id", "1");
        p.setProperty("listeners", "PLAINTEXT://" + HOST + ":" + port + ",CONTROLLER://" + HOST + ":" + controllerPort);
        p.setProperty("advertised.listeners", "PLAINTEXT://" + HOST + ":" + port);
        p.setProperty("controller.listener.names", "CONTROLLER");
        p.setProperty("inter.broker.listener.name", "PLAINTEXT");
        p.setProperty("listener.security.protocol.map", "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT");
        // A static voter set: unlike the dynamic form, it is read from these properties on every start, so the
        // controller port may change between runs on the same data.
        p.setProperty("controller.quorum.voters", "1@" + HOST + ":" + controllerPort);
        p.setProperty("log.dirs", options.logDir().toAbsolutePath().toString());
        p.setProperty("offsets.topic.replication.factor", "1");
        p.setProperty("offsets.topic.num.partitions", "4");
        p.setProperty("transaction.state.log.replication.factor", "1");
        p.setProperty("transaction.state.log.min.isr", "1");
        p.setProperty("transaction.state.log.num.partitions", "4");
        p.setProperty("share.coordinator.state.topic.replication.factor", "1");
        p.setProperty("share.coordinator.state.topic.min.isr", "1");
        p.setProperty("group.initial.rebalance.delay.ms", "0");
        // The pipeline creates its topics itself, with the partitions and configs it wants.
        p.setProperty("auto.create.topics.enable", "false");
        p.putAll(options.overrides());
        return p;
    }

    private static void formatIfNew(Path logDir, Properties props, String clusterId) throws IOException {
        if (Files.exists(logDir.resolve("meta.properties"))) {
            return;
        }
        Path propsFile = Files.createTempFile("kafka-embedded", ".properties");
        try {
            try (Writer w = Files.newBufferedWriter(propsFile, StandardCharsets.UTF_8)) {
                props.store(w, "embedded broker");
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int rc;
            try (PrintStream ps = new PrintStream(out, true, StandardCharsets.UTF_8)) {
                rc = StorageTool.execute(new String[] {"format", "-t", clusterId, "-c", propsFile.toString()}, ps);
            }
            if (rc != 0) {
                throw new IllegalStateException("formatting " + logDir + " failed: " + out.toString(StandardCharsets.UTF_8));
            }
            LOG.info("formatted new Kafka log directory {} (cluster {})", logDir.toAbsolutePath(), clusterId);
        } finally {
            Files.deleteIfExists(propsFile);
        }
    }

    private static int freePort(int... avoid) throws IOException {
        while (true) {
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
                int p = s.getLocalPort();
                boolean clash = false;
                for (int a : avoid) {
                    clash |= a == p;
                }
                if (!clash) {
                    return p;
                }
            }
        }
    }
}
