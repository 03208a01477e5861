package io.ingestline.kafka.testkit;

import io.ingestline.kafka.embedded.EmbeddedKafkaBroker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;

/**
 * A real Kafka broker for each test class, from the first source that answers:
 * <ol>
 *   <li>{@code KAFKA_BOOTSTRAP_SERVERS}: an external cluster (left running; tests use unique topic names);</li>
 *   <li>Testcontainers' {@code apache/kafka} container, where a Docker engine answers;</li>
 *   <li>an in-process KRaft broker ({@link EmbeddedKafkaBroker}) in a temporary directory.</li>
 * </ol>
 * {@code INGEST_TEST_KAFKA=in-process} (or {@code container}) forces a source. The broker stops after the class.
 */
public final class KafkaBrokerExtension implements BeforeAllCallback, ParameterResolver {
    public static final String BOOTSTRAP_ENV = "KAFKA_BOOTSTRAP_SERVERS";
    public static final String SOURCE_ENV = "INGEST_TEST_KAFKA";
    /** The container image, matching the Kafka version of the build. */
    public static final String IMAGE = "apache/kafka:4.3.1";

    private static final Logger LOG = LoggerFactory.getLogger(KafkaBrokerExtension.class);
    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(KafkaBrokerExtension.class);

    @Override
    public void beforeAll(ExtensionContext context) {
        broker(context);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return parameterContext.getParameter().getType() == TestKafka.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return broker(extensionContext);
    }

    private static TestKafka broker(ExtensionContext context) {
        ExtensionContext classContext = context;
        while (classContext.getTestMethod().isPresent() && classContext.getParent().isPresent()) {
            classContext = classContext.getParent().get();
        }
        return classContext.getStore(NS)
                .getOrComputeIfAbsent("broker", k -> start(), RunningBroker.class)
                .kafka();
    }

    private static RunningBroker start() {
        String external = System.getenv(BOOTSTRAP_ENV);
        String forced = System.getenv().getOrDefault(SOURCE_ENV, "").toLowerCase(Locale.ROOT);
        if (external != null && !external.isBlank() && forced.isEmpty()) {
            LOG.info("using the Kafka cluster at {} ({})", external, BOOTSTRAP_ENV);
            return new RunningBroker(new TestKafka(external.trim(), TestKafka.Kind.EXTERNAL), () -> { });
        }
        if (forced.equals("container") || (forced.isEmpty() && dockerAnswers())) {
            KafkaContainer container = new KafkaContainer(IMAGE);
            container.start();
            LOG.info("started Kafka container {} at {}", IMAGE, container.getBootstrapServers());
            return new RunningBroker(new TestKafka(container.getBootstrapServers(), TestKafka.Kind.CONTAINER), container::stop);
        }
        Path dir = tempDir();
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(EmbeddedKafkaBroker.Options.ephemeral(dir));
        return new RunningBroker(new TestKafka(broker.bootstrapServers(), TestKafka.Kind.IN_PROCESS), () -> {
            broker.close();
            deleteTree(dir);
        });
    }

    private static boolean dockerAnswers() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }

    private static Path tempDir() {
        try {
            return Files.createTempDirectory("ingest-test-kafka");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            LOG.warn("could not delete {}", dir, e);
        }
    }

    /** Stops its broker when JUnit closes the class's store. */
    private record RunningBroker(TestKafka kafka, Runnable stopper)
            implements ExtensionContext.Store.CloseableResource, AutoCloseable {
        @Override
        public void close() {
            stopper.run();
        }
    }
}
