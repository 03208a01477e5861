package io.ingestline.edge.http;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.ingestline.model.auth.ApiToken;
import io.ingestline.model.auth.RateLimiter;
import io.ingestline.model.auth.TokenAuthenticator;
import io.ingestline.edge.config.DcrRegistry;
import io.ingestline.edge.ingest.InFlightBytes;
import io.ingestline.edge.ingest.Ingestor;
import io.ingestline.edge.kafka.RawBatchPublisher;
import io.ingestline.edge.metrics.EdgeMetrics;
import io.ingestline.edge.tls.Listeners;
import io.ingestline.model.Json;
import io.ingestline.model.RawBatch;
import io.ingestline.model.RawBatchCodec;
import io.ingestline.model.rules.DataCollectionRule;
import io.javalin.Javalin;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 18: the same value beyond one of {@link Json}'s limits, sent through every dialect, gets the same class of
 * answer: never a 5xx, nothing stored as JSON. Each dialect answers as it answers invalid JSON (400 for a JSON body, the
 * line refused alone in NDJSON; Loggly keeps a line that is not JSON as text). A 5,000-digit number answered 500
 * through AstraLog and was stored through the other dialects.
 */
class JsonLimitsTest {
    private static final String TOKEN = DialectsTest.TOKEN;
    private static final int MAX_RECORD = 4_000_000;
    private static final String DCR = "dcr-000a00a000a00000a000000aa000a0aa";

    private final HttpClient http = HttpClient.newHttpClient();
    private MockProducer<byte[], byte[]> producer;
    private Javalin app;

    /** The values beyond a limit, by name. */
    private static String value(String name) {
        return switch (name) {
            case "long number" -> "9".repeat(5000);
            case "exponent out of range" -> "1e-99999999999";
            case "deep nesting" -> "[".repeat(Json.MAX_NESTING_DEPTH + 1) + "]".repeat(Json.MAX_NESTING_DEPTH + 1);
            case "long string" -> "\"" + "x".repeat(Json.MAX_STRING_LENGTH + 1) + "\"";
            default -> throw new IllegalArgumentException(name);
        };
    }

    @BeforeEach
    void start() throws Exception {
        producer = new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
        Ingestor ingestor = new Ingestor(new RawBatchPublisher(producer, "raw", nanos -> { }),
                new InFlightBytes(64L << 20), 16L << 20, MAX_RECORD, Duration.ofSeconds(2),
                (tokenId, targets) -> CompletableFuture.completedFuture(null));
        TokenAuthenticator tokens = new TokenAuthenticator(List.of(ApiToken.ofSecret("ci", TOKEN, List.of("*"))));
        EdgeMetrics metrics = new EdgeMetrics();
        IngestSupport support = new IngestSupport(tokens, new RateLimits(new RateLimiter(), RateLimiter.Limit.NONE),
                ingestor, metrics);
        DcrRegistry dcrs = new DcrRegistry();
        dcrs.put(DataCollectionRule.parse(DCR, Json.mapper().readTree("""
                {"properties":{
                  "streamDeclarations":{"Custom-Raw":{"columns":[{"name":"a","type":"dynamic"}]}},
                  "destinations":{"logAnalytics":[{"workspaceResourceId":"/x","name":"ws"}]},
                  "dataFlows":[{"streams":["Custom-Raw"],"destinations":["ws"],"transformKql":"source",
                    "outputStream":"Custom-T_CL"}]}}
                """)));
        app = EdgeApi.create(DialectsTest.dialects(support, dcrs, MAX_RECORD), new HealthHandler(Optional::empty),
                Listeners.httpOnly("127.0.0.1", 0), metrics).start();
    }

    @AfterEach
    void stop() {
        app.stop();
    }

    /** One request a dialect: where it goes, and its body around the event. */
    private record Dialect(String name, String path, String header, String value, String contentType,
            Function<String, String> body) {
    }

