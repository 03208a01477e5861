package io.ingestline.sink;

import io.ingestline.model.env.EnvReader;
import io.ingestline.model.env.Setting;
import io.ingestline.model.kafka.KafkaSettings;
import io.ingestline.model.storage.StorageRoutes;
import io.ingestline.sink.consume.SinkTopics;
import io.ingestline.sink.storage.FileStorageWriter;
import io.ingestline.sink.storage.PostgresStorageWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Everything the sink reads from its environment.
 *
 * @param kafka          brokers and topics
 * @param dataDir        root of the data directory; files go under {@code <dataDir>/datasets}
 * @param groupId        consumer group: workers with the same group share the dataset topics' partitions
 * @param workers        consumer threads in this process
 * @param commitInterval longest time an event waits before it is stored, visible and committed (files: a file's age)
 * @param storage        which backend holds each dataset (the default and the routes)
 * @param fileMaxBytes   uncompressed size at which a file is closed
 * @param bufferBytes    memory a worker's file backend may hold for open files before it commits them
 * @param stallAfter     how long a worker with work may go without committing before {@code /ready} reports it
 * @param shutdownTimeout how long shutdown waits for the workers to commit and leave their group
 * @param fileCompression how files are compressed
 * @param postgres       PostgreSQL connection and table settings
 * @param httpHost       interface of {@code /metrics}, {@code /health}, {@code /ready}
 * @param httpPort       their port: 0 any free port, -1 none
 * @param consumer       Kafka consumer settings passed through ({@code KAFKA_CONSUMER_*})
 * @param storeDeadLetters whether the dead-letter topic is stored too, as the dataset {@code _deadletter}
 */
public record SinkConfig(KafkaSettings kafka, Path dataDir, String groupId, int workers, Duration commitInterval,
        StorageRoutes storage, long fileMaxBytes, long bufferBytes, Duration stallAfter,
        Duration shutdownTimeout, FileStorageWriter.Compression fileCompression, PostgresStorageWriter.Settings postgres,
        String httpHost, int httpPort, Map<String, Object> consumer, boolean storeDeadLetters) {
    public static final String FILES = StorageRoutes.FILES;
    public static final String POSTGRES = StorageRoutes.POSTGRES;

    public static final Setting DATA_DIR = new Setting("INGEST_DATA_DIR", "./data",
            "Data directory; the file sink writes under <dir>/datasets");
    public static final Setting GROUP_ID = new Setting("INGEST_SINK_GROUP", "ingest-sink",
            "Consumer group of the sink workers; workers with the same group share the work");
    public static final Setting WORKERS = new Setting("INGEST_SINK_WORKERS", "1", "Consumer threads per sink process");
    public static final Setting FLUSH_MS = new Setting("INGEST_SINK_FLUSH_MS", "1000",
            "Longest time (ms) an event waits before it is stored, visible and committed; for files, a file's age");
    public static final Setting BACKEND = StorageRoutes.BACKEND;
    public static final Setting ROUTES = StorageRoutes.ROUTES;
    public static final Setting FILE_MAX_BYTES = new Setting("INGEST_SINK_FILE_MAX_BYTES", "134217728",
            "Uncompressed size at which a file is closed (files are also closed on age)");
    public static final Setting BUFFER_BYTES = new Setting("INGEST_SINK_BUFFER_BYTES", "67108864",
            "Memory (bytes) a worker's open files may hold (their buffers and compressors) before they are committed");
    public static final Setting STALL_MS = new Setting("INGEST_SINK_STALL_MS", "10000",
            "A worker with uncommitted events or lag that has not committed for this long (ms; at least 3 flush "
                    + "intervals) makes /ready answer 503");
    public static final Setting SHUTDOWN_MS = new Setting("INGEST_SINK_SHUTDOWN_MS", "10000",
            "Longest time (ms) shutdown waits for the workers to commit; a worker still busy then is left behind");
    public static final Setting FILE_COMPRESSION = new Setting("INGEST_SINK_FILE_COMPRESSION", "zstd",
            "Compression of the files: zstd (.ndjson.zst, fast) or gzip (.ndjson.gz, read by everything, slower)");
    public static final Setting PG_URL = new Setting("INGEST_PG_URL", "jdbc:postgresql://127.0.0.1:5432/postgres",
            "JDBC URL of the PostgreSQL backend");
    public static final Setting PG_USER = new Setting("INGEST_PG_USER", "postgres", "PostgreSQL user");
    public static final Setting PG_PASSWORD = new Setting("INGEST_PG_PASSWORD", "", "PostgreSQL password");
    public static final Setting PG_SCHEMA = new Setting("INGEST_PG_SCHEMA", "ingest",
            "Schema of the dataset tables and of sink_offsets (created when missing)");
    public static final Setting PG_RETENTION_DAYS = new Setting("INGEST_PG_RETENTION_DAYS", "0",
            "Days of data kept in PostgreSQL: older daily partitions are dropped (0: keep everything)");
    public static final Setting PG_MAX_BUFFER_BYTES = new Setting("INGEST_PG_MAX_BUFFER_BYTES", "33554432",
            "Bytes of events a worker buffers before it loads them into PostgreSQL (also loaded on age)");
    public static final Setting PG_LOAD = new Setting("INGEST_PG_LOAD", "copy",
            "How events are loaded into PostgreSQL: copy (COPY in its binary format, the fastest), copy-text (COPY in "
                    + "its text format) or insert (batched INSERT statements)");
    public static final Setting PG_EVENT_TYPE = new Setting("INGEST_PG_EVENT_TYPE", "jsonb",
            "Type of the event column in the tables the sink creates: jsonb (parsed as stored: quick to read fields "
                    + "from, its text PostgreSQL's) or json (the event's text as it came: about a third less "
                    + "PostgreSQL CPU to store, queries parse it again); an existing table keeps its type");
    public static final Setting HTTP_HOST = new Setting("INGEST_SINK_HTTP_HOST", "0.0.0.0",
            "Interface of the sink's /metrics, /health and /ready");
    public static final Setting HTTP_PORT = new Setting("INGEST_SINK_HTTP_PORT", "8092",
            "Port of the sink's /metrics, /health and /ready (0: any free port, -1: none)");
    public static final Setting STORE_DEAD_LETTERS = new Setting("INGEST_SINK_STORE_DEAD_LETTERS", "true",
            "Also store the dead-letter topic, as the dataset _deadletter (each dead letter once, its reason as fields): "
                    + "true or false");
    public static final String CONSUMER_PREFIX = "KAFKA_CONSUMER_";

    public static final List<Setting> SETTINGS = Stream.concat(KafkaSettings.SETTINGS.stream(),
            Stream.of(DATA_DIR, GROUP_ID, WORKERS, FLUSH_MS, BACKEND, ROUTES, FILE_MAX_BYTES, BUFFER_BYTES, STALL_MS,
                    SHUTDOWN_MS, FILE_COMPRESSION, PG_URL, PG_USER, PG_PASSWORD, PG_SCHEMA, PG_RETENTION_DAYS, PG_MAX_BUFFER_BYTES, PG_LOAD,
                    PG_EVENT_TYPE, HTTP_HOST, HTTP_PORT, STORE_DEAD_LETTERS)).toList();

    public SinkConfig {
        consumer = Map.copyOf(consumer);
    }

    public static SinkConfig fromEnv(Map<String, String> env) {
        EnvReader r = new EnvReader(env);
        StorageRoutes storage = StorageRoutes.read(r);
        PostgresStorageWriter.Load load = PostgresStorageWriter.Load.of(r.string(PG_LOAD));
        if (load == null) {
            r.problem(PG_LOAD.env() + "=" + r.string(PG_LOAD) + ": must be copy, copy-text or insert");
        }
        PostgresStorageWriter.EventType eventType = PostgresStorageWriter.EventType.of(r.string(PG_EVENT_TYPE));
        if (eventType == null) {
            r.problem(PG_EVENT_TYPE.env() + "=" + r.string(PG_EVENT_TYPE) + ": must be jsonb or json");
        }
        String storeDeadLetters = r.string(STORE_DEAD_LETTERS).toLowerCase(Locale.ROOT);
        if (!Set.of("true", "false").contains(storeDeadLetters)) {
            r.problem(STORE_DEAD_LETTERS.env() + "=" + storeDeadLetters + ": must be true or false");
        }
        Duration flush = r.millis(FLUSH_MS, 10, 600_000);
        Duration stall = r.millis(STALL_MS, 100, 3_600_000);
        SinkConfig c = new SinkConfig(KafkaSettings.read(r), r.path(DATA_DIR), r.string(GROUP_ID),
                r.integer(WORKERS, 1, 256), flush, storage, r.longValue(FILE_MAX_BYTES, 1024, 1L << 40),
                r.longValue(BUFFER_BYTES, 1L << 20, 1L << 40), max(stall, flush.multipliedBy(3)),
                r.millis(SHUTDOWN_MS, 100, 600_000), compression(r),
                new PostgresStorageWriter.Settings(r.string(PG_URL), r.string(PG_USER),
                        env.getOrDefault(PG_PASSWORD.env(), ""), r.string(PG_SCHEMA),
                        r.integer(PG_RETENTION_DAYS, 0, 36_500), r.longValue(PG_MAX_BUFFER_BYTES, 1024, 1L << 34),
                        load != null ? load : PostgresStorageWriter.Load.COPY,
                        eventType != null ? eventType : PostgresStorageWriter.EventType.JSONB),
                r.string(HTTP_HOST), r.integer(HTTP_PORT, -1, 65535), r.passThrough(CONSUMER_PREFIX),
                !"false".equals(storeDeadLetters));
        r.finish("sink");
        return c;
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    private static FileStorageWriter.Compression compression(EnvReader r) {
        String v = r.string(FILE_COMPRESSION);
        for (FileStorageWriter.Compression c : FileStorageWriter.Compression.values()) {
            if (c.name().equalsIgnoreCase(v)) {
                return c;
            }
        }
        r.problem(FILE_COMPRESSION.env() + "=" + v + ": must be zstd or gzip");
        return FileStorageWriter.Compression.ZSTD;
    }

    /** The backend a dataset's events go to. */
    public String backendOf(String dataset) {
        return storage.backendOf(dataset);
    }

    /** Whether any dataset can go to PostgreSQL (the connection is made only then). */
    public boolean usesPostgres() {
        return storage.usesPostgres();
    }

    /** Settings as they apply; pass-through values and the password are left out. */
    @Override
    public String toString() {
        return "SinkConfig[bootstrap=" + kafka.bootstrapServers() + ", topics=" + kafka.topics().prefix()
                + ", dataDir=" + dataDir + ", group=" + groupId + ", workers=" + workers + ", commitInterval="
                + commitInterval.toMillis() + "ms, backend=" + storage.backend() + ", routes=" + storage.routes() + ", fileMaxBytes="
                + fileMaxBytes + ", bufferBytes=" + bufferBytes + ", stallAfter=" + stallAfter.toMillis()
                + "ms, shutdownTimeout=" + shutdownTimeout.toMillis() + "ms, fileCompression=" + fileCompression + (usesPostgres() ? ", postgres=" + postgres : "") + ", http=" + httpHost + ":"
                + httpPort + ", storeDeadLetters=" + storeDeadLetters + ", consumer=" + consumer.keySet() + "]";
    }

    /** The topics the workers read, and the dataset each is stored as. */
    public SinkTopics sinkTopics() {
        return new SinkTopics(kafka.topics(), storeDeadLetters);
    }

    /** Where the file backend writes. */
    public Path datasetsDir() {
        return dataDir.resolve("datasets");
    }
}
