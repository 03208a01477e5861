package io.ingestline.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.ingestline.kafka.testkit.TestKafka;
import io.ingestline.kafka.testkit.WithKafka;
import io.ingestline.model.IngestHeaders;
import io.ingestline.model.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/** HTTP in, files out, through a real broker and all three services. */
@WithKafka
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class EndToEndIT {
    private static final String TOKEN = "e2e-secret";

    private final HttpClient http = HttpClient.newHttpClient();
    private final String prefix = TestKafka.uniqueName("e2e") + ".";
    private Path dataDir;
    private Pipeline pipeline;
    private TestKafka kafka;

    @BeforeAll
    void start(TestKafka kafka) throws Exception {
        this.kafka = kafka;
        dataDir = Files.createTempDirectory("ingest-e2e");
        pipeline = Pipeline.start(Map.ofEntries(
                Map.entry("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers()),
                Map.entry("INGEST_TOPIC_PREFIX", prefix),
                Map.entry("INGEST_HTTP_HOST", "127.0.0.1"),
                Map.entry("INGEST_HTTP_PORT", "0"),
                Map.entry("INGEST_OTLP_PORT", "-1"),
                Map.entry("INGEST_VALIDATOR_HTTP_PORT", "0"),
                Map.entry("INGEST_SINK_HTTP_PORT", "0"),
                Map.entry("INGEST_QUERY_PORT", "-1"),
                Map.entry("INGEST_TOKENS", "e2e=" + TOKEN),
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

    private HttpResponse<String> ingest(String dataset, String body) throws Exception {
        return http.send(request(dataset, body), HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest request(String dataset, String body) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + pipeline.httpPort() + "/v1/datasets/" + dataset + "/ingest"))
                .header("Authorization", "Bearer " + TOKEN)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
    }

    @Test
    void two_events_posted_are_stored_once_each_with_time_and_id() throws Exception {
        HttpResponse<String> r = ingest("quickstart",
                "[{\"msg\":\"hello\",\"_time\":\"2026-11-23T10:00:00Z\"},{\"msg\":\"world\",\"level\":\"info\"}]");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(Json.mapper().readTree(r.body()).get("ingested").asInt()).isEqualTo(2);
        await().atMost(Duration.ofSeconds(60)).until(() -> StoredEvents.read(dataDir, "quickstart").size() >= 2);
        List<JsonNode> stored = StoredEvents.read(dataDir, "quickstart");
        assertThat(stored).hasSize(2);
        assertThat(stored).extracting(e -> e.get("msg").asText()).containsExactlyInAnyOrder("hello", "world");
        assertThat(stored).extracting(e -> e.get("_id").asText()).doesNotHaveDuplicates();
        JsonNode hello = stored.stream().filter(e -> e.get("msg").asText().equals("hello")).findFirst().orElseThrow();
        assertThat(hello.get("_time").asText()).isEqualTo("2026-11-23T10:00:00Z");
        assertThat(dataDir.resolve("datasets/dataset=quickstart/date=2026-11-23/hour=10")).isDirectory();
        JsonNode world = stored.stream().filter(e -> e.get("msg").asText().equals("world")).findFirst().orElseThrow();
        assertThat(world.get("level").asText()).isEqualTo("info");
        assertThat(world.get("_time").asText()).isNotEmpty();
    }

    @Test
    void concurrent_requests_land_exactly_once_and_bad_events_are_reported_alone() throws Exception {
        int requests = 20;
        int perRequest = 50;
        List<CompletableFuture<HttpResponse<String>>> sent = new ArrayList<>();
        for (int r = 0; r < requests; r++) {
            StringBuilder body = new StringBuilder("[");
            for (int i = 0; i < perRequest; i++) {
                body.append(i == 0 ? "" : ",").append("{\"seq\":").append(r * perRequest + i)
                        .append(",\"service\":\"checkout\",\"level\":\"info\"}");
            }
            if (r == 0) {
                body.append(", \"not an object\", {\"seq\":-1,\"_time\":\"not a time\"}");
            }
            sent.add(http.sendAsync(request("bulk", body.append("]").toString()), HttpResponse.BodyHandlers.ofString()));
        }
        int ingested = 0;
        int failed = 0;
        for (CompletableFuture<HttpResponse<String>> f : sent) {
            HttpResponse<String> r = f.get(60, TimeUnit.SECONDS);
            assertThat(r.statusCode()).isEqualTo(200);
            JsonNode body = Json.mapper().readTree(r.body());
            ingested += body.get("ingested").asInt();
            failed += body.get("failed").asInt();
        }
        // The edge refuses the string and the event whose time cannot be read; the others land.
        assertThat(ingested).isEqualTo(requests * perRequest);
        assertThat(failed).isEqualTo(2);

        int expected = requests * perRequest;
        await().atMost(Duration.ofSeconds(60)).until(() -> StoredEvents.read(dataDir, "bulk").size() >= expected);
        List<JsonNode> stored = StoredEvents.read(dataDir, "bulk");
        assertThat(stored).hasSize(expected);
        Set<Integer> seqs = stored.stream().map(e -> e.get("seq").asInt()).collect(Collectors.toSet());
        assertThat(seqs).hasSize(expected).allMatch(s -> s >= 0 && s < expected);
        assertThat(stored).extracting(e -> e.get("_id").asText()).doesNotHaveDuplicates();
    }

    @Test
    void a_request_retried_with_the_same_idempotency_key_is_stored_once() throws Exception {
        String body = "[{\"try\":\"first\"},{\"try\":\"second\"}]";
        HttpRequest first = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + pipeline.httpPort()
                        + "/v1/datasets/retried/ingest")).header("Authorization", "Bearer " + TOKEN)
                .header("Content-Type", "application/json").header("Idempotency-Key", "order-42")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        assertThat(http.send(first, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
        assertThat(http.send(first, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
        HttpRequest other = HttpRequest.newBuilder(first.uri()).header("Authorization", "Bearer " + TOKEN)
                .header("Content-Type", "application/json").header("Idempotency-Key", "order-43")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        assertThat(http.send(other, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);

        // the validator counts the retry it dropped: once it has, the events of both requests are all there are
        URI metrics = URI.create("http://127.0.0.1:" + pipeline.validatorStatusPort() + "/metrics");
        await().atMost(Duration.ofSeconds(60)).until(() -> http.send(HttpRequest.newBuilder(metrics).build(),
                HttpResponse.BodyHandlers.ofString()).body().contains("validator_duplicate_batches_total 1.0"));
        await().atMost(Duration.ofSeconds(60)).until(() -> StoredEvents.read(dataDir, "retried").size() >= 4);
        Thread.sleep(1000);
        assertThat(StoredEvents.read(dataDir, "retried")).extracting(e -> e.get("try").asText())
                .containsExactlyInAnyOrder("first", "second", "first", "second");
    }

    @Test
    void a_raw_record_that_breaks_the_contract_reaches_the_dead_letters_with_its_bytes_and_reason() throws Exception {
        try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()), new ByteArraySerializer(),
                new ByteArraySerializer())) {
            p.send(new ProducerRecord<>(prefix + "raw", "k".getBytes(StandardCharsets.UTF_8),
                    "{\"no\":\"headers\"}\n".getBytes(StandardCharsets.UTF_8))).get(30, TimeUnit.SECONDS);
        }

        ConsumerRecord<byte[], byte[]> dead = readDeadLetter();
        assertThat(new String(dead.value(), StandardCharsets.UTF_8)).isEqualTo("{\"no\":\"headers\"}\n");
        assertThat(IngestHeaders.get(dead.headers(), IngestHeaders.DLQ_STAGE)).isEqualTo("contract");
        assertThat(IngestHeaders.get(dead.headers(), IngestHeaders.DLQ_ERROR_MESSAGE)).contains("contract version");
    }

    private ConsumerRecord<byte[], byte[]> readDeadLetter() {
        List<ConsumerRecord<byte[], byte[]>> dead = kafka.read(List.of(prefix + "deadletter"), got -> !got.isEmpty(),
                Duration.ofSeconds(30));
        assertThat(dead).as("a dead letter within 30 s").isNotEmpty();
        return dead.get(0);
    }
}
