package io.ingestline.model.kafka;

import io.ingestline.model.Topics;
import io.ingestline.model.env.EnvReader;
import io.ingestline.model.env.Setting;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.common.config.TopicConfig;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The Kafka settings every service shares: where the brokers are, the topic prefix, and how new topics are made.
 *
 * @param bootstrapServers  {@code host:port} list
 * @param topics            topic names
 * @param replication       replication factor for topics the pipeline creates; empty for the broker default
 * @param rawPartitions     partitions of the raw topic: the most validator instances that can share the work
 * @param datasetPartitions partitions of each dataset topic: the most sink workers that can share one dataset
 * @param maxMessageBytes   {@code max.message.bytes} of the raw, dataset and dead-letter topics: the largest record
 *                          batch (after compression) the broker takes on them, whatever its {@code message.max.bytes}
 */
public record KafkaSettings(String bootstrapServers, Topics topics, Optional<Short> replication, int rawPartitions,
        int datasetPartitions, int maxMessageBytes) {
    public static final Setting BOOTSTRAP = new Setting("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092",
            "Kafka bootstrap servers (host:port, comma-separated)");
    public static final Setting TOPIC_PREFIX = new Setting("INGEST_TOPIC_PREFIX", Topics.DEFAULT_PREFIX,
            "Prefix of every topic name: <prefix>raw, <prefix>ds.<dataset>, <prefix>deadletter, <prefix>config");
    public static final Setting REPLICATION = new Setting("INGEST_TOPIC_REPLICATION", "",
            "Replication factor of the topics the pipeline creates; empty uses the broker's default.replication.factor");
    public static final Setting RAW_PARTITIONS = new Setting("INGEST_RAW_PARTITIONS", "6",
            "Partitions of the raw topic, when the pipeline creates it: the most validator threads that can share the work");
    public static final Setting DATASET_PARTITIONS = new Setting("INGEST_DATASET_PARTITIONS", "3",
            "Partitions of each dataset topic, when the pipeline creates it: the most sink workers per dataset");
    public static final Setting MAX_MESSAGE_BYTES = new Setting("INGEST_TOPIC_MAX_MESSAGE_BYTES", "4194304",
            "max.message.bytes of the raw, dataset and dead-letter topics (set when created, raised on existing ones "
                    + "when lower): must hold the edge's and the validator's largest record");
    public static final List<Setting> SETTINGS =
            List.of(BOOTSTRAP, TOPIC_PREFIX, REPLICATION, RAW_PARTITIONS, DATASET_PARTITIONS, MAX_MESSAGE_BYTES);
    /** The default of {@link #MAX_MESSAGE_BYTES}. */
    public static final int DEFAULT_MAX_MESSAGE_BYTES = 4 * 1024 * 1024;
    /**
     * Room a producer leaves above a record's payload for its key, headers and framing: a raw batch's payload limit
     * plus this is the edge producers' {@code max.request.size}.
     */
    public static final int RECORD_OVERHEAD_BYTES = 64 * 1024;

    public static KafkaSettings read(EnvReader env) {
        String replication = env.string(REPLICATION);
        Optional<Short> rf = Optional.empty();
        if (replication != null && !replication.isEmpty()) {
            rf = Optional.of((short) env.integer(REPLICATION, 1, Short.MAX_VALUE));
        }
        Topics topics = Topics.defaults();
        try {
            topics = new Topics(env.string(TOPIC_PREFIX));
        } catch (IllegalArgumentException e) {
            env.problem(TOPIC_PREFIX.env() + ": " + e.getMessage());
        }
        return new KafkaSettings(env.required(BOOTSTRAP), topics, rf,
                env.integer(RAW_PARTITIONS, 1, 10_000), env.integer(DATASET_PARTITIONS, 1, 10_000),
                env.integer(MAX_MESSAGE_BYTES, 1024 * 1024, Integer.MAX_VALUE));
    }

    /** Settings for a broker at {@code bootstrapServers}, everything else default. */
    public static KafkaSettings defaults(String bootstrapServers, Topics topics) {
        return new KafkaSettings(bootstrapServers, topics, Optional.empty(), 6, 3, DEFAULT_MAX_MESSAGE_BYTES);
    }

    /**
     * Whether a producer's records of up to {@code maxRequestBytes} ({@code max.request.size}, checked before
     * compression) always fit the topics' {@code max.message.bytes} (checked after): compression can grow data that
     * does not compress (lz4 by at most 1/255, plus framing), so 1/64 is kept free.
     */
    public boolean fits(long maxRequestBytes) {
        return maxRequestBytes + maxRequestBytes / 64 <= maxMessageBytes;
    }

    public TopicSpec rawTopic() {
        return new TopicSpec(topics.raw(), rawPartitions, replication, messageLimit());
    }

    public TopicSpec datasetTopic(String dataset) {
        return new TopicSpec(topics.dataset(dataset), datasetPartitions, replication, messageLimit());
    }

    public TopicSpec deadLetterTopic() {
        return new TopicSpec(topics.deadLetters(), rawPartitions, replication, messageLimit());
    }

    /** The topic config that lets records up to {@link #maxMessageBytes()} through. */
    public Map<String, String> messageLimit() {
        return Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(maxMessageBytes));
    }

    /** The compacted configuration topic: one partition, so every reader sees every change in order. */
    public TopicSpec configTopic() {
        return new TopicSpec(topics.config(), 1, replication, Map.of("cleanup.policy", "compact"));
    }

    /** The common client settings (bootstrap servers) as a map to build a client config on. */
    public Map<String, Object> clientProps() {
        Map<String, Object> p = new HashMap<>();
        p.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        return p;
    }
}
