package io.ingestline.kafka.testkit;

import java.util.Locale;
import java.util.UUID;

/**
 * The real Kafka broker an integration test class was given, wherever it runs (external cluster, container or
 * in-process). Tests share it within the class: name topics with {@link #uniqueName(String)}.
 *
 * @param bootstrapServers where to connect
 * @param kind             which of the three sources gave it
 */
public record TestKafka(String bootstrapServers, Kind kind) {

    public enum Kind {
        /** {@code KAFKA_BOOTSTRAP_SERVERS} named a running cluster. */
        EXTERNAL,
        /** A Testcontainers {@code apache/kafka} container. */
        CONTAINER,
        /** A KRaft broker in this JVM. */
        IN_PROCESS
    }

    /** A name no other test uses, for topics, topic prefixes and consumer groups: {@code base-<random>}. */
    public static String uniqueName(String base) {
        return base + "-" + UUID.randomUUID().toString().substring(0, 8).toLowerCase(Locale.ROOT);
    }
}
