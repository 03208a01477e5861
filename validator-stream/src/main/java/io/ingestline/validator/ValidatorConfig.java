package io.ingestline.validator;

import io.ingestline.model.env.EnvReader;
import io.ingestline.model.env.Setting;
import io.ingestline.model.kafka.KafkaSettings;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Everything the validator reads from its environment.
 *
 * @param kafka         brokers and topics
 * @param applicationId Kafka Streams application id: instances with the same id share the work
 * @param stateDir      Kafka Streams state directory
 * @param streams       Kafka Streams settings passed through ({@code KAFKA_STREAMS_*}, for example
 *                      {@code KAFKA_STREAMS_NUM_STREAM_THREADS})
 */
public record ValidatorConfig(KafkaSettings kafka, String applicationId, Path stateDir, Map<String, Object> streams) {
    public static final Setting APPLICATION_ID = new Setting("INGEST_VALIDATOR_APP_ID", "ingest-validator",
            "Kafka Streams application id; every validator instance with the same id shares the raw topic's partitions");
    public static final Setting STATE_DIR = new Setting("INGEST_VALIDATOR_STATE_DIR",
            Path.of(System.getProperty("java.io.tmpdir"), "ingest-validator").toString(),
            "Kafka Streams state directory");
    public static final String STREAMS_PREFIX = "KAFKA_STREAMS_";

    public static final List<Setting> SETTINGS =
            Stream.concat(KafkaSettings.SETTINGS.stream(), Stream.of(APPLICATION_ID, STATE_DIR)).toList();

    public ValidatorConfig {
        streams = Map.copyOf(streams);
    }

    public static ValidatorConfig fromEnv(Map<String, String> env) {
        EnvReader r = new EnvReader(env);
        ValidatorConfig c = new ValidatorConfig(KafkaSettings.read(r), r.string(APPLICATION_ID), r.path(STATE_DIR),
                r.passThrough(STREAMS_PREFIX));
        r.finish("validator");
        return c;
    }

    /** Settings as they apply; pass-through values are left out (they may hold credentials). */
    @Override
    public String toString() {
        return "ValidatorConfig[bootstrap=" + kafka.bootstrapServers() + ", topics=" + kafka.topics().prefix()
                + ", applicationId=" + applicationId + ", stateDir=" + stateDir + ", streams=" + streams.keySet() + "]";
    }
}
