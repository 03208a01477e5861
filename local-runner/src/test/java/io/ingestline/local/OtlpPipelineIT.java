package io.ingestline.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.ingestline.kafka.testkit.NodeClients;
import io.ingestline.kafka.testkit.TestKafka;
import io.ingestline.kafka.testkit.WithKafka;
import io.ingestline.model.Json;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.logs.Logger;
import io.opentelemetry.api.logs.Severity;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Context;
import io.opentelemetry.exporter.otlp.http.logs.OtlpHttpLogRecordExporter;
import io.opentelemetry.sdk.logs.SdkLoggerProvider;
import io.opentelemetry.sdk.logs.export.BatchLogRecordProcessor;
import io.opentelemetry.sdk.resources.Resource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * OpenTelemetry's official log exporters, unmodified but for endpoint and headers, through the whole pipeline (edge's
 * OTLP listener, validator, file sink on a real broker), checked on the files the sink stored: the Java SDK's
 * {@code OtlpHttpLogRecordExporter} (protobuf, plain and gzip) and the JavaScript SDK's {@code exporter-logs-otlp-http}
 * (JSON) through {@code @opentelemetry/sdk-logs}, run from the edge's client directory
 * ({@code edge-api/src/test/node}, versions locked). Every record is stored once (each carries its own
 * {@code order.id}) with time, severity, body, attributes, resource, scope and trace context as the README's mapping
 * says; a record with an invalid trace id is named in {@code partial_success} and stored nowhere, the others are.
 */
