package io.ingestline.local;

import io.ingestline.model.env.EnvReader;
import io.ingestline.model.env.Setting;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The settings of the all-in-one local mode itself. Every service setting (see each service's config) applies too;
 * local mode only supplies its own defaults for them.
 *
 * @param dataDir         where the broker's logs, the validator's state and the stored events live
 * @param devToken        the token local mode accepts; null means generate one (kept in {@code <dataDir>/dev-token})
 * @param kafkaPort       client port of the embedded broker
 * @param controllerPort  controller port of the embedded broker
 */
public record LocalConfig(Path dataDir, String devToken, int kafkaPort, int controllerPort) {
    public static final Setting DATA_DIR = new Setting("INGEST_DATA_DIR", "./data",
            "Local mode: data directory (broker logs in kafka/, events in datasets/, validator state in validator/)");
    public static final Setting DEV_TOKEN = new Setting("INGEST_DEV_TOKEN", "",
            "Local mode: the API token accepted (id 'dev'); unset generates one, saved in <data dir>/dev-token and printed");
    public static final Setting KAFKA_PORT = new Setting("INGEST_KAFKA_PORT", "9092",
            "Local mode: port of the embedded Kafka broker (0 picks a free one)");
    public static final Setting CONTROLLER_PORT = new Setting("INGEST_KAFKA_CONTROLLER_PORT", "9093",
            "Local mode: controller port of the embedded Kafka broker (0 picks a free one)");
    public static final List<Setting> SETTINGS = List.of(DATA_DIR, DEV_TOKEN, KAFKA_PORT, CONTROLLER_PORT);

    public static LocalConfig fromEnv(Map<String, String> env) {
        EnvReader r = new EnvReader(env);
        String token = r.string(DEV_TOKEN);
        LocalConfig c = new LocalConfig(r.path(DATA_DIR), token == null || token.isEmpty() ? null : token,
                r.integer(KAFKA_PORT, 0, 65_535), r.integer(CONTROLLER_PORT, 0, 65_535));
        r.finish("local mode");
        return c;
    }
}
