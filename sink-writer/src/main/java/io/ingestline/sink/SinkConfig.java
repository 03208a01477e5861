package io.ingestline.sink;

import io.ingestline.model.env.EnvReader;
import io.ingestline.model.env.Setting;
import io.ingestline.model.kafka.KafkaSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Everything the sink reads from its environment.
 *
 * @param kafka         brokers and topics
 * @param dataDir       root of the data directory; files go under {@code <dataDir>/datasets}
 * @param groupId       consumer group: workers with the same group share the dataset topics' partitions
 * @param workers       consumer threads in this process
 * @param flushInterval longest time an event waits in memory before it is written, synced and committed
 * @param consumer      Kafka consumer settings passed through ({@code KAFKA_CONSUMER_*})
 */
public record SinkConfig(KafkaSettings kafka, Path dataDir, String groupId, int workers, Duration flushInterval,
        Map<String, Object> consumer) {
    public static final Setting DATA_DIR = new Setting("INGEST_DATA_DIR", "./data",
            "Data directory; the file sink writes under <dir>/datasets");
    public static final Setting GROUP_ID = new Setting("INGEST_SINK_GROUP", "ingest-sink",
            "Consumer group of the sink workers; workers with the same group share the work");
    public static final Setting WORKERS = new Setting("INGEST_SINK_WORKERS", "1", "Consumer threads per sink process");
    public static final Setting FLUSH_MS = new Setting("INGEST_SINK_FLUSH_MS", "1000",
            "Longest time an event waits in memory before it is written, synced to disk and its offset committed");
    public static final String CONSUMER_PREFIX = "KAFKA_CONSUMER_";

    public static final List<Setting> SETTINGS = Stream.concat(KafkaSettings.SETTINGS.stream(),
            Stream.of(DATA_DIR, GROUP_ID, WORKERS, FLUSH_MS)).toList();

    public SinkConfig {
        consumer = Map.copyOf(consumer);
    }

    public static SinkConfig fromEnv(Map<String, String> env) {
        EnvReader r = new EnvReader(env);
        SinkConfig c = new SinkConfig(KafkaSettings.read(r), r.path(DATA_DIR), r.string(GROUP_ID),
                r.integer(WORKERS, 1, 256), r.millis(FLUSH_MS, 10, 600_000), r.passThrough(CONSUMER_PREFIX));
        r.finish("sink");
        return c;
    }

    /** Settings as they apply; pass-through values are left out (they may hold credentials). */
    @Override
    public String toString() {
        return "SinkConfig[bootstrap=" + kafka.bootstrapServers() + ", topics=" + kafka.topics().prefix()
                + ", dataDir=" + dataDir + ", group=" + groupId + ", workers=" + workers
                + ", flushInterval=" + flushInterval.toMillis() + "ms, consumer=" + consumer.keySet() + "]";
    }

    /** Where the file backend writes. */
    public Path datasetsDir() {
        return dataDir.resolve("datasets");
    }
}
