package io.ingestline.local;

import io.ingestline.edge.EdgeConfig;
import io.ingestline.kafka.embedded.EmbeddedKafkaBroker;
import io.ingestline.model.kafka.KafkaSettings;
import io.ingestline.sink.SinkConfig;
import io.ingestline.validator.ValidatorConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The all-in-one local mode: an embedded Kafka broker keeping its data under the data directory, then the edge, the
 * validator and the sink in this JVM. Stops cleanly on Ctrl-C (SIGINT) or SIGTERM.
 */
public final class LocalApp {
    private static final Logger LOG = LoggerFactory.getLogger(LocalApp.class);

    private LocalApp() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> env = System.getenv();
        LocalConfig local;
        String token;
        try {
            local = LocalConfig.fromEnv(env);
            token = devToken(local);
        } catch (IllegalArgumentException | IOException e) {
            LOG.error("local mode cannot start: {}", e.getMessage());
            System.exit(1);
            return;
        }
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(new EmbeddedKafkaBroker.Options(
                local.dataDir().resolve("kafka"), local.kafkaPort(), local.controllerPort(), Map.of()));
        Pipeline pipeline;
        try {
            pipeline = Pipeline.start(serviceEnv(env, local, broker.bootstrapServers(), token));
        } catch (RuntimeException e) {
            LOG.error("local mode cannot start: {}", e.getMessage(), e);
            broker.close();
            System.exit(1);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            LOG.info("stopping");
            pipeline.close();
            broker.close();
            stopped.countDown();
        }, "local-shutdown"));
        LOG.info("ready: http://localhost:{} (token in {}, Kafka at {}, data in {})", pipeline.httpPort(),
                env.get(LocalConfig.DEV_TOKEN.env()) == null ? tokenFile(local) : LocalConfig.DEV_TOKEN.env(),
                broker.bootstrapServers(), local.dataDir().toAbsolutePath().normalize());
        stopped.await();
    }

    /** The services' environment: the process's own, with local-mode defaults where it says nothing. */
    static Map<String, String> serviceEnv(Map<String, String> env, LocalConfig local, String bootstrap, String token) {
        Map<String, String> out = new HashMap<>();
        out.put(EdgeConfig.HTTP_HOST.env(), "127.0.0.1");
        out.put(ValidatorConfig.STATE_DIR.env(), local.dataDir().resolve("validator").toString());
        out.put(KafkaSettings.REPLICATION.env(), "1");
        out.putAll(env);
        out.put(KafkaSettings.BOOTSTRAP.env(), bootstrap);
        out.put(SinkConfig.DATA_DIR.env(), local.dataDir().toString());
        String tokens = env.getOrDefault(EdgeConfig.TOKENS.env(), "");
        out.put(EdgeConfig.TOKENS.env(), "dev=" + token + (tokens.isBlank() ? "" : "," + tokens));
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
