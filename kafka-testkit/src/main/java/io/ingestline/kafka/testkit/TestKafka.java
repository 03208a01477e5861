package io.ingestline.kafka.testkit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

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

    /**
     * The committed records of {@code topics}, from their beginning, each once, read until {@code done} holds of what
     * was read or {@code max} has passed (the caller checks what came). Topics may appear while it reads; a rebalance
     * that brings a partition back from its beginning does not repeat a record.
     */
    public List<ConsumerRecord<byte[], byte[]>> read(List<String> topics,
            Predicate<List<ConsumerRecord<byte[], byte[]>>> done, Duration max) {
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        try (KafkaConsumer<byte[], byte[]> c = consumer()) {
            c.subscribe(topics);
            long deadline = System.nanoTime() + max.toNanos();
            while (!done.test(out) && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                    if (seen.add(r.topic() + "/" + r.partition() + "/" + r.offset())) {
                        out.add(r);
                    }
                }
            }
        }
        return out;
    }

    /**
     * Every committed record of {@code topic} up to its end as it is now: after a writer's acknowledged sends, all of
     * them, so that a test can also tell that nothing else is there.
     */
    public List<ConsumerRecord<byte[], byte[]>> readToEnd(String topic) {
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = consumer()) {
            List<TopicPartition> partitions = c.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            c.assign(partitions);
            c.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = c.endOffsets(partitions, Duration.ofSeconds(30));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (partitions.stream().anyMatch(p -> c.position(p) < end.get(p))) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("could not read " + topic + " to its end within 60 s");
                }
                c.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        return out;
    }

    private KafkaConsumer<byte[], byte[]> consumer() {
        return new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.GROUP_ID_CONFIG, uniqueName("test-reader"),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 8 * 1024 * 1024),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /** A name no other test uses, for topics, topic prefixes and consumer groups: {@code base-<random>}. */
    public static String uniqueName(String base) {
        return base + "-" + UUID.randomUUID().toString().substring(0, 8).toLowerCase(Locale.ROOT);
    }
}
