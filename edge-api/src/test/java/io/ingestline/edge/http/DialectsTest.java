package io.ingestline.edge.http;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.ingestline.model.auth.ApiToken;
import io.ingestline.model.auth.RateLimiter;
import io.ingestline.model.auth.TokenAuthenticator;
import io.ingestline.edge.config.DcrRegistry;
import io.ingestline.edge.ingest.DatasetGate;
import io.ingestline.edge.ingest.InFlightBytes;
import io.ingestline.edge.ingest.Ingestor;
import io.ingestline.edge.kafka.RawBatchPublisher;
import io.ingestline.edge.metrics.EdgeMetrics;
import io.ingestline.edge.tls.Listeners;
import io.ingestline.model.BatchTarget;
import io.ingestline.model.Dialect;
import io.ingestline.model.Json;
import io.ingestline.model.RawBatch;
import io.ingestline.model.RawBatchCodec;
import io.ingestline.model.rules.DataCollectionRule;
import io.javalin.Javalin;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.zip.GZIPOutputStream;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Baselime, AstraLog, Loggly and Azure Logs Ingestion over real HTTP: their success and error answers, partial
 * acceptance, and what reaches the raw topic (a MockProducer that acknowledges at once).
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class DialectsTest {
    static final String TOKEN = "all-datasets-token";
    static final String WEB_ONLY = "web-only-token";
    /** The edge's default record limit, so that the dialects' limits are tested as they apply. */
    private static final int MAX_RECORD = Integer.parseInt(io.ingestline.edge.EdgeConfig.MAX_RECORD_BYTES.defaultValue());
    private static final String DCR = "dcr-000a00a000a00000a000000aa000a0aa";

    private final HttpClient http = HttpClient.newHttpClient();
    private MockProducer<byte[], byte[]> producer;
    private DcrRegistry dcrs;
    private Javalin app;
    private final AtomicReference<DatasetGate> gate = new AtomicReference<>(DatasetGate.OPEN);

    /** Every dialect's handler over one support. */
    static EdgeApi.Dialects dialects(IngestSupport support, DcrRegistry dcrs, int maxRecordBytes) {
        return new EdgeApi.Dialects(new AxiomHandler(support, maxRecordBytes - 1),
                new BaselimeHandler(support, maxRecordBytes), new AzureHandler(support, dcrs, maxRecordBytes),
                new AstraLogHandler(support, "astralog", Map.of("org-web", "web", "org-api", "api"), maxRecordBytes),
                new LogglyHandler(support, "loggly", maxRecordBytes), new OtlpHandler(support, "otlp",
                        Map.of("billing", "billing", "shop-web", "web"), maxRecordBytes));
    }

    @BeforeEach
    void start() {
        producer = new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
        Ingestor ingestor = new Ingestor(new RawBatchPublisher(producer, "raw", nanos -> { }),
                new InFlightBytes(64L << 20), 16L << 20, MAX_RECORD, Duration.ofSeconds(2),
                (tokenId, targets) -> gate.get().ready(tokenId, targets));
        TokenAuthenticator tokens = new TokenAuthenticator(List.of(ApiToken.ofSecret("ci", TOKEN, List.of("*")),
                ApiToken.ofSecret("web", WEB_ONLY, List.of("web"))));
        EdgeMetrics metrics = new EdgeMetrics();
        IngestSupport support = new IngestSupport(tokens, new RateLimits(new RateLimiter(), RateLimiter.Limit.NONE),
                ingestor, metrics);
        dcrs = new DcrRegistry();
        app = EdgeApi.create(dialects(support, dcrs, MAX_RECORD), new HealthHandler(Optional::empty),
                Listeners.httpOnly("127.0.0.1", 0), metrics).start();
    }

    @AfterEach
    void stop() {
        app.stop();
    }

    private HttpRequest.Builder request(String pathAndQuery) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + pathAndQuery));
    }

    private HttpResponse<String> post(HttpRequest.Builder r, String body) throws Exception {
        return post(r, body.getBytes(UTF_8));
    }

    private HttpResponse<String> post(HttpRequest.Builder r, byte[] body) throws Exception {
        return http.send(r.POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(HttpResponse<String> r) throws Exception {
        return Json.mapper().readTree(r.body());
    }

    private List<RawBatch> batches() {
        List<RawBatch> out = new ArrayList<>();
        for (ProducerRecord<byte[], byte[]> r : producer.history()) {
            out.add(RawBatchCodec.read(r.headers(), r.value()));
        }
        return out;
    }

    private List<JsonNode> events() throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (RawBatch b : batches()) {
            List<String> lines = new ArrayList<>();
            RawBatch.forEachLine(b.payload(), (i, buf, off, len) -> lines.add(new String(buf, off, len, UTF_8)));
            for (String l : lines) {
                out.add(Json.mapper().readTree(l));
            }
        }
        return out;
    }

    static byte[] gzip(String s) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(s.getBytes(UTF_8));
        }
        return out.toByteArray();
    }

    @Test
    void an_unknown_path_or_method_is_answered_in_the_shape_of_the_dialect_its_prefix_belongs_to() throws Exception {
        record Case(String method, String path, int status, String shapeKey) {
        }
        List<Case> cases = List.of(
                new Case("GET", "/nothing/here", 404, "message"),
                new Case("GET", "/v1/datasets/web/ingest", 405, "message"),
                new Case("PUT", "/v1/ingest/web", 405, "message"),
                new Case("GET", "/v1/drain", 405, "error"),
                new Case("DELETE", "/inputs/" + TOKEN, 405, "response"),
                new Case("GET", "/bulk/" + TOKEN, 405, "response"),
                new Case("POST", "/bulk", 404, "response"),
                new Case("GET", "/dataCollectionRules/dcr-1/streams/Custom-X", 405, "error"),
                new Case("POST", "/dataCollectionRules/dcr-1", 404, "error"),
                new Case("PUT", "/v1/web", 405, "message"),
                new Case("POST", "/v1/a/b/c/d", 404, "message"));
        for (Case c : cases) {
            HttpResponse<String> r = http.send(request(c.path()).method(c.method(),
                    HttpRequest.BodyPublishers.ofString("[]")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(c.toString()).isEqualTo(c.status());
            assertThat(r.headers().firstValue("Content-Type")).as(c.toString())
                    .hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
            assertThat(json(r).has(c.shapeKey())).as(c + ": " + r.body()).isTrue();
            if (c.status() == 405) {
                assertThat(r.headers().firstValue("Allow")).as(c.toString()).isPresent();
            }
        }
    }

    @Test
    void a_dataset_the_token_may_not_create_gets_403_and_one_not_ready_in_time_503_in_each_dialects_shape()
            throws Exception {
        gate.set((tokenId, targets) -> CompletableFuture.failedFuture(
                new DatasetGate.DatasetLimitException(tokenId, "new", 3)));
        HttpResponse<String> axiom = post(request("/v1/datasets/new/ingest").header("Authorization", "Bearer " + TOKEN)
                .header("Content-Type", "application/json"), "[{\"a\":1}]");
        assertThat(axiom.statusCode()).isEqualTo(403);
        assertThat(json(axiom).get("message").asText()).contains("has already created 3 datasets");
        HttpResponse<String> baselime = post(request("/v1/new").header("x-api-key", TOKEN), "[{\"a\":1}]");
        assertThat(baselime.statusCode()).isEqualTo(403);
        assertThat(json(baselime).get("message").asText()).contains("has already created 3 datasets");
        HttpResponse<String> loggly = post(request("/bulk/" + TOKEN), "line");
        assertThat(loggly.statusCode()).isEqualTo(403);
        assertThat(json(loggly).get("response").asText()).isEqualTo("error");
        assertThat(json(loggly).get("message").asText()).contains("has already created 3 datasets");
        HttpResponse<String> astralog = post(request("/v1/drain").header("Authorization", TOKEN), "{\"logs\":[{"
                + "\"project_id\":\"p\",\"timestamp\":\"2024-05-31 15:30:45\",\"level\":\"info\",\"service\":\"s\","
                + "\"message\":\"m\"}]}");
        assertThat(astralog.statusCode()).isEqualTo(403);
        assertThat(json(astralog).get("status").asText()).isEqualTo("error");
        assertThat(json(astralog).get("error").asText()).contains("has already created 3 datasets");

        gate.set((tokenId, targets) -> CompletableFuture.failedFuture(
                new DatasetGate.DatasetNotReadyException("dataset new is being created and is not ready yet; retry",
                        null)));
        HttpResponse<String> late = post(request("/v1/ingest/new").header("Authorization", "Bearer " + TOKEN)
                .header("Content-Type", "application/json"), "[{\"a\":1}]");
        assertThat(late.statusCode()).isEqualTo(503);
        assertThat(late.headers().firstValue("Retry-After")).isPresent();
        assertThat(json(late).get("message").asText()).contains("being created");
        assertThat(producer.history()).as("nothing of a refused request is published").isEmpty();
    }

    @Nested
    class Baselime {
        /** The example of baselime-events-api.txt, as the shell passes it. */
        static final String SEED_BODY = "[\n  {\n    \"message\": \"This is an example log event\",\n"
                + "    \"error\": \"TypeError: Cannot read property something of undefined\",\n"
                + "    \"requestId\": \"6092d6f0-3bfa-4d62-9d0b-5bc7ae6518a1\",\n"
                + "    \"namespace\": \"https://api.domain.com/resource/{id}\"\n  },\n  {\n"
                + "    \"message\": \"This is another example log event\",\n"
                + "    \"requestId\": \"6092d6f0-3bfa-4d62-9d0b-5bc7ae6518a1\",\n"
                + "    \"data\": {\"userId\": \"01HBRCB38K2K4V5SDR7YC1D0ZB\"},\n    \"duration\": 127\n  }\n]";

        private HttpRequest.Builder baselime(String path) {
            return request(path).header("x-api-key", TOKEN).header("Content-Type", "application/json");
        }

        @Test
        void the_documented_example_is_accepted_with_202_and_keeps_the_service() throws Exception {
            HttpResponse<String> r = post(baselime("/v1/logs").header("x-service", "my-service"), SEED_BODY);

            assertThat(r.statusCode()).isEqualTo(202);
            assertThat(r.body()).isEqualTo("{\"message\":\"Request Accepted\"}");
            List<JsonNode> events = events();
            assertThat(events).hasSize(2);
            assertThat(events.get(0).get("_service").asText()).isEqualTo("my-service");
            assertThat(events.get(0).get("namespace").asText()).isEqualTo("https://api.domain.com/resource/{id}");
            assertThat(events.get(0).has("_namespace")).isFalse();
            assertThat(events.get(1).get("duration").asInt()).isEqualTo(127);
            RawBatch b = batches().get(0);
            assertThat(b.context().dialect()).isEqualTo(Dialect.BASELIME);
            assertThat(b.context().target()).isEqualTo(new BatchTarget.Dataset("logs"));
        }

        @Test
        void service_and_namespace_come_from_the_path_and_undefined_means_absent() throws Exception {
            assertThat(post(baselime("/v1/logs/checkout/prod").header("x-service", "ignored"), "[{\"a\":1}]")
                    .statusCode()).isEqualTo(202);
            assertThat(post(baselime("/v1/logs").header("x-service", "undefined").header("x-namespace", "ns"),
                    "[{\"a\":2}]").statusCode()).isEqualTo(202);

            List<JsonNode> events = events();
            assertThat(events.get(0).get("_service").asText()).isEqualTo("checkout");
            assertThat(events.get(0).get("_namespace").asText()).isEqualTo("prod");
            assertThat(events.get(1).has("_service")).isFalse();
            assertThat(events.get(1).get("_namespace").asText()).isEqualTo("ns");
        }

        @Test
        void bad_events_are_listed_under_invalid_and_the_others_land() throws Exception {
            String big = "{\"big\":\"" + "x".repeat(BaselimeHandler.MAX_EVENT_BYTES) + "\"}";
            HttpResponse<String> r = post(baselime("/v1/logs"), "[{\"n\":0}, 42, {\"n\":2}, " + big + ", {\"n\":4}]");

            assertThat(r.statusCode()).isEqualTo(400);
            JsonNode body = json(r);
            assertThat(body.get("message").asText()).isEqualTo("Bad Request");
            assertThat(body.get("invalid")).hasSize(2);
            assertThat(body.get("invalid").get(0).get("index").asInt()).isEqualTo(1);
            assertThat(body.get("invalid").get(1).get("index").asInt()).isEqualTo(3);
            assertThat(events()).extracting(e -> e.get("n").asInt()).containsExactly(0, 2, 4);
        }

        @Test
        void a_request_with_no_valid_event_is_400_and_stores_nothing() throws Exception {
            HttpResponse<String> empty = post(baselime("/v1/logs"), "[]");
            assertThat(empty.statusCode()).isEqualTo(400);
            assertThat(json(empty).get("message").asText()).isEqualTo("Bad Request");

            HttpResponse<String> allBad = post(baselime("/v1/logs"), "[1, \"two\"]");
            assertThat(allBad.statusCode()).isEqualTo(400);
            assertThat(json(allBad).get("invalid")).hasSize(2);
            assertThat(producer.history()).isEmpty();
        }

        @Test
        void documented_errors() throws Exception {
            HttpResponse<String> noKey = post(request("/v1/logs"), "[{\"a\":1}]");
            assertThat(noKey.statusCode()).isEqualTo(401);
            assertThat(noKey.body()).isEqualTo("{\"message\":\"Unauthorised\"}");

            HttpResponse<String> get = http.send(baselime("/v1/logs").GET().build(), HttpResponse.BodyHandlers.ofString());
            assertThat(get.statusCode()).isEqualTo(405);
            assertThat(get.body()).isEqualTo("{\"message\":\"Method Not Allowed\"}");

            for (String bad : List.of("", "{\"a\":1}", "[{\"a\":1}", "not json")) {
                HttpResponse<String> r = post(baselime("/v1/logs"), bad);
                assertThat(r.statusCode()).as(bad).isEqualTo(400);
                assertThat(json(r).get("message").asText()).isEqualTo("Bad Request");
                assertThat(json(r).get("error").asText()).isNotBlank();
            }
            HttpResponse<String> tooBig = post(baselime("/v1/logs"),
                    "[{\"a\":\"" + "y".repeat(BaselimeHandler.MAX_REQUEST_BYTES) + "\"}]");
            assertThat(tooBig.statusCode()).isEqualTo(413);
            assertThat(producer.history()).isEmpty();
        }

        @Test
        void literal_paths_win_and_colliding_dataset_names_are_refused() throws Exception {
            // /v1/datasets/{d}/ingest is Axiom's even though it also has Baselime's shape
            HttpResponse<String> axiom = post(request("/v1/datasets/web/ingest").header("Authorization",
                    "Bearer " + TOKEN), "[{\"a\":1}]");
            assertThat(axiom.statusCode()).isEqualTo(200);
            assertThat(json(axiom).get("ingested").asInt()).isEqualTo(1);
            // /v1/drain is AstraLog's
            HttpResponse<String> drain = post(request("/v1/drain").header("x-api-key", TOKEN), "[{\"a\":1}]");
            assertThat(drain.statusCode()).isEqualTo(401);
            assertThat(json(drain).get("status").asText()).isEqualTo("error");
            // a Baselime dataset named like one of those paths cannot be written
            HttpResponse<String> reserved = post(baselime("/v1/ingest"), "[{\"a\":1}]");
            assertThat(reserved.statusCode()).isEqualTo(400);
            assertThat(json(reserved).get("error").asText()).contains("reserved");
        }
    }

    @Nested
    class AstraLog {
        static final String SEED_BODY = "{\n\"logs\": [\n{\n\"project_id\": \"org-xyz\",\n"
                + "\"timestamp\": \"2024-05-31T15:30:45Z\",\n\"level\": \"info\",\n\"service\": \"api-gateway\",\n"
                + "\"message\": \"User logged in\",\n\"metadata\": { \"user_id\": 123, \"ip\": \"1.1.1.1\" }\n}\n]\n}";

        private HttpRequest.Builder drain() {
            return request("/v1/drain").header("Authorization", TOKEN).header("Content-Type", "application/json");
        }

        @Test
        void the_documented_example_is_accepted_and_its_timestamp_becomes_the_event_time() throws Exception {
            HttpResponse<String> r = post(drain(), SEED_BODY);

            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).isEqualTo("{\"status\":\"accepted\"}");
            JsonNode e = events().get(0);
            assertThat(e.get("_time").asText()).isEqualTo("2024-05-31T15:30:45Z");
            assertThat(e.get("project_id").asText()).isEqualTo("org-xyz");
            assertThat(e.get("metadata").get("user_id").asInt()).isEqualTo(123);
            assertThat(batches().get(0).context().target()).isEqualTo(new BatchTarget.Dataset("astralog"));
        }

        @Test
        void sql_and_iso_timestamps_are_read_and_a_batch_with_malformed_logs_is_refused_whole() throws Exception {
            String ok1 = log("2024-05-31 15:30:45", "a");
            String ok2 = log("2024-05-31T15:30:45.250+02:00", "b");
            String missing = "{\"project_id\":\"p\",\"timestamp\":\"2024-05-31T15:30:45Z\",\"level\":\"info\","
                    + "\"message\":\"no service\"}";
            String badTime = log("yesterday", "c");
            String notString = "{\"project_id\":7,\"timestamp\":\"2024-05-31T15:30:45Z\",\"level\":\"info\","
                    + "\"service\":\"s\",\"message\":\"m\"}";
            HttpResponse<String> r = post(drain(), "{\"logs\":[" + String.join(",", ok1, missing, ok2, badTime,
                    notString) + "]}");

            assertThat(r.statusCode()).isEqualTo(400);
            JsonNode body = json(r);
            assertThat(body.get("error").asText()).isEqualTo("3 of 5 log(s) refused; nothing was stored");
            assertThat(body.get("rejected")).extracting(n -> n.get("index").asInt()).containsExactly(1, 3, 4);
            assertThat(body.get("rejected").get(0).get("error").asText()).contains("service");
            assertThat(body.get("rejected").get(2).get("error").asText()).contains("project_id");
            assertThat(producer.history()).isEmpty();

            assertThat(post(drain(), "{\"logs\":[" + ok1 + "," + ok2 + "]}").statusCode()).isEqualTo(200);
            List<JsonNode> events = events();
            assertThat(events).extracting(e -> e.get("message").asText()).containsExactly("a", "b");
            assertThat(events.get(0).get("_time").asText()).isEqualTo("2024-05-31T15:30:45Z");
            assertThat(events.get(1).get("_time").asText()).isEqualTo("2024-05-31T13:30:45.250Z");
        }

        @Test
        void logs_go_to_the_dataset_their_project_maps_to_and_a_token_writes_only_where_it_may() throws Exception {
            String body = "{\"logs\":[" + String.join(",", projectLog("org-web", "w1"),
                    projectLog("org-xyz", "x1"), projectLog("org-api", "a1"), projectLog("org-web", "w2")) + "]}";
            HttpResponse<String> all = post(drain(), body);
            assertThat(all.statusCode()).isEqualTo(200);
            Map<String, List<String>> byDataset = new java.util.TreeMap<>();
            for (RawBatch b : batches()) {
                String dataset = ((BatchTarget.Dataset) b.context().target()).name();
                RawBatch.forEachLine(b.payload(), (i, buf, off, len) -> byDataset.computeIfAbsent(dataset,
                        d -> new ArrayList<>()).add(new String(buf, off, len, UTF_8).replaceAll(".*\"message\":\"(\\w+)\".*", "$1")));
            }
            assertThat(byDataset).isEqualTo(Map.of("astralog", List.of("x1"), "api", List.of("a1"),
                    "web", List.of("w1", "w2")));
            producer.clear();

            HttpResponse<String> webOnly = post(request("/v1/drain").header("Authorization", WEB_ONLY), body);
            assertThat(webOnly.statusCode()).isEqualTo(400);
            JsonNode answer = json(webOnly);
            assertThat(answer.get("rejected")).extracting(n -> n.get("index").asInt()).containsExactly(1, 2);
            assertThat(answer.get("rejected").get(0).get("error").asText())
                    .isEqualTo("the token may not ingest into dataset astralog");
            assertThat(producer.history()).isEmpty();
        }

        @Test
        void a_metadata_that_is_not_an_object_refuses_the_batch_and_an_empty_batch_is_400() throws Exception {
            String good = log("2024-05-31T15:30:45Z", "fine");
            for (String metadata : List.of("\"text\"", "[1]", "42", "true")) {
                String bad = good.replace("}", ",\"metadata\":" + metadata + "}");
                HttpResponse<String> r = post(drain(), "{\"logs\":[" + good + "," + bad + "]}");
                assertThat(r.statusCode()).as(metadata).isEqualTo(400);
                assertThat(json(r).get("rejected").get(0).get("index").asInt()).isEqualTo(1);
                assertThat(json(r).get("rejected").get(0).get("error").asText()).contains("metadata");
            }
            HttpResponse<String> empty = post(drain(), "{\"logs\":[]}");
            assertThat(empty.statusCode()).isEqualTo(400);
            assertThat(json(empty).get("error").asText()).isEqualTo("the request holds no log to ingest");
            assertThat(producer.history()).isEmpty();

            String withNull = good.replace("}", ",\"metadata\":null}");
            assertThat(post(drain(), "{\"logs\":[" + withNull + "]}").statusCode()).isEqualTo(200);
        }

        private static String projectLog(String project, String message) {
            return log("2024-05-31T15:30:45Z", message).replace("\"project_id\":\"p\"", "\"project_id\":\"" + project + "\"");
        }

        private static String log(String timestamp, String message) {
            return "{\"project_id\":\"p\",\"timestamp\":\"" + timestamp + "\",\"level\":\"info\",\"service\":\"s\","
                    + "\"message\":\"" + message + "\"}";
        }

        @Test
        void documented_errors() throws Exception {
            HttpResponse<String> none = post(request("/v1/drain"), SEED_BODY);
            assertThat(none.statusCode()).isEqualTo(401);
            assertThat(json(none).get("status").asText()).isEqualTo("error");
            assertThat(post(request("/v1/drain").header("Authorization", "wrong"), SEED_BODY).statusCode())
                    .isEqualTo(401);
            for (String bad : List.of("{\"logs\":[", "[]", "{\"entries\":[]}", "{\"logs\":{}}")) {
                HttpResponse<String> r = post(drain(), bad);
                assertThat(r.statusCode()).as(bad).isEqualTo(400);
                assertThat(json(r).get("error").asText()).isNotBlank();
            }
            assertThat(producer.history()).isEmpty();
        }
    }

    @Nested
    class Loggly {
        @Test
        void a_single_text_event_keeps_its_text_and_the_merged_tags() throws Exception {
            HttpResponse<String> r = post(request("/inputs/" + TOKEN + "/tag/http,web/").header("X-LOGGLY-TAG",
                    "web,from-header").header("Content-Type", "text/plain"), "hello world\nsecond line of it\n");

            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).isEqualTo("{\"response\":\"ok\"}");
            JsonNode e = events().get(0);
            assertThat(e.get("message").asText()).isEqualTo("hello world\nsecond line of it");
            assertThat(e.get("tags")).extracting(JsonNode::asText).containsExactly("http", "web", "from-header");
            assertThat(batches().get(0).context().target()).isEqualTo(new BatchTarget.Dataset("loggly"));
        }

        @Test
        void bulk_lines_are_json_or_text_and_never_form_decoded() throws Exception {
            String body = "{\"level\":\"info\",\"n\":1}\r\nuser=bob&action=login\n\n{not json\n{\"n\":2}";
            HttpResponse<String> r = post(request("/bulk/" + TOKEN + "/tag/bulk/")
                    .header("Content-Type", "application/x-www-form-urlencoded"), body);

            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).isEqualTo("{\"response\":\"ok\"}");
            List<JsonNode> events = events();
            assertThat(events).hasSize(4);
            assertThat(events.get(0).get("n").asInt()).isEqualTo(1);
            assertThat(events.get(1).get("message").asText()).isEqualTo("user=bob&action=login");
            assertThat(events.get(2).get("message").asText()).isEqualTo("{not json");
            assertThat(events.get(3).get("tags").get(0).asText()).isEqualTo("bulk");
        }

        @Test
        void get_submission_takes_the_query_parameters_as_fields() throws Exception {
            HttpResponse<String> r = http.send(request("/inputs/" + TOKEN + "?page=%2Fhome&user=ann").GET().build(),
                    HttpResponse.BodyHandlers.ofString());

            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).isEqualTo("{\"response\":\"ok\"}");
            JsonNode e = events().get(0);
            assertThat(e.get("page").asText()).isEqualTo("/home");
            assertThat(e.get("user").asText()).isEqualTo("ann");
        }

        @Test
        void a_bulk_with_an_event_over_a_mebibyte_stores_nothing_and_a_wrong_token_gets_401() throws Exception {
            String body = "small one\n" + "z".repeat(LogglyHandler.MAX_EVENT_BYTES + 1) + "\nsmall two\n";
            HttpResponse<String> r = post(request("/bulk/" + TOKEN), body);
            assertThat(r.statusCode()).isEqualTo(400);
            assertThat(json(r).get("response").asText()).isEqualTo("error");
            assertThat(json(r).get("failures").get(0).get("index").asInt()).isEqualTo(1);
            assertThat(producer.history()).isEmpty();

            HttpResponse<String> bad = post(request("/inputs/not-a-token"), "x");
            assertThat(bad.statusCode()).isEqualTo(401);
            assertThat(json(bad).get("response").asText()).isEqualTo("error");
            assertThat(post(request("/inputs/" + TOKEN + "/tag/bad%20tag/"), "x").statusCode()).isEqualTo(400);
        }
    }

    @Nested
    class LogglyLimits {
        @Test
        void an_event_of_one_mebibyte_is_taken_alone_and_in_a_bulk_with_tags() throws Exception {
            String text = "t\"" + "m".repeat(LogglyHandler.MAX_EVENT_BYTES - 2);
            String json = "{\"pad\":\"" + "j".repeat(LogglyHandler.MAX_EVENT_BYTES - 10) + "\"}";
            assertThat(json).hasSize(LogglyHandler.MAX_EVENT_BYTES);

            HttpResponse<String> single = post(request("/inputs/" + TOKEN + "/tag/big/"), text);
            HttpResponse<String> bulk = post(request("/bulk/" + TOKEN + "/tag/big/"), json + "\n" + text + "\n");

            assertThat(single.statusCode()).as(single.body()).isEqualTo(200);
            assertThat(bulk.statusCode()).as(bulk.body()).isEqualTo(200);
            List<JsonNode> events = events();
            assertThat(events).extracting(e -> e.has("pad") ? e.get("pad").asText().length()
                    : e.get("message").asText().length()).containsExactly(text.length(), json.length() - 10,
                            text.length());
            assertThat(events.get(0).get("tags").get(0).asText()).isEqualTo("big");
        }

        @Test
        void an_empty_or_blank_body_is_400_and_a_bulk_over_5_mebibytes_413() throws Exception {
            for (String path : List.of("/inputs/" + TOKEN, "/bulk/" + TOKEN)) {
                for (String body : List.of("", "\n \r\n\t\n")) {
                    HttpResponse<String> r = post(request(path), body);
                    assertThat(r.statusCode()).as(path + " " + body.length()).isEqualTo(400);
                    assertThat(json(r).get("response").asText()).isEqualTo("error");
                    assertThat(json(r).get("message").asText()).isEqualTo("the request holds no event to ingest");
                }
            }
            String line = "x".repeat(1000) + "\n";
            HttpResponse<String> tooBig = post(request("/bulk/" + TOKEN),
                    line.repeat(LogglyHandler.MAX_BULK_BYTES / line.length() + 1));
            assertThat(tooBig.statusCode()).isEqualTo(413);
            assertThat(json(tooBig).get("response").asText()).isEqualTo("error");
            assertThat(producer.history()).isEmpty();
        }
    }

    @Nested
    class Azure {
        private static final String STREAM = "Custom-MyTableRawData";

        @BeforeEach
        void dcr() throws Exception {
            dcrs.put(DataCollectionRule.parse(DCR, Json.mapper().readTree("""
                    {"properties":{
                      "streamDeclarations":{"Custom-MyTableRawData":{"columns":[
                        {"name":"Time","type":"datetime"},{"name":"Computer","type":"string"},
                        {"name":"AdditionalContext","type":"string"}]}},
                      "destinations":{"logAnalytics":[{"workspaceResourceId":"/x","name":"ws"}]},
                      "dataFlows":[{"streams":["Custom-MyTableRawData"],"destinations":["ws"],
                        "transformKql":"source | extend TimeGenerated = todatetime(Time)",
                        "outputStream":"Custom-MyTable_CL"}]}}
                    """)));
        }

        @Test
        void a_dcr_whose_output_dataset_the_token_may_not_create_gets_403_in_azures_shape() throws Exception {
            List<BatchTarget> asked = new ArrayList<>();
            gate.set((tokenId, targets) -> {
                asked.addAll(targets);
                return CompletableFuture.failedFuture(new DatasetGate.DatasetLimitException(tokenId, "MyTable_CL", 3));
            });
            HttpResponse<String> r = post(upload(STREAM, "?api-version=2023-01-01", TOKEN),
                    "[{\"Time\":\"2024-01-01T00:00:00Z\",\"Computer\":\"c\"}]");
            assertThat(r.statusCode()).isEqualTo(403);
            assertThat(r.headers().firstValue("x-ms-error-code")).contains("OperationFailed");
            assertThat(json(r).at("/error/message").asText()).contains("has already created 3 datasets");
            assertThat(asked).containsExactly(new BatchTarget.Stream(DCR, STREAM));
            assertThat(producer.history()).isEmpty();
        }

        private HttpRequest.Builder upload(String stream, String query, String token) {
            return request("/dataCollectionRules/" + DCR + "/streams/" + stream + query)
                    .header("Authorization", "Bearer " + token).header("Content-Type", "application/json");
        }

        @Test
        void a_gzip_upload_with_an_encoded_query_key_is_answered_204() throws Exception {
            String body = "[{\"Time\":\"2023-11-14 15:10:02\",\"Computer\":\"c1\",\"AdditionalContext\":\"x\"},"
                    + "{\"Time\":\"2023-11-14 15:10:03\",\"Computer\":\"c2\",\"AdditionalContext\":\"y\"}]";
            HttpResponse<String> r = post(upload(STREAM, "?api%2Dversion=2023-01-01", TOKEN)
                    .header("Content-Encoding", "gzip").header("x-ms-client-request-id", "req-1"), gzip(body));

            assertThat(r.statusCode()).isEqualTo(204);
            assertThat(r.body()).isEmpty();
            assertThat(r.headers().firstValue("Content-Type")).as("a 204 has no content, so no type").isEmpty();
            assertThat(events()).extracting(e -> e.get("Computer").asText()).containsExactly("c1", "c2");
            RawBatch b = batches().get(0);
            assertThat(b.context().target()).isEqualTo(new BatchTarget.Stream(DCR, STREAM));
            assertThat(b.context().requestId()).isEqualTo("req-1");
        }

        @Test
        void errors_have_azure_shape_and_code_header() throws Exception {
            assertAzureError(post(upload(STREAM, "", TOKEN), "[]"), 400, "MissingApiVersionParameter");
            assertAzureError(post(upload(STREAM, "?api-version=2020-01-01", TOKEN), "[]"), 400,
                    "UnsupportedApiVersion");
            assertAzureError(post(upload(STREAM, "?api-version=2023-01-01", "nope"), "[]"), 401, "Unauthorized");
            assertAzureError(post(upload("Custom-Other", "?api-version=2021-11-01-preview", TOKEN), "[]"), 404,
                    "InvalidStream");
            assertAzureError(post(request("/dataCollectionRules/dcr-unknown/streams/" + STREAM
                    + "?api-version=2023-01-01").header("Authorization", "Bearer " + TOKEN), "[]"), 404, "NotFound");
            // the web-only token may not write MyTable_CL, where this DCR sends its rows
            assertAzureError(post(upload(STREAM, "?api-version=2023-01-01", WEB_ONLY), "[]"), 403, "OperationFailed");
            assertAzureError(post(upload(STREAM, "?api-version=2023-01-01", TOKEN), "[{\"a\":"), 400,
                    "InvalidRequest");
            assertAzureError(post(upload(STREAM, "?api-version=2023-01-01", TOKEN),
                    "[{\"a\":\"" + "q".repeat(AzureHandler.MAX_RECORDS_BYTES) + "\"}]"), 413,
                    "ContentLengthLimitExceeded");
            assertThat(producer.history()).isEmpty();
        }

        @Test
        void a_refused_record_is_named_and_nothing_of_the_call_is_stored() throws Exception {
            HttpResponse<String> r = post(upload(STREAM, "?api-version=2023-01-01", TOKEN),
                    "[{\"Computer\":\"a\"}, \"text\", {\"Computer\":\"b\"}]");

            assertAzureError(r, 400, "InvalidContent");
            assertThat(json(r).get("error").get("message").asText()).contains("record 1").contains("nothing was stored");
            assertThat(producer.history()).isEmpty();

            assertAzureError(post(upload(STREAM, "?api-version=2023-01-01", TOKEN), "[]"), 400, "InvalidContent");
            assertThat(producer.history()).isEmpty();
        }

        /**
         * As Azure's Java SDK fills a call: records whose serialized bytes sum to 1 MiB, joined with commas inside
         * brackets (so the body is 1 MiB and 1,025 bytes). One record byte more is 413.
         */
        @Test
        void a_mebibyte_of_records_is_taken_with_their_commas_and_one_byte_more_is_413_even_gzipped() throws Exception {
            String head = "{\"Computer\":\"c\",\"pad\":\"";
            String tail = "\"}";
            String record = head + "p".repeat(1024 - head.length() - tail.length()) + tail;
            List<String> records = Collections.nCopies(1024, record);
            String body = "[" + String.join(",", records) + "]";
            assertThat(records.stream().mapToInt(String::length).sum()).isEqualTo(AzureHandler.MAX_RECORDS_BYTES);

            HttpResponse<String> r = post(upload(STREAM, "?api-version=2023-01-01", TOKEN)
                    .header("Content-Encoding", "gzip"), gzip(body));
            assertThat(r.statusCode()).as(r.body()).isEqualTo(204);
            assertThat(events()).hasSize(1024);

            producer.clear();
            HttpResponse<String> over = post(upload(STREAM, "?api-version=2023-01-01", TOKEN)
                    .header("Content-Encoding", "gzip"), gzip(body.replaceFirst("\\{\"Computer", "{ \"Computer")));
            assertAzureError(over, 413, "ContentLengthLimitExceeded");
            assertThat(producer.history()).isEmpty();
        }

        private void assertAzureError(HttpResponse<String> r, int status, String code) throws Exception {
            assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
            assertThat(r.headers().firstValue("x-ms-error-code")).hasValue(code);
            JsonNode error = json(r).get("error");
            assertThat(error.get("code").asText()).isEqualTo(code);
            assertThat(error.get("message").asText()).isNotBlank();
        }
    }
}
