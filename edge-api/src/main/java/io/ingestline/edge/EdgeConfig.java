package io.ingestline.edge;

import io.ingestline.edge.auth.StaticToken;
import io.ingestline.model.env.EnvReader;
import io.ingestline.model.env.Setting;
import io.ingestline.model.kafka.KafkaSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Everything the edge reads from its environment, checked at start-up.
 *
 * @param kafka           brokers and topics
 * @param httpHost        interface to listen on
 * @param httpPort        HTTP port (0 picks a free one)
 * @param tokens          accepted API tokens (hashes only)
 * @param maxRequestBytes largest request body, after decompression
 * @param maxRecordBytes  largest raw batch payload; a bigger request is split into several records
 * @param publishTimeout  longest wait for Kafka's acknowledgement before answering 503
 * @param producer        Kafka producer settings passed through ({@code KAFKA_PRODUCER_*})
 */
public record EdgeConfig(
        KafkaSettings kafka,
        String httpHost,
        int httpPort,
        List<StaticToken> tokens,
        int maxRequestBytes,
        int maxRecordBytes,
        Duration publishTimeout,
        Map<String, Object> producer) {

    public static final Setting HTTP_HOST = new Setting("INGEST_HTTP_HOST", "0.0.0.0", "Interface the edge listens on");
    public static final Setting HTTP_PORT = new Setting("INGEST_HTTP_PORT", "8080", "Port of the ingest HTTP API");
    public static final Setting TOKENS = new Setting("INGEST_TOKENS", "",
            "API tokens the edge accepts, as comma-separated name=secret pairs (kept in memory only as SHA-256 hashes)");
    public static final Setting MAX_REQUEST_BYTES = new Setting("INGEST_MAX_REQUEST_BYTES", "16777216",
            "Largest request body in bytes, after decompression; larger gets 413");
    public static final Setting MAX_RECORD_BYTES = new Setting("INGEST_MAX_RECORD_BYTES", "900000",
            "Largest raw batch record payload in bytes (keep under the broker's message.max.bytes); also the largest event");
    public static final Setting PUBLISH_TIMEOUT_MS = new Setting("INGEST_PUBLISH_TIMEOUT_MS", "10000",
            "Longest wait for Kafka to acknowledge a request before answering 503");
    public static final String PRODUCER_PREFIX = "KAFKA_PRODUCER_";

    public static final List<Setting> SETTINGS = Stream.concat(KafkaSettings.SETTINGS.stream(),
            Stream.of(HTTP_HOST, HTTP_PORT, TOKENS, MAX_REQUEST_BYTES, MAX_RECORD_BYTES, PUBLISH_TIMEOUT_MS)).toList();

    public EdgeConfig {
        tokens = List.copyOf(tokens);
        producer = Map.copyOf(producer);
    }

    public static EdgeConfig fromEnv(Map<String, String> env) {
        EnvReader r = new EnvReader(env);
        EdgeConfig c = new EdgeConfig(
                KafkaSettings.read(r),
                r.string(HTTP_HOST),
                r.integer(HTTP_PORT, 0, 65_535),
                tokens(r),
                r.integer(MAX_REQUEST_BYTES, 1024, Integer.MAX_VALUE - 8),
                r.integer(MAX_RECORD_BYTES, 1024, 64 * 1024 * 1024),
                r.millis(PUBLISH_TIMEOUT_MS, 100, 600_000),
                r.passThrough(PRODUCER_PREFIX));
        r.finish("edge");
        return c;
    }

    private static List<StaticToken> tokens(EnvReader r) {
        List<StaticToken> out = new ArrayList<>();
        String spec = r.string(TOKENS);
        if (spec == null || spec.isBlank()) {
            return out;
        }
        for (String pair : spec.split(",")) {
            String[] kv = pair.trim().split("=", 2);
            if (kv.length != 2 || kv[0].isBlank() || kv[1].isBlank()) {
                r.problem(TOKENS.env() + ": each entry must be name=secret");
                continue;
            }
            out.add(StaticToken.of(kv[0].trim(), kv[1].trim()));
        }
        return out;
    }

    /** Settings as they apply, secrets masked: safe to log. */
    @Override
    public String toString() {
        return "EdgeConfig[bootstrap=" + kafka.bootstrapServers() + ", topics=" + kafka.topics().prefix()
                + ", http=" + httpHost + ":" + httpPort
                + ", tokens=" + tokens.stream().map(StaticToken::id).collect(Collectors.joining(",", "[", "]"))
                + ", maxRequestBytes=" + maxRequestBytes + ", maxRecordBytes=" + maxRecordBytes
                + ", publishTimeout=" + publishTimeout.toMillis() + "ms, producer=" + producer.keySet() + "]";
    }
}
