package io.ingestline.local;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.status.Status;
import ch.qos.logback.ext.loggly.LogglyAppender;
import ch.qos.logback.ext.loggly.LogglyBatchAppender;
import com.azure.core.credential.AccessToken;
import com.azure.core.http.netty.NettyAsyncHttpClientBuilder;
import com.azure.monitor.ingestion.LogsIngestionClient;
import com.azure.monitor.ingestion.LogsIngestionClientBuilder;
import com.fasterxml.jackson.databind.JsonNode;
import io.ingestline.kafka.testkit.TestKafka;
import io.ingestline.kafka.testkit.WithKafka;
import io.ingestline.model.DatasetRecord;
import io.ingestline.model.Json;
import io.ingestline.model.Topics;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLSocketFactory;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import reactor.core.publisher.Mono;

/**
 * The dialects' official Java clients, from Maven Central and unmodified but for where they send, against the whole
 * pipeline over HTTPS: Azure's {@code azure-monitor-ingestion} and Loggly's Logback appenders. Every event they send
 * must be on its dataset topic exactly once. The edge's key is what certbot issues (EC P-256), stored encrypted with
 * its password in {@code INGEST_TLS_KEY_PASSWORD}.
 */
@WithKafka
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class OfficialClientsIT {
    private static final String TOKEN = "official-clients-secret";
    private static final String ADMIN = "official-clients-admin-token";
    private static final String DCR_ID = "dcr-00000000000000000000000000000001";
    private static final String STREAM = "Custom-MyTableRawData";
    private static final Pattern SEQ = Pattern.compile("(single|bulk)-\\d+");

    private final String prefix = TestKafka.uniqueName("clients") + ".";
    private final Topics topics = new Topics(prefix);
    private TestKafka kafka;
    private TestCertificate cert;
    private Pipeline pipeline;

    @BeforeAll
    void start(TestKafka kafka) throws Exception {
        this.kafka = kafka;
        Path dir = Files.createTempDirectory("ingest-clients");
        cert = TestCertificate.create(dir, "EC", "official clients' key password");
        assertThat(Files.readString(cert.keyFile())).startsWith("-----BEGIN ENCRYPTED PRIVATE KEY-----");
        pipeline = Pipeline.start(Map.ofEntries(
                Map.entry("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers()),
                Map.entry("INGEST_TOPIC_PREFIX", prefix),
                Map.entry("INGEST_HTTP_HOST", "127.0.0.1"),
                Map.entry("INGEST_HTTP_PORT", "-1"),
                Map.entry("INGEST_OTLP_PORT", "-1"),
                Map.entry("INGEST_VALIDATOR_HTTP_PORT", "0"),
                Map.entry("INGEST_SINK_HTTP_PORT", "0"),
                Map.entry("INGEST_QUERY_PORT", "-1"),
                Map.entry("INGEST_HTTPS_PORT", "0"),
                Map.entry("INGEST_TLS_CERT", cert.certFile().toString()),
                Map.entry("INGEST_TLS_KEY", cert.keyFile().toString()),
                Map.entry("INGEST_TLS_KEY_PASSWORD", cert.keyPassword()),
                Map.entry("INGEST_ADMIN_PORT", "0"),
                Map.entry("INGEST_ADMIN_TOKEN", ADMIN),
                Map.entry("INGEST_TOKENS", "clients=" + TOKEN),
                Map.entry("INGEST_DATA_DIR", dir.toString()),
                Map.entry("INGEST_VALIDATOR_APP_ID", TestKafka.uniqueName("validator")),
                Map.entry("INGEST_VALIDATOR_STATE_DIR", dir.resolve("validator").toString()),
                Map.entry("INGEST_SINK_GROUP", TestKafka.uniqueName("sink"))));
    }

    @AfterAll
    void stop() {
        if (pipeline != null) {
            pipeline.close();
        }
    }

    private String base() {
        return "https://127.0.0.1:" + pipeline.httpsPort();
    }

    @Test
    void azure_monitor_ingestion_uploads_thousands_of_events_in_chunks_and_each_lands_once() throws Exception {
        // The DCR as an operator would deploy it (Azure's tutorial shape, with a transformation), put through the admin API.
        String rule = """
                {"location":"eastus","properties":{
                  "streamDeclarations":{"Custom-MyTableRawData":{"columns":[
                    {"name":"TimeGenerated","type":"datetime"},{"name":"Computer","type":"string"},
                    {"name":"AdditionalContext","type":"dynamic"},{"name":"Seq","type":"long"}]}},
                  "destinations":{"logAnalytics":[{"workspaceResourceId":"/subscriptions/x","name":"la"}]},
                  "dataFlows":[{"streams":["Custom-MyTableRawData"],"destinations":["la"],
                    "transformKql":"source | where Seq >= 0 | extend Host = toupper(Computer) | project-away Computer",
                    "outputStream":"Custom-MyTable_CL"}]}}""";
        HttpResponse<String> put = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + pipeline.adminPort() + "/admin/v1/dcrs/" + DCR_ID))
                .header("Authorization", "Bearer " + ADMIN).PUT(HttpRequest.BodyPublishers.ofString(rule)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(put.statusCode()).as(put.body()).isEqualTo(200);

        SslContext trust = SslContextBuilder.forClient().trustManager(cert.certificate()).build();
        LogsIngestionClient client = new LogsIngestionClientBuilder()
                .endpoint(base())
                .credential(request -> Mono.just(new AccessToken(TOKEN, OffsetDateTime.now().plusHours(1))))
                .httpClient(new NettyAsyncHttpClientBuilder(reactor.netty.http.client.HttpClient.create()
                        .secure(spec -> spec.sslContext(trust))).build())
                .buildClient();

        // About 3 MB of JSON: the client splits it into requests of at most 1 MB before gzip.
        int count = 6_000;
        List<Object> logs = new ArrayList<>(count);
        Instant t0 = Instant.parse("2026-12-02T08:00:00Z");
        for (int i = 0; i < count; i++) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("TimeGenerated", t0.plusMillis(i).toString());
            e.put("Computer", "host-" + (i % 7));
            e.put("AdditionalContext", Map.of("seq", i, "note", "x".repeat(400)));
            e.put("Seq", i);
            e.put("NotDeclared", "dropped");
            logs.add(e);
        }
        client.upload(DCR_ID, STREAM, logs);
        assertThat(requests("azure", 204)).as("the client split its upload").isGreaterThanOrEqualTo(3);

        Map<Long, JsonNode> landed = readOnce(topics.dataset("MyTable_CL"), count, e -> e.get("Seq").asLong());
        assertThat(landed).hasSize(count);
        JsonNode first = landed.get(0L);
        assertThat(first.get("_time").asText()).isEqualTo("2026-12-02T08:00:00Z");
        assertThat(first.get("Host").asText()).as("the DCR's transformation ran").isEqualTo("HOST-0");
        assertThat(first.has("Computer")).isFalse();
        assertThat(first.get("AdditionalContext").get("note").asText()).hasSize(400);
        assertThat(first.has("NotDeclared")).as("a column the stream does not declare is dropped").isFalse();
    }

    @Test
    void loggly_logback_appenders_post_through_inputs_and_bulk_and_each_event_lands_once() throws Exception {
        SSLSocketFactory before = HttpsURLConnection.getDefaultSSLSocketFactory();
        // The appenders use HttpsURLConnection: trust the edge's certificate the way a JVM would be configured to.
        HttpsURLConnection.setDefaultSSLSocketFactory(cert.trustingContext().getSocketFactory());
        LoggerContext context = new LoggerContext();
        int single = 150;
        int bulk = 3_000;
        try {
            LogglyAppender<ILoggingEvent> inputs = new LogglyAppender<>();
            inputs.setContext(context);
            inputs.setEndpointUrl(base() + "/inputs/" + TOKEN + "/tag/logback,inputs/");
            inputs.setPattern("{\"message\":\"%m\",\"level\":\"%level\",\"logger\":\"%logger\"}");
            // Its default of one second to read the answer is less than a loaded CI machine may take, and on that
            // timeout HttpURLConnection silently sends the POST again (sun.net.http.retryPost): a second copy, seen
            // once in CI. A client's own retry is not ours to drop (the appender sends no request id).
            inputs.setHttpReadTimeoutInMillis(30_000);
            inputs.start();

            LogglyBatchAppender<ILoggingEvent> batch = new LogglyBatchAppender<>();
            batch.setContext(context);
            batch.setEndpointUrl(base() + "/bulk/" + TOKEN + "/tag/logback,bulk/");
            batch.setPattern("%level %logger - %m%n");
            batch.setFlushIntervalInSeconds(1);
            batch.setMaxBucketSizeInKilobytes(32);
            batch.setMaxNumberOfBuckets(64);
            // Its default of one second to read the answer is less than a loaded CI machine may take.
            batch.setConnReadTimeoutSeconds(30);
            batch.setJmxMonitoring(false);
            batch.start();

            Logger one = context.getLogger("app.single");
            one.addAppender(inputs);
            Logger many = context.getLogger("app.bulk");
            many.addAppender(batch);
            for (int i = 0; i < single; i++) {
                one.info("single-{}", i);
            }
            for (int i = 0; i < bulk; i++) {
                many.warn("bulk-{} {}", i, "y".repeat(60));
            }
            batch.stop();
            inputs.stop();
        } finally {
            HttpsURLConnection.setDefaultSSLSocketFactory(before);
        }
        List<Status> errors = context.getStatusManager().getCopyOfStatusList().stream()
                .filter(s -> s.getEffectiveLevel() >= Status.WARN).toList();
        assertThat(errors).as("the appenders reported no failure").isEmpty();
        assertThat(requests("loggly", 200)).as("one post per single event, several bulk posts")
                .isGreaterThanOrEqualTo(single + 3);

        List<JsonNode> resent = new ArrayList<>();
        Map<String, JsonNode> landed = readOnce(topics.dataset("loggly"), single + bulk,
                e -> {
                    Matcher m = SEQ.matcher(e.get("message").asText());
                    return m.find() ? m.group() : e.get("message").asText();
                }, resent);
        // A copy with an id of its own came in a request of its own (an event's id is its request's batch id and its
        // line): HttpURLConnection sends a POST again when reading its answer fails with an I/O error
        // (sun.net.http.retryPost; seen twice in CI, with a 30 s read timeout). Only single events may be such
        // copies, and the edge's count of answered requests must leave room for them (a lower bound: the bulk
        // appender's posts are not counted apart); a copy with the same id is the pipeline's own duplicate, and fails.
        assertThat(resent).as("copies sent again, single events only").allMatch(e -> e.get("message").asText()
                .startsWith("single-"));
        assertThat(requests("loggly", 200)).as("a request for each copy sent again")
                .isGreaterThanOrEqualTo(single + 3 + resent.size());
        for (int i = 0; i < single; i++) {
            JsonNode e = landed.get("single-" + i);
            assertThat(e).as("single-" + i).isNotNull();
            assertThat(e.get("level").asText()).isEqualTo("INFO");
            assertThat(e.get("tags")).extracting(JsonNode::asText).containsExactly("logback", "inputs");
        }
        for (int i = 0; i < bulk; i++) {
            JsonNode e = landed.get("bulk-" + i);
            assertThat(e).as("bulk-" + i).isNotNull();
            assertThat(e.get("tags")).extracting(JsonNode::asText).containsExactly("logback", "bulk");
        }
    }

    /** The edge's count of answered requests of a dialect with a status, from its Prometheus endpoint (admin port). */
    private double requests(String dialect, int status) throws Exception {
        String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + pipeline.adminPort() + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
        String series = "ingest_requests_total{dialect=\"" + dialect + "\",status=\"" + status + "\"} ";
        return metrics.lines().filter(l -> l.startsWith(series))
                .mapToDouble(l -> Double.parseDouble(l.substring(series.length()).trim())).sum();
    }

    /**
     * Reads the dataset topic (committed records only) until {@code expected} events are there, then a little longer
     * to catch extras; fails on any event seen twice.
     */
    private <K> Map<K, JsonNode> readOnce(String topic, int expected, Function<JsonNode, K> keyOf) throws Exception {
        return readOnce(topic, expected, keyOf, null);
    }

    /**
     * {@link #readOnce(String, int, Function)}, where a second copy of an event with an {@code _id} of its own (a
     * second request: the client sent it again) is put in {@code resent} (null: it fails too); a second copy with the
     * same {@code _id} always fails.
     */
    private <K> Map<K, JsonNode> readOnce(String topic, int expected, Function<JsonNode, K> keyOf,
            List<JsonNode> resent) throws Exception {
        Map<K, JsonNode> seen = new HashMap<>();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, TestKafka.uniqueName("reader"),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.METADATA_MAX_AGE_CONFIG, 1000,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            c.subscribe(List.of(topic));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            long settle = Long.MAX_VALUE;
            while (System.nanoTime() < Math.min(deadline, settle)) {
                List<ConsumerRecord<byte[], byte[]>> polled = new ArrayList<>();
                c.poll(Duration.ofMillis(200)).forEach(polled::add);
                for (ConsumerRecord<byte[], byte[]> r : DatasetRecord.events(polled)) {
                    JsonNode e = Json.mapper().readTree(r.value());
                    K key = keyOf.apply(e);
                    JsonNode before = seen.putIfAbsent(key, e);
                    if (before != null && resent != null && !before.get("_id").equals(e.get("_id"))) {
                        System.out.println("OfficialClientsIT: sent again by the client, stored as its own event: " + e
                                + " (first " + before + ")");
                        resent.add(e);
                        continue;
                    }
                    // both copies named: the same _id is the pipeline's duplicate, two ids two requests (a resend)
                    assertThat(before).as("event %s seen twice: again at %s-%d@%d as %s, first %s", key, r.topic(),
                            r.partition(), r.offset(), e, before).isNull();
                }
                if (seen.size() >= expected && settle == Long.MAX_VALUE) {
                    settle = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
                }
            }
        }
        assertThat(seen).as("events on " + topic).hasSize(expected);
        return seen;
    }
}
