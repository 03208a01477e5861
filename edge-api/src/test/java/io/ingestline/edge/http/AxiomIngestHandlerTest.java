package io.ingestline.edge.http;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.ingestline.edge.auth.StaticToken;
import io.ingestline.edge.auth.TokenAuthenticator;
import io.ingestline.edge.kafka.RawBatchPublisher;
import io.ingestline.model.IngestHeaders;
import io.ingestline.model.Json;
import io.ingestline.model.RawBatch;
import io.ingestline.model.RawBatchCodec;
import io.javalin.Javalin;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class AxiomIngestHandlerTest {
    private static final String TOKEN = "s3cret-token";
    private static final int MAX_REQUEST = 64 * 1024;
    private static final int MAX_RECORD = 1024;

    private final HttpClient http = HttpClient.newHttpClient();
    private MockProducer<byte[], byte[]> producer;
    private Javalin app;

    @BeforeEach
    void start() {
        startWith(true);
    }

    private void startWith(boolean autoComplete) {
        if (app != null) {
            app.stop();
        }
        producer = new MockProducer<>(autoComplete, null, new ByteArraySerializer(), new ByteArraySerializer());
        RawBatchPublisher publisher = new RawBatchPublisher(producer, "raw");
        AxiomIngestHandler axiom = new AxiomIngestHandler(new TokenAuthenticator(List.of(StaticToken.of("ci", TOKEN))),
                publisher, MAX_REQUEST, MAX_RECORD, Duration.ofSeconds(2));
        app = EdgeApi.create(axiom, new HealthHandler(() -> true), MAX_REQUEST).start("127.0.0.1", 0);
    }

    @AfterEach
    void stop() {
        app.stop();
    }

    private HttpRequest.Builder ingest(String dataset) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + "/v1/datasets/" + dataset + "/ingest"))
                .header("Authorization", "Bearer " + TOKEN);
    }

    private HttpResponse<String> send(HttpRequest request) throws Exception {
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(HttpResponse<String> r) throws Exception {
        return Json.mapper().readTree(r.body());
    }

    private List<String> publishedEvents() {
        List<String> out = new ArrayList<>();
        for (ProducerRecord<byte[], byte[]> r : producer.history()) {
            RawBatch b = RawBatchCodec.read(r.headers(), r.value());
            RawBatch.forEachLine(b.payload(), (i, buf, off, len) -> out.add(new String(buf, off, len, UTF_8)));
        }
        return out;
    }

    @Test
    void accepts_a_json_array_and_answers_in_axiom_shape_after_publishing() throws Exception {
        HttpResponse<String> r = send(ingest("web").POST(HttpRequest.BodyPublishers.ofString(
                "[{\"msg\":\"a\"}, {\"msg\":\"b\", \"n\": {\"x\": [1, 2.50]}}]")).build());

        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode body = json(r);
        assertThat(body.get("ingested").asInt()).isEqualTo(2);
        assertThat(body.get("failed").asInt()).isZero();
        assertThat(body.get("failures")).isEmpty();
        assertThat(body.has("processedBytes")).isTrue();
        assertThat(body.has("blocksCreated")).isTrue();
        assertThat(body.has("walLength")).isTrue();
        assertThat(publishedEvents()).containsExactly("{\"msg\":\"a\"}", "{\"msg\":\"b\",\"n\":{\"x\":[1,2.50]}}");
        ProducerRecord<byte[], byte[]> record = producer.history().get(0);
        assertThat(IngestHeaders.get(record.headers(), IngestHeaders.DATASET)).isEqualTo("web");
        assertThat(IngestHeaders.get(record.headers(), IngestHeaders.TOKEN)).isEqualTo("ci");
        assertThat(IngestHeaders.get(record.headers(), IngestHeaders.DIALECT)).isEqualTo("axiom");
    }

    @Test
    void accepts_a_single_object() throws Exception {
        HttpResponse<String> r = send(ingest("web").POST(HttpRequest.BodyPublishers.ofString("{\"msg\":\"one\"}")).build());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(json(r).get("ingested").asInt()).isEqualTo(1);
        assertThat(publishedEvents()).containsExactly("{\"msg\":\"one\"}");
    }

    @Test
    void reports_bad_events_and_still_ingests_the_rest() throws Exception {
        String big = "{\"pad\":\"" + "x".repeat(MAX_RECORD) + "\"}";
        HttpResponse<String> r = send(ingest("web").POST(HttpRequest.BodyPublishers.ofString(
                "[{\"ok\":1}, 42, \"text\", " + big + ", {\"ok\":2}]")).build());

        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode body = json(r);
        assertThat(body.get("ingested").asInt()).isEqualTo(2);
        assertThat(body.get("failed").asInt()).isEqualTo(3);
        assertThat(body.get("failures")).hasSize(3);
        assertThat(body.get("failures").get(0).get("error").asText()).contains("event 1").contains("JSON object");
        assertThat(body.get("failures").get(2).get("error").asText()).contains("event 3").contains("limit");
        assertThat(body.get("failures").get(0).get("timestamp").asText()).isNotEmpty();
        assertThat(publishedEvents()).containsExactly("{\"ok\":1}", "{\"ok\":2}");
    }

    @Test
    void splits_a_request_larger_than_one_record_into_parts() throws Exception {
        StringBuilder body = new StringBuilder("[");
        for (int i = 0; i < 100; i++) {
            body.append(i == 0 ? "" : ",").append("{\"i\":").append(i).append(",\"pad\":\"").append("y".repeat(50)).append("\"}");
        }
        HttpResponse<String> r = send(ingest("web").POST(HttpRequest.BodyPublishers.ofString(body + "]")).build());

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(producer.history()).hasSizeGreaterThan(1);
        assertThat(producer.history()).allSatisfy(rec -> assertThat(rec.value().length).isLessThanOrEqualTo(MAX_RECORD));
        assertThat(publishedEvents()).hasSize(100);
    }

    @Test
    void refuses_a_missing_or_wrong_token_with_401_and_publishes_nothing() throws Exception {
        HttpResponse<String> none = send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port()
                + "/v1/datasets/web/ingest")).POST(HttpRequest.BodyPublishers.ofString("[{}]")).build());
        HttpResponse<String> wrong = send(ingest("web").setHeader("Authorization", "Bearer nope")
                .POST(HttpRequest.BodyPublishers.ofString("[{}]")).build());

        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(json(wrong).get("message").asText()).contains("token");
        assertThat(producer.history()).isEmpty();
    }

    @Test
    void refuses_malformed_json_whole_with_400_and_the_position() throws Exception {
        HttpResponse<String> r = send(ingest("web").POST(HttpRequest.BodyPublishers.ofString("[{\"a\":1}, {\"b\":")).build());
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(json(r).get("message").asText()).contains("invalid JSON").contains("line 1");
        assertThat(producer.history()).isEmpty();

        HttpResponse<String> scalar = send(ingest("web").POST(HttpRequest.BodyPublishers.ofString("42")).build());
        assertThat(scalar.statusCode()).isEqualTo(400);
    }

    @Test
    void refuses_an_invalid_dataset_name() throws Exception {
        HttpResponse<String> r = send(ingest("bad.name").POST(HttpRequest.BodyPublishers.ofString("[{}]")).build());
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(json(r).get("message").asText()).contains("dataset name");
    }

    @Test
    void decodes_gzip_and_refuses_a_body_that_inflates_past_the_limit() throws Exception {
        HttpResponse<String> ok = send(ingest("web").header("Content-Encoding", "gzip")
                .POST(HttpRequest.BodyPublishers.ofByteArray(gzip("[{\"z\":1}]".getBytes(UTF_8)))).build());
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(publishedEvents()).containsExactly("{\"z\":1}");

        byte[] bomb = gzip(("[" + "{\"a\":\"" + "0".repeat(MAX_REQUEST * 2) + "\"}]").getBytes(UTF_8));
        assertThat(bomb.length).isLessThan(MAX_REQUEST / 8);
        HttpResponse<String> tooBig = send(ingest("web").header("Content-Encoding", "gzip")
                .POST(HttpRequest.BodyPublishers.ofByteArray(bomb)).build());
        assertThat(tooBig.statusCode()).isEqualTo(413);
        assertThat(producer.history()).hasSize(1);
    }

    @Test
    void answers_only_after_kafka_acknowledged_and_503_when_it_fails() throws Exception {
        startWith(false);
        CompletableFuture<HttpResponse<String>> pending = http.sendAsync(
                ingest("web").POST(HttpRequest.BodyPublishers.ofString("[{\"a\":1}]")).build(),
                HttpResponse.BodyHandlers.ofString());
        awaitSent(1);
        assertThat(pending).isNotDone();
        producer.completeNext();
        assertThat(pending.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);

        CompletableFuture<HttpResponse<String>> failing = http.sendAsync(
                ingest("web").POST(HttpRequest.BodyPublishers.ofString("[{\"a\":2}]")).build(),
                HttpResponse.BodyHandlers.ofString());
        awaitSent(2);
        producer.errorNext(new org.apache.kafka.common.errors.NotEnoughReplicasException("down"));
        HttpResponse<String> r = failing.get(10, TimeUnit.SECONDS);
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(r.headers().firstValue("Retry-After")).isPresent();
    }

    @Test
    void answers_503_when_kafka_never_acknowledges_within_the_timeout() throws Exception {
        startWith(false);
        HttpResponse<String> r = send(ingest("web").POST(HttpRequest.BodyPublishers.ofString("[{\"a\":1}]")).build());
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(json(r).get("message").asText()).contains("retry");
    }

    @Test
    void carries_the_client_request_id() throws Exception {
        send(ingest("web").header("Idempotency-Key", "req-42").POST(HttpRequest.BodyPublishers.ofString("[{}]")).build());
        ProducerRecord<byte[], byte[]> record = producer.history().get(0);
        assertThat(IngestHeaders.get(record.headers(), IngestHeaders.REQUEST)).isEqualTo("req-42");
        assertThat(new String(record.key(), UTF_8)).isEqualTo("ci/req-42");
    }

    private void awaitSent(int n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (producer.history().size() < n && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(producer.history()).hasSize(n);
    }

    private static byte[] gzip(byte[] data) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(data);
        }
        return out.toByteArray();
    }
}
