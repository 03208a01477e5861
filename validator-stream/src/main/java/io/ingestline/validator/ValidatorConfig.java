package io.ingestline.validator;

import io.ingestline.model.env.EnvReader;
import io.ingestline.model.env.Setting;
import io.ingestline.model.kafka.KafkaSettings;
import io.ingestline.rules.EventChecks;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Everything the validator reads from its environment.
 *
 * @param kafka         brokers and topics
 * @param applicationId Kafka Streams application id: instances with the same id share the work
 * @param stateDir      Kafka Streams state directory
 * @param httpHost      interface of the status endpoints ({@code /metrics}, {@code /health}, {@code /ready})
 * @param httpPort      their port: 0 any free port, -1 none
 * @param limits        the checks' limits on each event
 * @param dedupWindow   how long a client request id is remembered to drop retried batches (zero: never dropped)
 * @param streams       Kafka Streams settings passed through ({@code KAFKA_STREAMS_*}, for example
 *                      {@code KAFKA_STREAMS_NUM_STREAM_THREADS})
 */
public record ValidatorConfig(KafkaSettings kafka, String applicationId, Path stateDir, String httpHost, int httpPort,
        EventChecks.Limits limits, Duration dedupWindow, Map<String, Object> streams) {
    public static final Setting APPLICATION_ID = new Setting("INGEST_VALIDATOR_APP_ID", "ingest-validator",
            "Kafka Streams application id; every validator instance with the same id shares the raw topic's partitions");
    public static final Setting STATE_DIR = new Setting("INGEST_VALIDATOR_STATE_DIR",
            Path.of(System.getProperty("java.io.tmpdir"), "ingest-validator").toString(),
            "Kafka Streams state directory");
    public static final Setting HTTP_HOST = new Setting("INGEST_VALIDATOR_HTTP_HOST", "0.0.0.0",
            "Interface of the validator's /metrics, /health and /ready");
    public static final Setting HTTP_PORT = new Setting("INGEST_VALIDATOR_HTTP_PORT", "8091",
            "Port of the validator's /metrics, /health and /ready (0: any free port, -1: none)");
    public static final Setting MAX_EVENT_BYTES = new Setting("INGEST_VALIDATOR_MAX_EVENT_BYTES", "1048576",
            "Largest event the validator accepts, in bytes of JSON; a larger one goes to the dead letters");
    public static final Setting MAX_FIELDS = new Setting("INGEST_VALIDATOR_MAX_FIELDS", "1000",
            "Most top-level fields of a dataset's event; more goes to the dead letters");
    public static final Setting DEDUP_WINDOW_MS = new Setting("INGEST_DEDUP_WINDOW_MS", "3600000",
            "How long (ms) a client request id (Idempotency-Key, x-ms-client-request-id) is remembered: a batch "
                    + "retried within it is dropped; 0 turns this off");
    public static final String STREAMS_PREFIX = "KAFKA_STREAMS_";

    public static final List<Setting> SETTINGS = Stream.concat(KafkaSettings.SETTINGS.stream(),
            Stream.of(APPLICATION_ID, STATE_DIR, HTTP_HOST, HTTP_PORT, MAX_EVENT_BYTES, MAX_FIELDS, DEDUP_WINDOW_MS))
            .toList();

    public ValidatorConfig {
        streams = Map.copyOf(streams);
    }

    public static ValidatorConfig fromEnv(Map<String, String> env) {
        EnvReader r = new EnvReader(env);
        ValidatorConfig c = new ValidatorConfig(KafkaSettings.read(r), r.string(APPLICATION_ID), r.path(STATE_DIR),
                r.string(HTTP_HOST), r.integer(HTTP_PORT, -1, 65535),
                new EventChecks.Limits(Math.max(1, r.integer(MAX_EVENT_BYTES, 1, Integer.MAX_VALUE)),
                        Math.max(1, r.integer(MAX_FIELDS, 1, Integer.MAX_VALUE))),
                r.millis(DEDUP_WINDOW_MS, 0, Duration.ofDays(7).toMillis()), r.passThrough(STREAMS_PREFIX));
        r.finish("validator");
        return c;
    }

    /** Settings as they apply; pass-through values are left out (they may hold credentials). */
    @Override
    public String toString() {
        return "ValidatorConfig[bootstrap=" + kafka.bootstrapServers() + ", topics=" + kafka.topics().prefix()
                + ", applicationId=" + applicationId + ", stateDir=" + stateDir + ", http=" + httpHost + ":" + httpPort
                + ", limits=" + limits + ", dedupWindow=" + dedupWindow + ", streams=" + streams.keySet() + "]";
    }
}
