package io.ingestline.edge.http;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.luben.zstd.Zstd;
import io.ingestline.model.auth.ApiToken;
import io.ingestline.model.auth.RateLimiter;
import io.ingestline.model.auth.TokenAuthenticator;
import io.ingestline.edge.ingest.InFlightBytes;
import io.ingestline.edge.ingest.Ingestor;
import io.ingestline.edge.kafka.RawBatchPublisher;
import io.ingestline.edge.metrics.EdgeMetrics;
import io.ingestline.model.IngestHeaders;
import io.ingestline.model.Json;
import io.ingestline.model.RawBatch;
import io.ingestline.model.RawBatchCodec;
import io.ingestline.edge.tls.Listeners;
import io.javalin.Javalin;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPOutputStream;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The Axiom dialect over real HTTP; Kafka is a MockProducer so that the test decides when (and if) it acknowledges. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class AxiomHandlerTest {
    private static final String TOKEN = "s3cret-token";
    private static final String WEB_ONLY = "web-only-token";
    private static final String LIMITED = "limited-token";
    private static final String METRICS_TOKEN = "metrics-scraper-token";
    private static final int MAX_REQUEST = 64 * 1024;
    private static final int MAX_RECORD = 1024;

    private final HttpClient http = HttpClient.newHttpClient();
    private MockProducer<byte[], byte[]> producer;
    private EdgeMetrics metrics;
    private Javalin app;

    @BeforeEach
    void start() {
        startWith(true, 1024 * 1024);
    }

    private void startWith(boolean autoComplete, long inFlightCap) {
        if (app != null) {
            app.stop();
        }
        producer = new MockProducer<>(autoComplete, null, new ByteArraySerializer(), new ByteArraySerializer());
        Ingestor ingestor = new Ingestor(new RawBatchPublisher(producer, "raw", nanos -> { }), new InFlightBytes(inFlightCap),
                MAX_REQUEST, MAX_RECORD, Duration.ofSeconds(2));
        ApiToken limited = new ApiToken("slow", "slow", ApiToken.hash(LIMITED), List.of("*"),
                java.util.Set.of(ApiToken.Capability.INGEST), java.time.Instant.EPOCH, new RateLimiter.Limit(2, 0));
        TokenAuthenticator tokens = new TokenAuthenticator(List.of(ApiToken.ofSecret("ci", TOKEN, List.of("*")),
                ApiToken.ofSecret("web", WEB_ONLY, List.of("web")), limited));
        RateLimits limits = new RateLimits(new RateLimiter(), RateLimiter.Limit.NONE);
        metrics = new EdgeMetrics();
        app = EdgeApi.create(DialectsTest.dialects(new IngestSupport(tokens, limits, ingestor, metrics),
                new io.ingestline.edge.config.DcrRegistry(), MAX_RECORD),
                new HealthHandler(Optional::empty), Listeners.httpOnly("127.0.0.1", 0), metrics, METRICS_TOKEN).start();
    }

    @AfterEach
    void stop() {
        app.stop();
    }

    private HttpRequest.Builder ingest(String pathAndQuery) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + pathAndQuery))
                .header("Authorization", "Bearer " + TOKEN);
    }

    private HttpRequest.Builder ingestWeb() {
        return ingest("/v1/datasets/web/ingest");
    }

    private HttpResponse<String> send(HttpRequest.Builder request, String body) throws Exception {
        return http.send(request.POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> send(HttpRequest.Builder request, byte[] body) throws Exception {
        return http.send(request.POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(HttpResponse<String> r) throws Exception {
        return Json.mapper().readTree(r.body());
    }

    private List<String> published() {
        List<String> out = new ArrayList<>();
        for (ProducerRecord<byte[], byte[]> r : producer.history()) {
            RawBatch b = RawBatchCodec.read(r.headers(), r.value());
            RawBatch.forEachLine(b.payload(), (i, buf, off, len) -> out.add(new String(buf, off, len, UTF_8)));
        }
        return out;
    }

    @Test
    void accepts_a_json_array_on_both_paths_and_answers_in_axiom_shape() throws Exception {
        HttpResponse<String> r = send(ingestWeb(), "[{\"msg\":\"a\"}, {\"msg\":\"b\", \"n\": {\"x\": [1, 2.50]}}]");
        HttpResponse<String> edge = send(ingest("/v1/ingest/web"), "{\"msg\":\"c\"}");

        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode body = json(r);
        assertThat(body.get("ingested").asInt()).isEqualTo(2);
        assertThat(body.get("failed").asInt()).isZero();
        assertThat(body.get("failures")).isEmpty();
        assertThat(body.get("processedBytes").asLong()).isPositive();
        assertThat(body.has("blocksCreated")).isTrue();
        assertThat(body.get("walLength").asInt()).isEqualTo(2);
        assertThat(edge.statusCode()).isEqualTo(200);
        // taken as written: spacing and numbers unchanged
        assertThat(published()).containsExactly("{\"msg\":\"a\"}", "{\"msg\":\"b\", \"n\": {\"x\": [1, 2.50]}}", "{\"msg\":\"c\"}");
        ProducerRecord<byte[], byte[]> record = producer.history().get(0);
        assertThat(IngestHeaders.get(record.headers(), IngestHeaders.DATASET)).isEqualTo("web");
        assertThat(IngestHeaders.get(record.headers(), IngestHeaders.TOKEN)).isEqualTo("ci");
        assertThat(IngestHeaders.get(record.headers(), IngestHeaders.DIALECT)).isEqualTo("axiom");
    }

    @Test
    void keeps_events_on_one_line_and_rewrites_those_with_a_repeated_key() throws Exception {
        HttpResponse<String> r = send(ingestWeb(), "[{\n  \"a\": 1,\r\n  \"b\": \"x\"\n}, {\"k\":1,\"k\":2}, {\"_time\":\"nope\"}]");

        assertThat(json(r).get("ingested").asInt()).isEqualTo(2);
        assertThat(json(r).get("failures").get(0).get("error").asText()).contains("event 2").contains("_time");
        assertThat(published()).containsExactly("{   \"a\": 1,    \"b\": \"x\" }", "{\"k\":1}");
    }

    @Test
    void reads_ndjson_one_value_a_line_refusing_each_bad_line_alone_by_its_line_number() throws Exception {
        byte[] body = ("{\"n\":1}\n\n{\"n\":2}\r\n{broken\n[1]\n{\"n\":3} {\"n\":4}\n{\"bad\":\"X\"}\n{\"n\":5,\n \"m\":6}\n"
                + "{\"n\":7}").getBytes(UTF_8);
        for (int i = 0; i < body.length; i++) {
            if (body[i] == 'X') {
                body[i] = (byte) 0xff; // invalid UTF-8 inside a string
            }
        }
        HttpResponse<String> r = send(ingestWeb().header("Content-Type", "application/x-ndjson"), body);

        JsonNode out = json(r);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(out.get("ingested").asInt()).isEqualTo(3);
        assertThat(out.get("failed").asInt()).isEqualTo(6);
        List<String> errors = new ArrayList<>();
        out.get("failures").forEach(f -> errors.add(f.get("error").asText()));
        assertThat(errors).hasSize(6);
        assertThat(errors.get(0)).startsWith("line 4: invalid JSON");
        assertThat(errors.get(1)).isEqualTo("line 5: event must be a JSON object, not an array");
        assertThat(errors.get(2)).isEqualTo("line 6: invalid JSON: unexpected character '{' after the value (one JSON "
                + "value a line)");
        assertThat(errors.get(3)).startsWith("line 7: invalid JSON").contains("UTF-8");
        assertThat(errors.get(4)).as("an object spread over lines is not one value a line")
                .startsWith("line 8: invalid JSON");
        assertThat(errors.get(5)).startsWith("line 9: invalid JSON");
        assertThat(published()).containsExactly("{\"n\":1}", "{\"n\":2}", "{\"n\":7}");
    }

    @Test
    void a_truncated_ndjson_line_is_refused_alone_and_named_by_its_line() throws Exception {
        String body = "{\"a\":1}\n{\"uid\":\"X1\",\"broken\":\n{\"uid\":\"U2\",\"ok\":true}\n{\"uid\":\"U3\",\"ok\":true}\n";
        HttpResponse<String> r = send(ingestWeb().header("Content-Type", "application/x-ndjson"), body);

        JsonNode out = json(r);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(out.get("ingested").asInt()).as(r.body()).isEqualTo(3);
        assertThat(out.get("failed").asInt()).as(r.body()).isEqualTo(1);
        assertThat(out.get("failures")).hasSize(1);
        assertThat(out.get("failures").get(0).get("error").asText()).startsWith("line 2: invalid JSON");
        assertThat(published()).containsExactly("{\"a\":1}", "{\"uid\":\"U2\",\"ok\":true}",
                "{\"uid\":\"U3\",\"ok\":true}");
    }

    @Test
    void reads_csv_with_a_header_line_given_fields_and_a_delimiter() throws Exception {
        HttpResponse<String> header = send(ingestWeb().header("Content-Type", "text/csv"),
                "level,msg,_time\ninfo,\"hello, \"\"world\"\"\",2026-11-23T10:00:00Z\r\nwarn,\"two\nlines\",1700000000\n");
        HttpResponse<String> fields = send(ingest("/v1/ingest/web?csv-delimiter=;").header("Content-Type", "text/csv")
                .header("X-Axiom-CSV-Fields", "a,b"), "1;2\n3;4;5\n");

        assertThat(json(header).get("ingested").asInt()).isEqualTo(2);
        assertThat(json(fields).get("ingested").asInt()).isEqualTo(1);
        assertThat(json(fields).get("failures").get(0).get("error").asText()).contains("3 values");
        assertThat(published()).containsExactly(
                "{\"level\":\"info\",\"msg\":\"hello, \\\"world\\\"\",\"_time\":\"2026-11-23T10:00:00Z\"}",
                "{\"level\":\"warn\",\"msg\":\"two\\nlines\",\"_time\":\"2023-11-14T22:13:20Z\"}",
                "{\"a\":\"1\",\"b\":\"2\"}");
    }

    @Test
    void normalises_the_time_field_and_adds_labels() throws Exception {
        HttpResponse<String> r = send(ingest("/v1/datasets/web/ingest?timestamp-field=ts&timestamp-format=02/01/2006%2015:04:05")
                .header("X-Axiom-Event-Labels", "{\"env\":\"prod\",\"msg\":\"label loses\"}"),
                "[{\"ts\":\"23/11/2026 10:30:00\",\"msg\":\"a\"},{\"ts\":1700000000123},{\"ts\":\"yesterday\"},{\"msg\":\"no time\"}]");

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode body = json(r);
        assertThat(body.get("ingested").asInt()).isEqualTo(3);
        assertThat(body.get("failures").get(0).get("error").asText()).contains("event 2").contains("ts");
        assertThat(published()).containsExactly(
                "{\"_time\":\"2026-11-23T10:30:00Z\",\"msg\":\"a\",\"env\":\"prod\"}",
                "{\"_time\":\"2023-11-14T22:13:20.123Z\",\"env\":\"prod\",\"msg\":\"label loses\"}",
                "{\"msg\":\"no time\",\"env\":\"prod\"}");
    }

    @Test
    void reports_bad_events_and_still_ingests_the_rest() throws Exception {
        String big = "{\"pad\":\"" + "x".repeat(MAX_RECORD) + "\"}";
        HttpResponse<String> r = send(ingestWeb(), "[{\"ok\":1}, 42, \"text\", " + big + ", {\"ok\":2}]");

        JsonNode body = json(r);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(body.get("ingested").asInt()).isEqualTo(2);
        assertThat(body.get("failed").asInt()).isEqualTo(3);
        assertThat(body.get("failures").get(0).get("error").asText()).contains("event 1").contains("JSON object");
        assertThat(body.get("failures").get(2).get("error").asText()).contains("event 3").contains("limit");
        assertThat(published()).containsExactly("{\"ok\":1}", "{\"ok\":2}");
    }

    @Test
    void a_request_with_no_event_to_ingest_is_400_in_axiom_shape_and_stores_nothing() throws Exception {
        String[][] cases = {
            {"application/json", "[1, \"two\", null]"},
            {"application/json", "[]"},
            {"application/x-ndjson", "{bad\n[1]\n"},
            {"application/x-ndjson", "\n\n  \n"},
            {"application/x-ndjson", ""},
            {"text/csv", "a,b\n"}};
        for (String[] c : cases) {
            HttpResponse<String> r = send(ingestWeb().header("Content-Type", c[0]), c[1]);
            assertThat(r.statusCode()).as(c[0] + " " + c[1]).isEqualTo(400);
            assertThat(json(r).get("message").asText()).as(c[1]).isNotBlank();
        }
        HttpResponse<String> scalars = send(ingestWeb(), "[1, \"two\"]");
        assertThat(json(scalars).get("message").asText()).isEqualTo("2 of 2 event(s) refused; nothing was stored: "
                + "event 0: event must be a JSON object, not a number; event 1: event must be a JSON object, not a "
                + "string;");
        assertThat(producer.history()).isEmpty();
        assertThat(metrics.scrape()).contains("ingest_rejects_total{reason=\"refused_events\"} 3.0")
                .contains("ingest_rejects_total{reason=\"no_events\"} 4.0");
    }

    @Test
    void decodes_gzip_zstd_and_deflate() throws Exception {
        byte[] body = "[{\"z\":1}]".getBytes(UTF_8);
        assertThat(send(ingestWeb().header("Content-Encoding", "gzip"), gzip(body)).statusCode()).isEqualTo(200);
        assertThat(send(ingestWeb().header("Content-Encoding", "zstd"), Zstd.compress(body)).statusCode()).isEqualTo(200);
        assertThat(send(ingestWeb().header("Content-Encoding", "deflate"), deflate(body)).statusCode()).isEqualTo(200);
        assertThat(published()).containsExactly("{\"z\":1}", "{\"z\":1}", "{\"z\":1}");
        HttpResponse<String> br = send(ingestWeb().header("Content-Encoding", "br"), body);
        assertThat(br.statusCode()).as("an unknown content coding, as RFC 9110 answers it").isEqualTo(415);
        assertThat(br.headers().firstValue("Accept-Encoding")).hasValue("gzip, deflate, zstd");
        assertThat(br.body()).contains("unsupported Content-Encoding: br");
    }

    @Test
    void refuses_bodies_that_cannot_be_read_with_a_clear_4xx_and_keeps_serving() throws Exception {
        byte[] bomb = gzip(("[{\"a\":\"" + "0".repeat(MAX_REQUEST * 4) + "\"}]").getBytes(UTF_8));
        assertThat(bomb.length).isLessThan(MAX_REQUEST / 16);
        HttpResponse<String> tooBig = send(ingestWeb().header("Content-Encoding", "gzip"), bomb);
        HttpResponse<String> zstdBomb = send(ingestWeb().header("Content-Encoding", "zstd"),
                Zstd.compress(("[{\"a\":\"" + "0".repeat(MAX_REQUEST * 4) + "\"}]").getBytes(UTF_8)));
        HttpResponse<String> deep = send(ingestWeb(), "[" + "{\"a\":".repeat(300) + "1" + "}".repeat(300) + "]");
        byte[] badUtf8 = "[{\"msg\":\"a\u00e9\"}]".getBytes(UTF_8);
        badUtf8[badUtf8.length - 5] = (byte) 0xff;
        HttpResponse<String> utf8 = send(ingestWeb(), badUtf8);
        HttpResponse<String> malformed = send(ingestWeb(), "[{\"a\":1}, {\"b\":");
        HttpResponse<String> scalar = send(ingestWeb(), "42");
        HttpResponse<String> empty = send(ingestWeb(), "");
        HttpResponse<String> xml = send(ingestWeb().header("Content-Type", "application/xml"), "<a/>");

        assertThat(tooBig.statusCode()).isEqualTo(413);
        assertThat(zstdBomb.statusCode()).isEqualTo(413);
        assertThat(deep.statusCode()).isEqualTo(400);
        assertThat(json(deep).get("message").asText()).contains("nest");
        assertThat(utf8.statusCode()).isEqualTo(400);
        assertThat(json(utf8).get("message").asText()).contains("UTF-8");
        assertThat(malformed.statusCode()).isEqualTo(400);
        assertThat(json(malformed).get("message").asText()).contains("invalid JSON").contains("line 1");
        assertThat(scalar.statusCode()).isEqualTo(400);
        assertThat(empty.statusCode()).isEqualTo(400);
        assertThat(xml.statusCode()).isEqualTo(415);
        assertThat(producer.history()).isEmpty();
        assertThat(send(ingestWeb(), "[{\"still\":\"serving\"}]").statusCode()).isEqualTo(200);
    }

    @Test
    void answers_401_403_and_400_in_axiom_shape() throws Exception {
        HttpResponse<String> none = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port()
                + "/v1/datasets/web/ingest")).POST(HttpRequest.BodyPublishers.ofString("[{}]")).build(),
                HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> wrong = send(ingestWeb().setHeader("Authorization", "Bearer nope"), "[{}]");
        HttpResponse<String> forbidden = send(ingest("/v1/datasets/api/ingest").setHeader("Authorization", "Bearer " + WEB_ONLY), "[{}]");
        HttpResponse<String> allowed = send(ingestWeb().setHeader("Authorization", "Bearer " + WEB_ONLY), "[{}]");
        HttpResponse<String> badName = send(ingest("/v1/datasets/bad_name/ingest"), "[{}]");

        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(json(wrong).get("message").asText()).contains("token");
        assertThat(forbidden.statusCode()).isEqualTo(403);
        assertThat(json(forbidden).get("message").asText()).contains("api");
        assertThat(allowed.statusCode()).isEqualTo(200);
        assertThat(badName.statusCode()).isEqualTo(400);
        assertThat(json(badName).get("message").asText()).contains("dataset name");
        assertThat(producer.history()).hasSize(1);
    }

    @Test
    void splits_a_request_larger_than_one_record_into_parts() throws Exception {
        StringBuilder body = new StringBuilder("[");
        for (int i = 0; i < 100; i++) {
            body.append(i == 0 ? "" : ",").append("{\"i\":").append(i).append(",\"pad\":\"").append("y".repeat(50)).append("\"}");
        }
        assertThat(send(ingestWeb(), body + "]").statusCode()).isEqualTo(200);
        assertThat(producer.history()).hasSizeGreaterThan(1)
                .allSatisfy(rec -> assertThat(rec.value().length).isLessThanOrEqualTo(MAX_RECORD));
        assertThat(published()).hasSize(100);
    }

    @Test
    void answers_only_after_kafka_acknowledged_and_503_when_it_fails_or_never_answers() throws Exception {
        startWith(false, 1024 * 1024);
        CompletableFuture<HttpResponse<String>> pending = http.sendAsync(
                ingestWeb().POST(HttpRequest.BodyPublishers.ofString("[{\"a\":1}]")).build(), HttpResponse.BodyHandlers.ofString());
        awaitSent(1);
        assertThat(pending).isNotDone();
        producer.completeNext();
        assertThat(pending.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);

        CompletableFuture<HttpResponse<String>> failing = http.sendAsync(
                ingestWeb().POST(HttpRequest.BodyPublishers.ofString("[{\"a\":2}]")).build(), HttpResponse.BodyHandlers.ofString());
        awaitSent(2);
        producer.errorNext(new org.apache.kafka.common.errors.NotEnoughReplicasException("down"));
        HttpResponse<String> r = failing.get(10, TimeUnit.SECONDS);
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(r.headers().firstValue("Retry-After")).isPresent();

        long t0 = System.nanoTime();
        HttpResponse<String> silent = send(ingestWeb(), "[{\"a\":3}]");
        assertThat(silent.statusCode()).isEqualTo(503);
        assertThat(json(silent).get("message").asText()).contains("retry");
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).as("bounded by the publish timeout").isLessThan(10_000);
    }

    @Test
    void answers_503_when_the_node_holds_too_many_bytes_and_frees_them_after_the_answer() throws Exception {
        startWith(false, 128); // a JSON body counts twice while its events are built
        CompletableFuture<HttpResponse<String>> holding = http.sendAsync(
                ingestWeb().POST(HttpRequest.BodyPublishers.ofString("[{\"a\":\"" + "x".repeat(40) + "\"}]")).build(),
                HttpResponse.BodyHandlers.ofString());
        awaitSent(1);
        HttpResponse<String> busy = send(ingestWeb(), "[{\"b\":\"" + "y".repeat(40) + "\"}]");
        assertThat(busy.statusCode()).isEqualTo(503);
        assertThat(busy.headers().firstValue("Retry-After")).isPresent();
        producer.completeNext();
        assertThat(holding.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);

        CompletableFuture<HttpResponse<String>> after = http.sendAsync(
                ingestWeb().POST(HttpRequest.BodyPublishers.ofString("[{\"c\":1}]")).build(), HttpResponse.BodyHandlers.ofString());
        awaitSent(2);
        producer.completeNext();
        assertThat(after.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
    }

    @Test
    void answers_429_with_retry_after_and_rate_limit_headers_once_a_token_spent_its_rate() throws Exception {
        HttpResponse<String> first = send(ingestWeb().setHeader("Authorization", "Bearer " + LIMITED), "[{},{},{}]");
        HttpResponse<String> second = send(ingestWeb().setHeader("Authorization", "Bearer " + LIMITED), "[{}]");
        HttpResponse<String> other = send(ingestWeb(), "[{}]");

        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(first.headers().firstValue("X-RateLimit-Limit")).contains("2");
        assertThat(first.headers().firstValue("X-RateLimit-Remaining")).contains("0");
        assertThat(second.statusCode()).isEqualTo(429);
        assertThat(second.headers().firstValue("Retry-After")).isPresent();
        assertThat(Long.parseLong(second.headers().firstValue("X-RateLimit-Reset").orElseThrow()))
                .isGreaterThanOrEqualTo(System.currentTimeMillis() / 1000);
        assertThat(json(second).get("message").asText()).contains("rate limit");
        assertThat(other.statusCode()).isEqualTo(200);
        assertThat(published()).hasSize(4);
    }

    @Test
    void counts_requests_events_failures_and_rejects_on_metrics() throws Exception {
        send(ingestWeb(), "[{\"a\":1},{\"a\":2},7]");
        send(ingestWeb().setHeader("Authorization", "Bearer nope"), "[{}]");
        // The request counters are updated once a response is complete, which may be just after the client has it.
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            HttpResponse<String> m = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port()
                    + "/metrics")).header("Authorization", "Bearer " + METRICS_TOKEN).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(m.statusCode()).isEqualTo(200);
            assertThat(m.body())
                    .contains("ingest_events_total{dialect=\"axiom\"} 2.0")
                    .contains("ingest_event_failures_total{dialect=\"axiom\"} 1.0")
                    .contains("ingest_rejects_total{reason=\"unauthorized\"} 1.0")
                    .contains("ingest_requests_total{dialect=\"axiom\",status=\"200\"} 1.0")
                    .contains("ingest_requests_total{dialect=\"axiom\",status=\"401\"} 1.0")
                    .contains("ingest_kafka_send_seconds_count");
        });
    }

    @Test
    void carries_the_client_request_id() throws Exception {
        send(ingestWeb().header("Idempotency-Key", "req-42"), "[{}]");
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

    private static byte[] deflate(byte[] data) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (DeflaterOutputStream d = new DeflaterOutputStream(out)) {
            d.write(data);
        }
        return out.toByteArray();
    }
}
