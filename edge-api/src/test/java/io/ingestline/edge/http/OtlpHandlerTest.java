package io.ingestline.edge.http;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
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
import io.ingestline.model.auth.ApiToken;
import io.ingestline.model.auth.RateLimiter;
import io.ingestline.model.auth.TokenAuthenticator;
import io.javalin.Javalin;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.ArrayValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.common.v1.KeyValueList;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.logs.v1.SeverityNumber;
import io.opentelemetry.proto.resource.v1.Resource;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.zip.GZIPOutputStream;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * OTLP/HTTP logs over real HTTP: protobuf and JSON bodies built with the generated classes, the events they become,
 * partial success, every error status in the request's encoding, and {@code /v1/logs} shared with Baselime.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class OtlpHandlerTest {
    private static final String TOKEN = "all-datasets-token";
    private static final String WEB_ONLY = "web-only-token";
    private static final String LIMITED = "limited-token-0123";
    private static final int MAX_RECORD = 8 * 1024;
    private static final int MAX_REQUEST = 64 * 1024;
    private static final String PROTOBUF = "application/x-protobuf";
    private static final byte[] TRACE = HexFormat.of().parseHex("5b8efff798038103d269b633813fc60c");
    private static final byte[] SPAN = HexFormat.of().parseHex("eee19b7ec3c1b174");
    private static final long NANOS = 1_733_356_800_123_456_789L; // 2024-12-05T00:00:00.123456789Z

    private final HttpClient http = HttpClient.newHttpClient();
    private final AtomicReference<DatasetGate> gate = new AtomicReference<>(DatasetGate.OPEN);
    private MockProducer<byte[], byte[]> producer;
    private Javalin app;
    private Javalin otlpApp;

    @BeforeEach
    void start() {
        producer = new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
        Ingestor ingestor = new Ingestor(new RawBatchPublisher(producer, "raw", nanos -> { }),
                new InFlightBytes(64L << 20), MAX_REQUEST, MAX_RECORD, Duration.ofSeconds(2),
                (tokenId, targets) -> gate.get().ready(tokenId, targets));
        ApiToken limited = new ApiToken("slow", "slow", ApiToken.hash(LIMITED), List.of("*"),
                Set.of(ApiToken.Capability.INGEST), java.time.Instant.EPOCH, new RateLimiter.Limit(1, 0));
        TokenAuthenticator tokens = new TokenAuthenticator(List.of(ApiToken.ofSecret("ci", TOKEN, List.of("*")),
                ApiToken.ofSecret("web", WEB_ONLY, List.of("web")), limited));
        EdgeMetrics metrics = new EdgeMetrics();
        IngestSupport support = new IngestSupport(tokens, new RateLimits(new RateLimiter(), RateLimiter.Limit.NONE),
                ingestor, metrics);
        EdgeApi.Dialects dialects = DialectsTest.dialects(support, new DcrRegistry(), MAX_RECORD);
        app = EdgeApi.create(dialects, new HealthHandler(Optional::empty), Listeners.httpOnly("127.0.0.1", 0),
                metrics).start();
        otlpApp = EdgeApi.createOtlp(dialects.otlp(), new HealthHandler(Optional::empty),
                Listeners.httpOnly("127.0.0.1", 0), metrics).start();
    }

    @AfterEach
    void stop() {
        otlpApp.stop();
        app.stop();
    }

    static KeyValue attr(String key, AnyValue value) {
        return KeyValue.newBuilder().setKey(key).setValue(value).build();
    }

    static AnyValue str(String s) {
        return AnyValue.newBuilder().setStringValue(s).build();
    }

    static LogRecord.Builder record(String message) {
        return LogRecord.newBuilder().setTimeUnixNano(NANOS).setObservedTimeUnixNano(NANOS + 1_000)
                .setSeverityNumber(SeverityNumber.SEVERITY_NUMBER_WARN).setSeverityText("WARN")
                .setBody(str(message)).addAttributes(attr("http.method", str("GET")))
                .addAttributes(attr("http.status_code", AnyValue.newBuilder().setIntValue(503).build()))
                .setTraceId(ByteString.copyFrom(TRACE)).setSpanId(ByteString.copyFrom(SPAN)).setFlags(1);
    }

    static ExportLogsServiceRequest export(LogRecord... records) {
        return ExportLogsServiceRequest.newBuilder().addResourceLogs(ResourceLogs.newBuilder()
                .setResource(Resource.newBuilder().addAttributes(attr("service.name", str("checkout")))
                        .addAttributes(attr("service.version", str("1.2.3"))))
                .addScopeLogs(ScopeLogs.newBuilder()
                        .setScope(InstrumentationScope.newBuilder().setName("com.example.Checkout").setVersion("0.9")
                                .addAttributes(attr("lib", str("slf4j"))))
                        .addAllLogRecords(List.of(records))))
                .build();
    }

    private HttpRequest.Builder otlp(String contentType) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + "/v1/logs"))
                .header("Authorization", "Bearer " + TOKEN).header("Content-Type", contentType);
    }

    private HttpResponse<byte[]> post(HttpRequest.Builder r, byte[] body) throws Exception {
        return http.send(r.POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    private static JsonNode json(HttpResponse<byte[]> r) throws Exception {
        return Json.mapper().readTree(r.body());
    }

    /** A {@code google.rpc.Status}: code and message, read by hand as the edge writes it. */
    record Status(int code, String message) {
        static Status of(byte[] bytes) throws Exception {
            CodedInputStream in = CodedInputStream.newInstance(bytes);
            int code = 0;
            String message = "";
            for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
                switch (tag) {
                    case 8 -> code = in.readInt32();
                    case 18 -> message = in.readString();
                    default -> in.skipField(tag);
                }
            }
            return new Status(code, message);
        }
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

    static byte[] gzip(byte[] b) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(b);
        }
        return out.toByteArray();
    }

    private static void assertMapped(JsonNode e, String message) {
        assertThat(e.get("_time").asText()).isEqualTo("2024-12-05T00:00:00.123456789Z");
        assertThat(e.get("observed_time").asText()).isEqualTo("2024-12-05T00:00:00.123457789Z");
        assertThat(e.get("severity_number").asInt()).isEqualTo(13);
        assertThat(e.get("severity_text").asText()).isEqualTo("WARN");
        assertThat(e.get("body").asText()).isEqualTo(message);
        assertThat(e.at("/attributes/http/method").asText()).isEqualTo("GET");
        assertThat(e.at("/attributes/http/status_code").isIntegralNumber()).isTrue();
        assertThat(e.at("/attributes/http/status_code").asInt()).isEqualTo(503);
        assertThat(e.get("trace_id").asText()).isEqualTo("5b8efff798038103d269b633813fc60c");
        assertThat(e.get("span_id").asText()).isEqualTo("eee19b7ec3c1b174");
        assertThat(e.get("flags").asInt()).isEqualTo(1);
        assertThat(e.at("/resource/service/name").asText()).isEqualTo("checkout");
        assertThat(e.at("/resource/service/version").asText()).isEqualTo("1.2.3");
        assertThat(e.at("/scope/name").asText()).isEqualTo("com.example.Checkout");
        assertThat(e.at("/scope/version").asText()).isEqualTo("0.9");
        assertThat(e.at("/scope/attributes/lib").asText()).isEqualTo("slf4j");
    }

    @Test
    void stores_each_protobuf_log_record_as_one_flat_event_and_answers_an_empty_export_response() throws Exception {
        HttpResponse<byte[]> r = post(otlp(PROTOBUF), export(record("one").build(), record("two").build()).toByteArray());

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith(PROTOBUF));
        assertThat(ExportLogsServiceResponse.parseFrom(r.body()).hasPartialSuccess()).isFalse();
        assertThat(batches()).allSatisfy(b -> {
            assertThat(b.context().dialect()).isEqualTo(Dialect.OTLP);
            assertThat(b.context().target()).isEqualTo(new BatchTarget.Dataset("otlp"));
        });
        List<JsonNode> events = events();
        assertThat(events).hasSize(2);
        assertMapped(events.get(0), "one");
        assertMapped(events.get(1), "two");
    }

    @Test
    void reads_otlp_json_gzipped_with_hex_ids_string_int64s_and_integer_enums() throws Exception {
        String body = """
                {"resourceLogs":[{"resource":{"attributes":[
                  {"key":"service.name","value":{"stringValue":"checkout"}},
                  {"key":"service.version","value":{"stringValue":"1.2.3"}}]},
                 "scopeLogs":[{"scope":{"name":"com.example.Checkout","version":"0.9",
                    "attributes":[{"key":"lib","value":{"stringValue":"slf4j"}}]},
                  "logRecords":[{"timeUnixNano":"1733356800123456789","observedTimeUnixNano":1733356800123457789,
                    "severityNumber":13,"severityText":"WARN","body":{"stringValue":"one"},
                    "attributes":[{"key":"http.method","value":{"stringValue":"GET"}},
                                  {"key":"http.status_code","value":{"intValue":"503"}}],
                    "traceId":"5B8EFFF798038103D269B633813FC60C","spanId":"eee19b7ec3c1b174","flags":1,
                    "futureField":{"ignored":true}},
                   {"body":{"kvlistValue":{"values":[{"key":"a","value":{"arrayValue":{"values":[
                     {"intValue":1},{"doubleValue":2.5},{"boolValue":true},{"bytesValue":"AQI="}]}}}]}}}]}]}]}
                """;
        HttpResponse<byte[]> r = post(otlp("application/json").header("Content-Encoding", "gzip"),
                gzip(body.getBytes(UTF_8)));

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(json(r)).isEmpty();
        List<JsonNode> events = events();
        assertThat(events).hasSize(2);
        assertMapped(events.get(0), "one");
        JsonNode second = events.get(1);
        assertThat(second.get("body").toString()).isEqualTo("{\"a\":[1,2.5,true,\"AQI=\"]}");
        assertThat(second.has("trace_id")).isFalse();
        assertThat(second.get("_time").asText()).as("no time of its own: the receive time").isNotEmpty();
        assertThat(second.at("/resource/service/name").asText()).isEqualTo("checkout");
    }

    @Test
    void refuses_a_record_with_a_bad_trace_id_or_over_the_event_limit_in_partial_success_and_stores_the_rest()
            throws Exception {
        LogRecord shortTrace = record("bad").setTraceId(ByteString.copyFrom(new byte[5])).build();
        LogRecord huge = record("x".repeat(MAX_RECORD)).build();
        HttpResponse<byte[]> r = post(otlp(PROTOBUF),
                export(record("one").build(), shortTrace, huge, record("two").build()).toByteArray());

        assertThat(r.statusCode()).isEqualTo(200);
        ExportLogsServiceResponse response = ExportLogsServiceResponse.parseFrom(r.body());
        assertThat(response.getPartialSuccess().getRejectedLogRecords()).isEqualTo(2);
        assertThat(response.getPartialSuccess().getErrorMessage())
                .contains("log record 1: invalid trace_id: 5 bytes, not 16")
                .contains("log record 2: event of");
        assertThat(events()).extracting(e -> e.get("body").asText()).containsExactly("one", "two");

        producer.clear();
        String json = "{\"resourceLogs\":[{\"scopeLogs\":[{\"logRecords\":[{\"body\":{\"stringValue\":\"ok\"}},"
                + "{\"traceId\":\"abc\"},{\"spanId\":\"0102\"},{\"timeUnixNano\":\"soon\"}]}]}]}";
        HttpResponse<byte[]> j = post(otlp("application/json"), json.getBytes(UTF_8));
        assertThat(j.statusCode()).isEqualTo(200);
        assertThat(json(j).at("/partialSuccess/rejectedLogRecords").asText()).isEqualTo("3");
        assertThat(json(j).at("/partialSuccess/errorMessage").asText()).contains("log record 1: invalid traceId")
                .contains("log record 2: invalid span_id: 2 bytes, not 8")
                .contains("log record 3: timeUnixNano must be an integer");
        assertThat(events()).extracting(e -> e.get("body").asText()).containsExactly("ok");
    }

    @Test
    void answers_400_as_a_status_in_the_requests_encoding_for_a_body_it_cannot_decode() throws Exception {
        HttpResponse<byte[]> p = post(otlp(PROTOBUF), new byte[] {(byte) 0x0a, (byte) 0xff, 0x01});
        assertThat(p.statusCode()).isEqualTo(400);
        assertThat(p.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith(PROTOBUF));
        Status status = Status.of(p.body());
        assertThat(status.code()).isEqualTo(3);
        assertThat(status.message()).contains("invalid OTLP protobuf body");

        HttpResponse<byte[]> j = post(otlp("application/json"), "{\"resourceLogs\":[".getBytes(UTF_8));
        assertThat(j.statusCode()).isEqualTo(400);
        assertThat(json(j).get("code").asInt()).isEqualTo(3);
        assertThat(json(j).get("message").asText()).contains("invalid JSON");

        HttpResponse<byte[]> notOtlp = post(otlp("application/json"), "{\"resourceLogs\":{}}".getBytes(UTF_8));
        assertThat(notOtlp.statusCode()).isEqualTo(400);
        assertThat(json(notOtlp).get("message").asText()).contains("resourceLogs must be an array");
        HttpResponse<byte[]> notObjects = post(otlp("application/json"), "{\"resourceLogs\":[1]}".getBytes(UTF_8));
        assertThat(notObjects.statusCode()).isEqualTo(400);
        assertThat(json(notObjects).get("message").asText()).contains("a resourceLogs element must be an object");
        assertThat(post(otlp("application/json"), "[]".getBytes(UTF_8)).statusCode()).isEqualTo(400);

        HttpResponse<byte[]> allBad = post(otlp(PROTOBUF), export(record("bad").setSpanId(ByteString.copyFrom(
                new byte[3])).build()).toByteArray());
        assertThat(allBad.statusCode()).as("every record refused: nothing stored").isEqualTo(400);
        assertThat(Status.of(allBad.body()).message()).contains("1 of 1 log record(s) refused");
        assertThat(producer.history()).isEmpty();
    }

    @Test
    void answers_401_403_413_415_429_and_503_with_retry_after_as_statuses() throws Exception {
        byte[] one = export(record("one").build()).toByteArray();
        HttpResponse<byte[]> noToken = post(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port()
                + "/v1/logs")).header("Content-Type", PROTOBUF), one);
        assertThat(noToken.statusCode()).isEqualTo(401);
        assertThat(Status.of(noToken.body()).code()).isEqualTo(16);

        HttpResponse<byte[]> forbidden = post(otlp(PROTOBUF).setHeader("Authorization", "Bearer " + WEB_ONLY), one);
        assertThat(forbidden.statusCode()).isEqualTo(403);
        assertThat(Status.of(forbidden.body()).code()).isEqualTo(7);
        HttpResponse<byte[]> web = post(otlp(PROTOBUF).setHeader("Authorization", "Bearer " + WEB_ONLY)
                .header("X-Ingest-Dataset", "web"), one);
        assertThat(web.statusCode()).as("the dataset header").isEqualTo(200);
        assertThat(batches()).extracting(b -> b.context().target()).containsExactly(new BatchTarget.Dataset("web"));

        HttpResponse<byte[]> big = post(otlp(PROTOBUF), export(record("x".repeat(MAX_REQUEST)).build()).toByteArray());
        assertThat(big.statusCode()).isEqualTo(413);
        assertThat(Status.of(big.body()).code()).isEqualTo(8);

        HttpResponse<byte[]> type = post(otlp("text/plain"), one);
        assertThat(type.statusCode()).isEqualTo(415);
        assertThat(json(type).get("message").asText()).contains("application/x-protobuf");

        byte[] two = export(record("one").build(), record("two").build()).toByteArray();
        assertThat(post(otlp(PROTOBUF).setHeader("Authorization", "Bearer " + LIMITED), two).statusCode())
                .isEqualTo(200);
        HttpResponse<byte[]> limited = post(otlp(PROTOBUF).setHeader("Authorization", "Bearer " + LIMITED), one);
        assertThat(limited.statusCode()).isEqualTo(429);
        assertThat(limited.headers().firstValue("Retry-After")).isPresent();
        assertThat(Status.of(limited.body()).code()).isEqualTo(8);

        gate.set((tokenId, targets) -> CompletableFuture.failedFuture(
                new DatasetGate.DatasetNotReadyException("dataset otlp is being created; retry", null)));
        HttpResponse<byte[]> late = post(otlp("application/json"), ("{\"resourceLogs\":[{\"scopeLogs\":[{"
                + "\"logRecords\":[{}]}]}]}").getBytes(UTF_8));
        assertThat(late.statusCode()).isEqualTo(503);
        assertThat(late.headers().firstValue("Retry-After")).isPresent();
        assertThat(json(late).get("code").asInt()).isEqualTo(14);
    }

    @Test
    void v1_logs_stays_baselimes_with_an_api_key_and_is_otlps_with_a_bearer_token_or_protobuf() throws Exception {
        HttpResponse<byte[]> baselime = post(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port()
                + "/v1/logs")).header("x-api-key", TOKEN).header("Content-Type", "application/json"),
                "[{\"message\":\"hi\"}]".getBytes(UTF_8));
        assertThat(baselime.statusCode()).isEqualTo(202);
        assertThat(json(baselime).get("message").asText()).isEqualTo("Request Accepted");
        assertThat(batches()).singleElement().satisfies(b -> {
            assertThat(b.context().dialect()).isEqualTo(Dialect.BASELIME);
            assertThat(b.context().target()).isEqualTo(new BatchTarget.Dataset("logs"));
        });

        HttpResponse<byte[]> noKey = post(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port()
                + "/v1/logs")).header("Content-Type", "application/json"), "[{\"message\":\"hi\"}]".getBytes(UTF_8));
        assertThat(noKey.statusCode()).isEqualTo(401);
        assertThat(json(noKey).get("message").asText()).as("Baselime's own 401").isEqualTo("Unauthorised");

        producer.clear();
        HttpResponse<byte[]> otlp = post(otlp("application/json"), ("{\"resourceLogs\":[{\"scopeLogs\":[{"
                + "\"logRecords\":[{\"body\":{\"stringValue\":\"hi\"}}]}]}]}").getBytes(UTF_8));
        assertThat(otlp.statusCode()).isEqualTo(200);
        assertThat(batches()).singleElement().satisfies(b -> {
            assertThat(b.context().dialect()).isEqualTo(Dialect.OTLP);
            assertThat(b.context().target()).isEqualTo(new BatchTarget.Dataset("otlp"));
        });

        HttpResponse<byte[]> protobufNoToken = post(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + app.port() + "/v1/logs")).header("Content-Type", PROTOBUF), export(record("a").build()).toByteArray());
        assertThat(protobufNoToken.statusCode()).isEqualTo(401);
        assertThat(Status.of(protobufNoToken.body()).code()).as("OTLP's 401").isEqualTo(16);

        HttpResponse<byte[]> otherDataset = post(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port()
                + "/v1/web")).header("Authorization", "Bearer " + TOKEN).header("Content-Type", PROTOBUF), new byte[0]);
        assertThat(otherDataset.statusCode()).as("only /v1/logs is OTLP's").isEqualTo(401);
    }

    @Test
    void nests_attribute_keys_at_their_dots_unless_the_path_is_taken_by_a_value_of_another_kind() throws Exception {
        LogRecord r = LogRecord.newBuilder()
                .addAttributes(attr("http", str("plain")))
                .addAttributes(attr("http.method", str("GET")))
                .addAttributes(attr("a.b", str("first")))
                .addAttributes(attr("a.b", str("second")))
                .addAttributes(attr(".lead", str("kept")))
                .addAttributes(attr("list", AnyValue.newBuilder().setArrayValue(ArrayValue.newBuilder()
                        .addValues(str("x"))).build()))
                .addAttributes(attr("map", AnyValue.newBuilder().setKvlistValue(KeyValueList.newBuilder()
                        .addValues(attr("k.v", str("whole")))).build()))
                .build();
        assertThat(post(otlp(PROTOBUF), export(r).toByteArray()).statusCode()).isEqualTo(200);
        JsonNode attributes = events().get(0).get("attributes");
        assertThat(attributes.toString()).isEqualTo("{\"http\":\"plain\",\"http.method\":\"GET\",\"a\":{\"b\":\"first\"},"
                + "\".lead\":\"kept\",\"list\":[\"x\"],\"map\":{\"k.v\":\"whole\"}}");
    }

    @Test
    void the_otlp_listener_takes_only_otlp_on_v1_logs_and_answers_other_paths_and_methods_with_a_status()
            throws Exception {
        String base = "http://127.0.0.1:" + otlpApp.port();
        HttpResponse<byte[]> ok = post(HttpRequest.newBuilder(URI.create(base + "/v1/logs"))
                .header("Authorization", "Bearer " + TOKEN).header("Content-Type", "application/json"),
                ("{\"resourceLogs\":[{\"scopeLogs\":[{\"logRecords\":[{\"body\":{\"stringValue\":\"hi\"}}]}]}]}")
                        .getBytes(UTF_8));
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(batches()).singleElement().satisfies(b -> assertThat(b.context().dialect()).isEqualTo(Dialect.OTLP));

        HttpResponse<byte[]> baselime = post(HttpRequest.newBuilder(URI.create(base + "/v1/logs"))
                .header("x-api-key", TOKEN).header("Content-Type", "application/json"),
                "[{\"message\":\"hi\"}]".getBytes(UTF_8));
        assertThat(baselime.statusCode()).as("no Baselime here: OTLP's 401").isEqualTo(401);
        assertThat(json(baselime).get("code").asInt()).isEqualTo(16);

        HttpResponse<byte[]> other = post(HttpRequest.newBuilder(URI.create(base + "/v1/traces"))
                .header("Content-Type", PROTOBUF), new byte[0]);
        assertThat(other.statusCode()).isEqualTo(404);
        assertThat(Status.of(other.body()).code()).isEqualTo(5);
        HttpResponse<byte[]> get = http.send(HttpRequest.newBuilder(URI.create(base + "/v1/logs")).GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(get.statusCode()).isEqualTo(405);
        assertThat(get.headers().firstValue("Allow")).contains("POST");
        assertThat(json(get).get("code").asInt()).isEqualTo(12);
        assertThat(batches()).hasSize(1);
    }

    private static ResourceLogs service(String name, String body) {
        return ResourceLogs.newBuilder().setResource(Resource.newBuilder().addAttributes(attr("service.name",
                str(name)))).addScopeLogs(ScopeLogs.newBuilder().addLogRecords(LogRecord.newBuilder()
                        .setBody(str(body)))).build();
    }

    @Test
    void a_request_naming_no_dataset_sends_each_resources_records_by_its_mapped_service_name() throws Exception {
        byte[] body = ExportLogsServiceRequest.newBuilder().addResourceLogs(service("billing", "b"))
                .addResourceLogs(service("unmapped", "u")).addResourceLogs(service("shop-web", "w")).build()
                .toByteArray();
        assertThat(post(otlp(PROTOBUF), body).statusCode()).isEqualTo(200);
        java.util.Map<String, String> datasetOf = new java.util.HashMap<>();
        for (RawBatch b : batches()) {
            RawBatch.forEachLine(b.payload(), (i, buf, off, len) -> datasetOf.put(
                    new String(buf, off, len, UTF_8).replaceAll(".*\"body\":\"(\\w)\".*", "$1"),
                    ((BatchTarget.Dataset) b.context().target()).name()));
        }
        assertThat(datasetOf).isEqualTo(java.util.Map.of("b", "billing", "u", "otlp", "w", "web"));

        producer.clear();
        assertThat(post(otlp(PROTOBUF).header("X-Ingest-Dataset", "chosen"), body).statusCode()).isEqualTo(200);
        assertThat(batches()).extracting(b -> b.context().target()).as("the header wins over the mapping")
                .containsOnly(new BatchTarget.Dataset("chosen"));
    }

    @Test
    void the_readmes_curl_example_is_stored_as_the_readme_shows() throws Exception {
        String body = """
                {"resourceLogs":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"checkout"}}]},
                       "scopeLogs":[{"scope":{"name":"com.example.Checkout","version":"1.0"},
                        "logRecords":[{"timeUnixNano":"1733356800123456789","severityNumber":13,"severityText":"WARN",
                          "body":{"stringValue":"payment retried"},
                          "attributes":[{"key":"http.request.method","value":{"stringValue":"POST"}},
                                        {"key":"order.id","value":{"intValue":"4711"}}],
                          "traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174","flags":1}]}]}]}""";
        HttpResponse<byte[]> r = post(otlp("application/json"), body.getBytes(UTF_8));

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(new String(r.body(), UTF_8)).isEqualTo("{}");
        assertThat(events()).singleElement().hasToString("{\"_time\":\"2024-12-05T00:00:00.123456789Z\","
                + "\"severity_number\":13,\"severity_text\":\"WARN\",\"body\":\"payment retried\","
                + "\"attributes\":{\"http\":{\"request\":{\"method\":\"POST\"}},\"order\":{\"id\":4711}},"
                + "\"trace_id\":\"5b8efff798038103d269b633813fc60c\",\"span_id\":\"eee19b7ec3c1b174\",\"flags\":1,"
                + "\"resource\":{\"service\":{\"name\":\"checkout\"}},"
                + "\"scope\":{\"name\":\"com.example.Checkout\",\"version\":\"1.0\"}}");
    }
}