@WithKafka
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class OtlpPipelineIT {
    private static final String TOKEN = "otlp-pipeline-secret";
    private static final String TRACE_ID = "5b8efff798038103d269b633813fc60c";
    private static final String SPAN_ID = "eee19b7ec3c1b174";
    private static final long EPOCH_SECOND = 1_733_356_800L;
    private static final int RECORDS = 50;

    private final HttpClient http = HttpClient.newHttpClient();
    private final String prefix = TestKafka.uniqueName("otlp-e2e") + ".";
    private Path dataDir;
    private Pipeline pipeline;

    @BeforeAll
    void start(TestKafka kafka) throws Exception {
        dataDir = Files.createTempDirectory("ingest-otlp");
        pipeline = Pipeline.start(Map.ofEntries(
                Map.entry("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers()),
                Map.entry("INGEST_TOPIC_PREFIX", prefix),
                Map.entry("INGEST_HTTP_HOST", "127.0.0.1"),
                Map.entry("INGEST_HTTP_PORT", "0"),
                Map.entry("INGEST_OTLP_PORT", "0"),
                Map.entry("INGEST_VALIDATOR_HTTP_PORT", "0"),
                Map.entry("INGEST_SINK_HTTP_PORT", "0"),
                Map.entry("INGEST_QUERY_PORT", "-1"),
                Map.entry("INGEST_TOKENS", "otlp=" + TOKEN),
                Map.entry("INGEST_DATA_DIR", dataDir.toString()),
                Map.entry("INGEST_VALIDATOR_APP_ID", TestKafka.uniqueName("validator")),
                Map.entry("INGEST_VALIDATOR_STATE_DIR", dataDir.resolve("validator").toString()),
                Map.entry("INGEST_SINK_GROUP", TestKafka.uniqueName("sink")),
                Map.entry("INGEST_SINK_FLUSH_MS", "200"),
                Map.entry("KAFKA_CONSUMER_METADATA_MAX_AGE_MS", "1000")));
    }

    @AfterAll
    void stop() {
        if (pipeline != null) {
            pipeline.close();
        }
    }

    private String endpoint() {
        return "http://127.0.0.1:" + pipeline.otlpPort() + "/v1/logs";
    }

    @Test
    void the_java_sdk_exporter_sends_protobuf_and_every_record_is_stored_once() {
        exportWithJavaSdk("otlp-java", "none");
        assertJavaRecordsStoredOnce("otlp-java");
    }

    @Test
    void the_java_sdk_exporter_sends_gzip_protobuf_and_every_record_is_stored_once() {
        exportWithJavaSdk("otlp-java-gzip", "gzip");
        assertJavaRecordsStoredOnce("otlp-java-gzip");
    }

    /** Needs Node.js and npm (and the npm registry or a warm npm cache); fails without them. */
    @Test
    void the_javascript_sdk_exporter_sends_json_and_every_record_is_stored_once() throws Exception {
        Path dir = NodeClients.install(Path.of("../edge-api/src/test/node"), Path.of("target/node-otlp"),
                "@opentelemetry/sdk-logs");
        ProcessBuilder pb = new ProcessBuilder("node", "otlp-logs.js").directory(dir.toFile());
        pb.environment().put("OTLP_URL", endpoint());
        pb.environment().put("OTLP_TOKEN", TOKEN);
        pb.environment().put("OTLP_DATASET", "otlp-js");
        pb.environment().put("RECORDS", Integer.toString(RECORDS));
        assertThat(NodeClients.run(pb, Duration.ofSeconds(60))).contains("exported " + RECORDS);

        for (JsonNode e : storedOnce("otlp-js", RECORDS).values()) {
            assertRecord(e, "checkout-js", "com.example.checkout-js");
        }
    }

    @Test
    void a_record_with_an_invalid_trace_id_is_reported_in_partial_success_and_the_others_are_stored() throws Exception {
        String record = """
                {"timeUnixNano":"%d","severityNumber":13,"body":{"stringValue":"%s"},
                 "attributes":[{"key":"order.id","value":{"intValue":"%d"}}],"traceId":"%s","spanId":"%s"}""";
        String body = """
                {"resourceLogs":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"partial"}}]},
                 "scopeLogs":[{"scope":{"name":"partial"},"logRecords":[%s,%s,%s]}]}]}""".formatted(
                record.formatted(EPOCH_SECOND * 1_000_000_000L, "order 0", 0, TRACE_ID, SPAN_ID),
                record.formatted(EPOCH_SECOND * 1_000_000_000L + 1, "bad trace id", 1, "5b8efff798", SPAN_ID),
                record.formatted(EPOCH_SECOND * 1_000_000_000L + 2, "order 2", 2, TRACE_ID, SPAN_ID));
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(endpoint()))
                .header("Authorization", "Bearer " + TOKEN).header("Content-Type", "application/json")
                .header("X-Ingest-Dataset", "otlp-partial").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode partial = Json.mapper().readTree(r.body()).get("partialSuccess");
        assertThat(partial.get("rejectedLogRecords").asLong()).isEqualTo(1);
        assertThat(partial.get("errorMessage").asText()).contains("log record 1: invalid trace_id");
        Map<Integer, JsonNode> stored = storedOnce("otlp-partial", 2);
        assertThat(stored.keySet()).containsExactlyInAnyOrder(0, 2);
        assertThat(stored.get(2).get("body").asText()).isEqualTo("order 2");
        assertThat(stored.get(2).get("trace_id").asText()).isEqualTo(TRACE_ID);
        // refused at the edge: not in any dataset, dead letters included
        assertThat(allStoredBodies()).doesNotContain("bad trace id");
    }

    /** Emits {@link #RECORDS} records through the Java SDK and its exporter, and flushes them. */
    private void exportWithJavaSdk(String dataset, String compression) {
        OtlpHttpLogRecordExporter exporter = OtlpHttpLogRecordExporter.builder()
                .setEndpoint(endpoint())
                .addHeader("Authorization", "Bearer " + TOKEN)
                .addHeader("X-Ingest-Dataset", dataset)
                .setCompression(compression)
                .build();
        SdkLoggerProvider provider = SdkLoggerProvider.builder()
                .setResource(Resource.getDefault().merge(Resource.create(Attributes.of(
                        AttributeKey.stringKey("service.name"), "checkout",
                        AttributeKey.stringKey("deployment.environment"), "it"))))
                .addLogRecordProcessor(BatchLogRecordProcessor.builder(exporter).setMaxExportBatchSize(20).build())
                .build();
        try {
            Logger logger = provider.loggerBuilder("com.example.Checkout").setInstrumentationVersion("0.9").build();
            Context traced = Context.root().with(Span.wrap(SpanContext.create(TRACE_ID, SPAN_ID,
                    TraceFlags.getSampled(), TraceState.getDefault())));
            for (int i = 0; i < RECORDS; i++) {
                logger.logRecordBuilder().setContext(traced).setTimestamp(Instant.ofEpochSecond(EPOCH_SECOND, i))
                        .setSeverity(Severity.WARN).setSeverityText("WARN").setBody("order " + i)
                        .setAttribute(AttributeKey.longKey("order.id"), (long) i)
                        .setAttribute(AttributeKey.stringKey("http.method"), "POST")
                        .setAttribute(AttributeKey.booleanKey("cache.hit"), i % 2 == 0)
                        .setAttribute(AttributeKey.doubleKey("latency.ms"), i + 0.5)
                        .setAttribute(AttributeKey.stringArrayKey("tags"), List.of("a", "b"))
                        .emit();
            }
            assertThat(provider.forceFlush().join(30, TimeUnit.SECONDS).isSuccess()).as("exported").isTrue();
        } finally {
            provider.shutdown().join(30, TimeUnit.SECONDS);
        }
    }

    private void assertJavaRecordsStoredOnce(String dataset) {
        for (Map.Entry<Integer, JsonNode> stored : storedOnce(dataset, RECORDS).entrySet()) {
            int i = stored.getKey();
            JsonNode e = stored.getValue();
            assertRecord(e, "checkout", "com.example.Checkout");
            assertThat(e.at("/attributes/cache/hit").isBoolean()).isTrue();
            assertThat(e.at("/attributes/cache/hit").asBoolean()).isEqualTo(i % 2 == 0);
            assertThat(e.at("/attributes/latency/ms").asDouble()).isEqualTo(i + 0.5);
            assertThat(e.at("/attributes/tags")).extracting(JsonNode::asText).containsExactly("a", "b");
            assertThat(e.at("/resource/telemetry/sdk/language").asText()).isEqualTo("java");
            assertThat(Instant.parse(e.path("observed_time").asText())).isAfter(Instant.ofEpochSecond(EPOCH_SECOND));
        }
    }

    /** What both SDKs were given for record {@code order.id}, as the README's mapping table stores it. */
    private static void assertRecord(JsonNode e, String service, String scope) {
        int i = e.at("/attributes/order/id").asInt();
        assertThat(e.at("/attributes/order/id").isIntegralNumber()).as("an integer attribute is a number").isTrue();
        assertThat(e.path("_time").asText()).isEqualTo(Instant.ofEpochSecond(EPOCH_SECOND, i).toString());
        assertThat(e.path("severity_number").asInt()).isEqualTo(13);
        assertThat(e.path("severity_text").asText()).isEqualTo("WARN");
        assertThat(e.path("body").asText()).isEqualTo("order " + i);
        assertThat(e.at("/attributes/http/method").asText()).isEqualTo("POST");
        assertThat(e.has("attributes.http.method")).isFalse();
        assertThat(e.path("trace_id").asText()).isEqualTo(TRACE_ID);
        assertThat(e.path("span_id").asText()).isEqualTo(SPAN_ID);
        assertThat(e.path("flags").asInt()).as("sampled").isEqualTo(1);
        assertThat(e.at("/resource/service/name").asText()).isEqualTo(service);
        assertThat(e.at("/resource/deployment/environment").asText()).isEqualTo("it");
        assertThat(e.at("/scope/name").asText()).isEqualTo(scope);
        assertThat(e.at("/scope/version").asText()).isEqualTo("0.9");
    }

    /**
     * The dataset's stored events by their {@code order.id}, once {@code expected} are in visible files and a few of the
     * sink's flushes later (to catch a copy); fails on an id stored twice or on more events than expected.
     */
    private Map<Integer, JsonNode> storedOnce(String dataset, int expected) {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> StoredEvents.read(dataDir, dataset).size() >= expected);
        try {
            Thread.sleep(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        List<JsonNode> events = StoredEvents.read(dataDir, dataset);
        assertThat(events).extracting(e -> e.at("/attributes/order/id").asInt()).as("order.id of each stored event")
                .doesNotHaveDuplicates().hasSize(expected);
        Map<Integer, JsonNode> byId = new TreeMap<>();
        events.forEach(e -> byId.put(e.at("/attributes/order/id").asInt(), e));
        if (expected == RECORDS) {
            assertThat(byId.keySet()).containsExactlyElementsOf(IntStream.range(0, RECORDS).boxed().toList());
        }
        return byId;
    }

    /** The bodies of every event stored in any dataset. */
    private List<String> allStoredBodies() {
        try (Stream<Path> datasets = Files.list(dataDir.resolve("datasets"))) {
            return datasets.map(d -> d.getFileName().toString().substring("dataset=".length()))
                    .flatMap(d -> StoredEvents.read(dataDir, d).stream())
                    .map(e -> e.path("body").asText()).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
