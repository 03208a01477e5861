package io.ingestline.edge;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.ByteString;
import io.ingestline.kafka.testkit.NodeClients;
import io.ingestline.kafka.testkit.TestKafka;
import io.ingestline.kafka.testkit.WithKafka;
import io.ingestline.model.Json;
import io.ingestline.model.RawBatch;
import io.ingestline.model.RawBatchCodec;
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
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.logs.SdkLoggerProvider;
import io.opentelemetry.sdk.logs.export.BatchLogRecordProcessor;
import io.opentelemetry.sdk.resources.Resource;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * The OpenTelemetry Java SDK's own OTLP/HTTP exporter, unmodified but for endpoint and headers, through a real edge
 * on a real broker: protobuf, plain and gzip; every record stored once with its attributes, resource and trace
 * context; a record with an invalid field reported in partial_success and the others stored.
 */
@WithKafka
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class OtlpExporterIT {
    private static final String TOKEN = "otlp-it-secret";
    private static final String TRACE_ID = "5b8efff798038103d269b633813fc60c";
    private static final String SPAN_ID = "eee19b7ec3c1b174";
    private static final int RECORDS = 50;

    private final String prefix = TestKafka.uniqueName("otlp") + ".";
    private TestKafka kafka;
    private EdgeServer edge;

    @BeforeAll
    void start(TestKafka kafka) {
        this.kafka = kafka;
        edge = EdgeServer.start(EdgeConfig.fromEnv(new HashMap<>(Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers(),
                "INGEST_TOPIC_PREFIX", prefix,
                "INGEST_HTTP_HOST", "127.0.0.1",
                "INGEST_HTTP_PORT", "0",
                "INGEST_OTLP_PORT", "0",
                "INGEST_ADMIN_PORT", "0",
                "INGEST_TOKENS", "it=" + TOKEN))));
    }

    @AfterAll
    void stop() {
        if (edge != null) {
            edge.close();
        }
    }

    /** The events published for a dataset, read to the end of the raw topic. */
    private List<JsonNode> published(String dataset) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : kafka.readToEnd(prefix + "raw")) {
            RawBatch b = RawBatchCodec.read(r.headers(), r.value());
            if (b.context().target().toString().contains("name=" + dataset + "]")) {
                List<String> lines = new ArrayList<>();
                RawBatch.forEachLine(b.payload(), (i, buf, off, len) -> lines.add(new String(buf, off, len, UTF_8)));
                for (String l : lines) {
                    out.add(Json.mapper().readTree(l));
                }
            }
        }
        return out;
    }

    /** Emits {@link #RECORDS} records through the SDK and flushes them: the export's result. */
    private boolean export(String dataset, String compression) {
        return export(edge.port(), dataset, compression);
    }

    private boolean export(int port, String dataset, String compression) {
        OtlpHttpLogRecordExporter exporter = OtlpHttpLogRecordExporter.builder()
                .setEndpoint("http://127.0.0.1:" + port + "/v1/logs")
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
                logger.logRecordBuilder().setContext(traced).setTimestamp(Instant.ofEpochSecond(1_733_356_800L, i))
                        .setSeverity(Severity.WARN).setSeverityText("WARN").setBody("order " + i)
                        .setAttribute(AttributeKey.longKey("order.id"), (long) i)
                        .setAttribute(AttributeKey.stringKey("http.method"), "POST")
                        .emit();
            }
            CompletableResultCode flushed = provider.forceFlush().join(30, TimeUnit.SECONDS);
            return flushed.isSuccess();
        } finally {
            provider.shutdown().join(30, TimeUnit.SECONDS);
        }
    }

    private void assertStoredOnce(String dataset) throws Exception {
        List<JsonNode> events = published(dataset);
        assertThat(events).hasSize(RECORDS);
        assertThat(events).extracting(e -> e.get("body").asText()).containsExactlyInAnyOrderElementsOf(
                java.util.stream.IntStream.range(0, RECORDS).mapToObj(i -> "order " + i).toList());
        for (JsonNode e : events) {
            int i = e.at("/attributes/order/id").asInt();
            assertThat(e.get("body").asText()).isEqualTo("order " + i);
            assertThat(e.get("_time").asText()).isEqualTo(java.time.Instant.ofEpochSecond(1_733_356_800L, i)
                    .toString());
            assertThat(e.get("severity_number").asInt()).isEqualTo(13);
            assertThat(e.get("severity_text").asText()).isEqualTo("WARN");
            assertThat(e.at("/attributes/http/method").asText()).isEqualTo("POST");
            assertThat(e.get("trace_id").asText()).isEqualTo(TRACE_ID);
            assertThat(e.get("span_id").asText()).isEqualTo(SPAN_ID);
            assertThat(e.get("flags").asInt()).isEqualTo(1);
            assertThat(e.at("/resource/service/name").asText()).isEqualTo("checkout");
            assertThat(e.at("/resource/deployment/environment").asText()).isEqualTo("it");
            assertThat(e.at("/resource/telemetry/sdk/language").asText()).isEqualTo("java");
            assertThat(e.at("/scope/name").asText()).isEqualTo("com.example.Checkout");
            assertThat(e.at("/scope/version").asText()).isEqualTo("0.9");
        }
    }

    @Test
    void the_java_sdk_exporter_sends_protobuf_and_every_record_is_stored_once() throws Exception {
        assertThat(export("otlp-java", "none")).isTrue();
        assertStoredOnce("otlp-java");
    }

    @Test
    void the_java_sdk_exporter_sends_gzip_protobuf_and_every_record_is_stored_once() throws Exception {
        assertThat(export("otlp-java-gzip", "gzip")).isTrue();
        assertStoredOnce("otlp-java-gzip");
    }

    @Test
    void the_java_sdk_exporter_sends_to_the_otlp_listener_and_every_record_is_stored_once() throws Exception {
        assertThat(edge.otlpPort()).isPositive().isNotEqualTo(edge.port());
        assertThat(export(edge.otlpPort(), "otlp-listener", "gzip")).isTrue();
        assertStoredOnce("otlp-listener");
    }

    /**
     * OpenTelemetry's JavaScript logs SDK and its OTLP/HTTP exporter (JSON), unmodified but for endpoint and headers,
     * from npm (versions locked in {@code src/test/node}); needs Node.js and npm, and fails without them.
     */
    @Test
    void the_javascript_sdk_exporter_sends_json_and_every_record_is_stored_once() throws Exception {
        Path dir = nodeClient();
        ProcessBuilder pb = new ProcessBuilder("node", "otlp-logs.js").directory(dir.toFile()).redirectErrorStream(true);
        pb.environment().put("OTLP_URL", "http://127.0.0.1:" + edge.otlpPort() + "/v1/logs");
        pb.environment().put("OTLP_TOKEN", TOKEN);
        pb.environment().put("OTLP_DATASET", "otlp-js");
        pb.environment().put("RECORDS", Integer.toString(RECORDS));
        String out = NodeClients.run(pb, Duration.ofSeconds(60));
        assertThat(out).contains("exported " + RECORDS);
        List<JsonNode> events = published("otlp-js");
        assertThat(events).hasSize(RECORDS);
        for (JsonNode e : events) {
            int i = e.at("/attributes/order/id").asInt();
            assertThat(e.get("body").asText()).isEqualTo("order " + i);
            assertThat(e.get("_time").asText()).isEqualTo(Instant.ofEpochSecond(1_733_356_800L, i).toString());
            assertThat(e.get("severity_number").asInt()).isEqualTo(13);
            assertThat(e.at("/attributes/http/method").asText()).isEqualTo("POST");
            assertThat(e.get("trace_id").asText()).isEqualTo(TRACE_ID);
            assertThat(e.get("span_id").asText()).isEqualTo(SPAN_ID);
            assertThat(e.at("/resource/service/name").asText()).isEqualTo("checkout-js");
            assertThat(e.at("/scope/name").asText()).isEqualTo("com.example.checkout-js");
        }
        assertThat(events).extracting(e -> e.at("/attributes/order/id").asInt()).doesNotHaveDuplicates();
    }

    /** The npm packages, installed once per build under target/ from the committed lock file. */
    private static Path nodeClient() throws Exception {
        return NodeClients.install(Path.of("src/test/node"), Path.of("target/node-otlp"), "@opentelemetry/sdk-logs");
    }

    @Test
    void a_record_with_an_invalid_trace_id_is_reported_in_partial_success_and_the_others_are_stored()
            throws Exception {
        ExportLogsServiceRequest request = ExportLogsServiceRequest.newBuilder().addResourceLogs(ResourceLogs
                .newBuilder().addScopeLogs(ScopeLogs.newBuilder()
                        .addLogRecords(LogRecord.newBuilder().setBody(AnyValue.newBuilder().setStringValue("a")))
                        .addLogRecords(LogRecord.newBuilder().setBody(AnyValue.newBuilder().setStringValue("bad"))
                                .setTraceId(ByteString.copyFrom(new byte[7])))
                        .addLogRecords(LogRecord.newBuilder().setBody(AnyValue.newBuilder().setStringValue("b")))))
                .build();
        HttpResponse<byte[]> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                "http://127.0.0.1:" + edge.port() + "/v1/logs")).header("Authorization", "Bearer " + TOKEN)
                .header("Content-Type", "application/x-protobuf").header("X-Ingest-Dataset", "otlp-partial")
                .POST(HttpRequest.BodyPublishers.ofByteArray(request.toByteArray())).build(),
                HttpResponse.BodyHandlers.ofByteArray());

        assertThat(r.statusCode()).isEqualTo(200);
        ExportLogsServiceResponse response = ExportLogsServiceResponse.parseFrom(r.body());
        assertThat(response.getPartialSuccess().getRejectedLogRecords()).isEqualTo(1);
        assertThat(response.getPartialSuccess().getErrorMessage()).contains("log record 1: invalid trace_id");
        assertThat(published("otlp-partial")).extracting(e -> e.get("body").asText()).containsExactly("a", "b");
    }
}