    private static List<Dialect> dialects() {
        String bearer = "Bearer " + TOKEN;
        return List.of(
                new Dialect("axiom json", "/v1/datasets/web/ingest", "Authorization", bearer, "application/json",
                        e -> "[" + e + "]"),
                new Dialect("axiom ndjson", "/v1/datasets/web/ingest", "Authorization", bearer,
                        "application/x-ndjson", e -> e + "\n"),
                new Dialect("baselime", "/v1/logs", "x-api-key", TOKEN, "application/json", e -> "[" + e + "]"),
                new Dialect("azure", "/dataCollectionRules/" + DCR + "/streams/Custom-Raw?api-version=2023-01-01",
                        "Authorization", bearer, "application/json", e -> "[" + e + "]"),
                new Dialect("astralog", "/v1/drain", "Authorization", TOKEN, "application/json",
                        e -> "{\"logs\":[" + e.replace("{", "{\"project_id\":\"p\",\"timestamp\":"
                                + "\"2024-05-31T15:30:45Z\",\"level\":\"info\",\"service\":\"s\",\"message\":\"m\",")
                                + "]}"),
                new Dialect("loggly bulk", "/bulk/" + TOKEN, "X-LOGGLY-TAG", "t", "text/plain", e -> e),
                new Dialect("loggly single", "/inputs/" + TOKEN, "X-LOGGLY-TAG", "t", "application/json", e -> e));
    }

    @ParameterizedTest
    @ValueSource(strings = {"long number", "exponent out of range", "deep nesting", "long string"})
    void a_value_beyond_a_json_limit_gets_the_same_class_of_answer_in_every_dialect(String limit) throws Exception {
        String event = "{\"a\":" + value(limit) + "}";
        for (Dialect d : dialects()) {
            producer.clear();
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + app.port() + d.path())).header(d.header(), d.value())
                    .header("Content-Type", d.contentType())
                    .POST(HttpRequest.BodyPublishers.ofString(d.body().apply(event))).build(),
                    HttpResponse.BodyHandlers.ofString());

            assertThat(r.statusCode()).as(d.name() + ": " + r.body()).isLessThan(500);
            // Nothing taken as JSON: Loggly keeps a line that is not JSON as text, the others store nothing.
            assertThat(events()).as(d.name()).allSatisfy(e -> {
                assertThat(e.has("a")).isFalse();
                assertThat(e.path("message").asText()).startsWith("{\"a\":");
            });
            if (!d.name().startsWith("loggly")) {
                assertThat(events()).as(d.name()).isEmpty();
            }
        }
    }

    /**
     * Issue 18: {@code [{"_time":1e-10000000}]} took 6 s at the edge and was stored as 1970. A time number with an
     * absurd exponent is now a bad time, refused with the event as each dialect refuses a bad time.
     */
    @ParameterizedTest
    @ValueSource(strings = {"1e-10000000", "1.5e-20000000", "-1e+10000000"})
    void a_time_number_with_an_absurd_exponent_is_a_bad_time(String time) throws Exception {
        for (Dialect d : dialects().subList(0, 2)) {
            producer.clear();
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + app.port() + d.path())).header(d.header(), d.value())
                    .header("Content-Type", d.contentType())
                    .POST(HttpRequest.BodyPublishers.ofString(d.body().apply("{\"_time\":" + time + "}")))
                    .build(), HttpResponse.BodyHandlers.ofString());

            assertThat(r.statusCode()).as(d.name()).isLessThan(500);
            assertThat(r.body()).as(d.name()).contains("invalid time in field _time");
            assertThat(events()).as(d.name()).isEmpty();
        }
    }

    private List<JsonNode> events() throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (ProducerRecord<byte[], byte[]> record : producer.history()) {
            RawBatch b = RawBatchCodec.read(record.headers(), record.value());
            List<String> lines = new ArrayList<>();
            RawBatch.forEachLine(b.payload(), (i, buf, off, len) -> lines.add(new String(buf, off, len, UTF_8)));
            for (String l : lines) {
                out.add(Json.mapper().readTree(l));
            }
        }
        return out;
    }
}
