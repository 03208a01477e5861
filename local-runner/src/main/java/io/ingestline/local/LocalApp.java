package io.ingestline.local;

import io.ingestline.edge.EdgeConfig;
import io.ingestline.kafka.embedded.EmbeddedKafkaBroker;
import io.ingestline.model.kafka.KafkaSettings;
import io.ingestline.query.QueryConfig;
import io.ingestline.sink.SinkConfig;
import io.ingestline.validator.ValidatorConfig;
import java.io.IOException;
import java.net.BindException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The all-in-one local mode: an embedded Kafka broker keeping its data under the data directory, then the edge, the
 * validator and the sink in this JVM. Stops cleanly on Ctrl-C (SIGINT) or SIGTERM. Holds its data directory
 * ({@link DataDirLock}) while it runs; a start-up failure (a taken port, a held directory, a bad setting) ends the
 * process at once with code 1 and a message naming the setting to change.
 */
public final class LocalApp {
    private static final Logger LOG = LoggerFactory.getLogger(LocalApp.class);

    private LocalApp() {
    }

    public static void main(String[] args) throws InterruptedException {
        Map<String, String> env = System.getenv();
        Running running;
        try {
            running = start(env);
        } catch (StartFailure | RuntimeException e) {
            if (e instanceof StartFailure f) {
                LOG.error("local mode cannot start: {}", f.getMessage(), f.getCause());
            } else {
                LOG.error("local mode cannot start", e);
            }
            // At once: a half-started broker or service may have left threads that would keep the JVM alive.
            System.exit(1);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            LOG.info("stopping");
            running.close();
            stopped.countDown();
        }, "local-shutdown"));
        LOG.info("ready: http://localhost:{} (token in {}, search at {}, Kafka at {}, data in {})",
                running.pipeline().httpPort(), env.get(LocalConfig.DEV_TOKEN.env()) == null
                        ? tokenFile(running.config()) : LocalConfig.DEV_TOKEN.env(),
                running.pipeline().queryPort() < 0 ? "off"
                        : "http://localhost:" + running.pipeline().queryPort() + "/apiv2",
                running.broker().bootstrapServers(), running.config().dataDir().toAbsolutePath().normalize());
        stopped.await();
    }

    /** Local mode once it serves: what it holds, closed in the reverse order of starting. */
    record Running(LocalConfig config, DataDirLock lock, EmbeddedKafkaBroker broker, Pipeline pipeline) {
        void close() {
            pipeline.close();
            broker.close();
            try {
                lock.close();
            } catch (IOException e) {
                LOG.warn("could not release the lock on {} (the process ending releases it)", config.dataDir(), e);
            }
        }
    }

    /** Why local mode did not start; the cause is there only when the message alone would not explain it. */
    static final class StartFailure extends Exception {
        private static final long serialVersionUID = 1L;

        StartFailure(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * Checks the settings, takes the data directory, checks the ports, then starts the broker and the services.
     * Anything that fails is a {@link StartFailure} naming what to change; what had started is stopped first.
     */
    static Running start(Map<String, String> env) throws StartFailure {
        try {
            LocalConfig local = LocalConfig.fromEnv(env);
            // Before anything is written there: a second instance must not touch a running one's files.
            DataDirLock lock = DataDirLock.acquire(local.dataDir());
            try {
                String token = devToken(local);
                String plannedBootstrap = "127.0.0.1:" + local.kafkaPort();
                Map<String, String> planned = serviceEnv(env, local, plannedBootstrap, token);
                LocalPorts ports = LocalPorts.of(local, EdgeConfig.fromEnv(planned), ValidatorConfig.fromEnv(planned),
                        SinkConfig.fromEnv(planned), QueryConfig.fromEnv(planned));
                List<String> problems = ports.problems();
                if (!problems.isEmpty()) {
                    throw new IllegalStateException("ports:\n  - " + String.join("\n  - ", problems));
                }
                return startBrokerAndPipeline(env, local, lock, token, ports);
            } catch (IOException | RuntimeException | StartFailure e) {
                lock.close();
                throw e;
            }
        } catch (IllegalArgumentException | IllegalStateException | IOException e) {
            throw new StartFailure(e.getMessage(), null);
        }
    }

    private static Running startBrokerAndPipeline(Map<String, String> env, LocalConfig local, DataDirLock lock,
            String token, LocalPorts ports) throws StartFailure {
        EmbeddedKafkaBroker broker;
        try {
            broker = EmbeddedKafkaBroker.start(new EmbeddedKafkaBroker.Options(local.dataDir().resolve("kafka"),
                    local.kafkaPort(), local.controllerPort(), Map.of()));
        } catch (RuntimeException e) {
            throw failure("the embedded Kafka broker did not start", e, ports);
        }
        try {
            Pipeline pipeline = Pipeline.start(serviceEnv(env, local, broker.bootstrapServers(), token));
            return new Running(local, lock, broker, pipeline);
        } catch (RuntimeException e) {
            closeWithin(broker, Duration.ofSeconds(15));
            throw failure("the services did not start", e, ports);
        }
    }

    /** A failure's message; a bind failure also lists every port with the setting that moves it. */
    static StartFailure failure(String what, RuntimeException e, LocalPorts ports) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String m = String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT);
            if (t instanceof BindException || m.contains("bind") || m.contains("already in use")) {
                return new StartFailure(what + ": " + t.getMessage() + "; a port is taken: the ports and the "
                        + "settings that move them are " + ports, null);
            }
        }
        return new StartFailure(what + ": " + e.getMessage(), e);
    }

    /** Stops the broker, giving up after {@code timeout}: the process is about to exit, which ends it anyway. */
    private static void closeWithin(EmbeddedKafkaBroker broker, Duration timeout) {
        Thread t = new Thread(broker::close, "local-broker-stop");
        t.setDaemon(true);
        t.start();
        try {
            t.join(timeout.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The services' environment: the process's own, with local-mode defaults where it says nothing. */
    static Map<String, String> serviceEnv(Map<String, String> env, LocalConfig local, String bootstrap, String token) {
        Map<String, String> out = new HashMap<>();
        out.put(EdgeConfig.HTTP_HOST.env(), "127.0.0.1");
        out.put(QueryConfig.HOST.env(), "127.0.0.1");
        out.put(ValidatorConfig.STATE_DIR.env(), local.dataDir().resolve("validator").toString());
        out.put(KafkaSettings.REPLICATION.env(), "1");
        out.putAll(env);
        out.put(KafkaSettings.BOOTSTRAP.env(), bootstrap);
        out.put(SinkConfig.DATA_DIR.env(), local.dataDir().toString());
        String tokens = env.getOrDefault(EdgeConfig.TOKENS.env(), "");
        out.put(EdgeConfig.TOKENS.env(), "dev=" + token + (tokens.isBlank() ? "" : "," + tokens));
        String queryTokens = env.getOrDefault(QueryConfig.TOKENS.env(), "");
        out.put(QueryConfig.TOKENS.env(), "dev=" + token + (queryTokens.isBlank() ? "" : "," + queryTokens));
        return out;
    }

    private static Path tokenFile(LocalConfig local) {
        return local.dataDir().resolve("dev-token");
    }

    /** The configured token, else the one saved by an earlier run, else a new one, saved for the next run. */
    private static String devToken(LocalConfig local) throws IOException {
        if (local.devToken() != null) {
            return local.devToken();
        }
        Path file = tokenFile(local);
        if (Files.exists(file)) {
            return Files.readString(file, StandardCharsets.UTF_8).trim();
        }
        byte[] random = new byte[24];
        new SecureRandom().nextBytes(random);
        String token = "dev-" + HexFormat.of().formatHex(random);
        Files.createDirectories(local.dataDir());
        Files.writeString(file, token + "\n", StandardCharsets.UTF_8);
        System.out.println("generated a development API token, saved in " + file + ": " + token);
        return token;
    }
}
