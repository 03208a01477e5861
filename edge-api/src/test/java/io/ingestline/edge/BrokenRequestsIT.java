package io.ingestline.edge;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.ingestline.kafka.testkit.TestKafka;
import io.ingestline.kafka.testkit.WithKafka;
import io.ingestline.model.Json;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every dialect, every broken body and every broken HTTP framing, on a running edge with a real broker: each gets a
 * 4xx in the dialect's error shape (or, where the client is gone, no answer), nothing at WARN or ERROR in the logs,
 * no secret in the logs, a count in {@code ingest_rejects_total}, and nothing on the raw topic.
 */
@WithKafka
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class BrokenRequestsIT {
    private static final String TOKEN = "broken-it-secret-8f2d";
    private static final String ADMIN = "broken-it-admin-token";
    private static final String DCR = "dcr-0123456789abcdef0123456789abcdef";

    private final HttpClient http = HttpClient.newHttpClient();
    private final String prefix = TestKafka.uniqueName("broken") + ".";
    private TestKafka kafka;
    private EdgeServer edge;
    private Admin admin;
    private CapturedLogs logs;

    /** A dialect's route, credentials, a body it would accept, and how its error answers look. */
    enum Dialect {
        AXIOM_DATASETS("/v1/datasets/broken/ingest", "Authorization: Bearer " + TOKEN, "[{\"a\":1}]",
                j -> j.has("message")),
        AXIOM_INGEST("/v1/ingest/broken", "Authorization: Bearer " + TOKEN, "[{\"a\":1}]", j -> j.has("message")),
        BASELIME("/v1/broken", "x-api-key: " + TOKEN, "[{\"a\":1}]",
                j -> j.path("message").asText().equals("Bad Request") && j.has("error")),
        AZURE("/dataCollectionRules/" + DCR + "/streams/Custom-Raw?api-version=2023-01-01",
                "Authorization: Bearer " + TOKEN, "[{\"Computer\":\"c\"}]",
                j -> j.at("/error/code").isTextual() && j.at("/error/message").isTextual()),
        ASTRALOG("/v1/drain", "Authorization: " + TOKEN, "{\"logs\":[{\"project_id\":\"p\",\"timestamp\":"
                + "\"2024-05-31 15:30:45\",\"level\":\"info\",\"service\":\"s\",\"message\":\"m\"}]}",
                j -> j.path("status").asText().equals("error") && j.has("error")),
        LOGGLY_INPUTS("/inputs/" + TOKEN + "/tag/it/", null, "hello",
                j -> j.path("response").asText().equals("error") && j.has("message")),
        LOGGLY_BULK("/bulk/" + TOKEN, null, "hello\nworld\n",
                j -> j.path("response").asText().equals("error") && j.has("message"));

        final String path;
        final String auth;
        final byte[] body;
        final Predicate<JsonNode> shape;

        Dialect(String path, String auth, String body, Predicate<JsonNode> shape) {
            this.path = path;
            this.auth = auth;
            this.body = body.getBytes(UTF_8);
            this.shape = shape;
        }

        String head(String extraHeaders) {
            return "POST " + path + " HTTP/1.1\r\nHost: edge\r\nContent-Type: application/json\r\n"
                    + (auth == null ? "" : auth + "\r\n") + extraHeaders;
        }
    }

    /** How a request is broken, and the answer it should get: a status class, or none (the client is gone). */
    enum Broken {
        GZIP_TRUNCATED(4), GZIP_BAD_CRC(4), ZSTD_GARBAGE(4), ZSTD_NAMED_ON_GZIP(4), DEFLATE_GARBAGE(4),
        CHUNK_SIZE_NOT_HEX(4), CHUNK_SIZE_OVERFLOWS(4), CHUNK_EXTENSION_100_KB(4),
        SHORT_BODY_HALF_CLOSED(4), SHORT_BODY_CLOSED(-1);

        final int statusClass;

        Broken(int statusClass) {
            this.statusClass = statusClass;
        }

        byte[] request(Dialect d) throws Exception {
            byte[] gz = gzip(d.body);
            return switch (this) {
                case GZIP_TRUNCATED -> sized(d, "gzip", Arrays.copyOf(gz, gz.length / 2));
                case GZIP_BAD_CRC -> {
                    byte[] bad = gz.clone();
                    bad[bad.length - 8] ^= 0x5a;
                    yield sized(d, "gzip", bad);
                }
                case ZSTD_GARBAGE -> sized(d, "zstd", concat(new byte[] {0x28, (byte) 0xb5, 0x2f, (byte) 0xfd},
                        "garbage that is no zstd frame".getBytes(UTF_8)));
                case ZSTD_NAMED_ON_GZIP -> sized(d, "zstd", gz);
                case DEFLATE_GARBAGE -> {
                    byte[] garbage = new byte[64];
                    Arrays.fill(garbage, (byte) 0xff);
                    yield sized(d, "deflate", garbage);
                }
                case CHUNK_SIZE_NOT_HEX -> chunked(d, "zz\r\n" + new String(d.body, ISO_8859_1) + "\r\n0\r\n\r\n");
                case CHUNK_SIZE_OVERFLOWS -> chunked(d, "fffffffffffffffffffff\r\n" + new String(d.body, ISO_8859_1)
                        + "\r\n0\r\n\r\n");
                case CHUNK_EXTENSION_100_KB -> chunked(d, Integer.toHexString(d.body.length) + ";x=" + "a".repeat(100_000)
                        + "\r\n" + new String(d.body, ISO_8859_1) + "\r\n0\r\n\r\n");
                case SHORT_BODY_HALF_CLOSED, SHORT_BODY_CLOSED -> concat(d.head("Content-Length: "
                        + (d.body.length + 1000) + "\r\n\r\n").getBytes(ISO_8859_1), d.body);
            };
        }
    }

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (Dialect d : Dialect.values()) {
            for (Broken b : Broken.values()) {
                out.add(Arguments.of(d, b));
            }
        }
        return out.stream();
    }

    @BeforeAll
    void start(TestKafka kafka) throws Exception {
        this.kafka = kafka;
        edge = EdgeServer.start(EdgeConfig.fromEnv(Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers(),
                "INGEST_TOPIC_PREFIX", prefix,
                "INGEST_HTTP_HOST", "127.0.0.1",
                "INGEST_HTTP_PORT", "0",
                "INGEST_OTLP_PORT", "-1",
                "INGEST_ADMIN_PORT", "0",
                "INGEST_ADMIN_TOKEN", ADMIN,
                "INGEST_TOKENS", "it=" + TOKEN)));
        admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()));
        String rule = "{\"properties\":{\"streamDeclarations\":{\"Custom-Raw\":{\"columns\":[{\"name\":\"Computer\","
                + "\"type\":\"string\"}]}},\"dataFlows\":[{\"streams\":[\"Custom-Raw\"],\"destinations\":[\"ws\"],"
                + "\"transformKql\":\"source\",\"outputStream\":\"Custom-Hosts_CL\"}]}}";
        HttpResponse<String> put = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + edge.adminPort()
                + "/admin/v1/dcrs/" + DCR)).header("Authorization", "Bearer " + ADMIN)
                .PUT(HttpRequest.BodyPublishers.ofString(rule)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(put.statusCode()).isEqualTo(200);
        logs = new CapturedLogs();
    }

    @AfterAll
    void stop() {
        if (logs != null) {
            logs.close();
        }
        if (admin != null) {
            admin.close();
        }
        if (edge != null) {
            edge.close();
        }
    }

    @BeforeEach
    void clearLogs() {
        logs.clear();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void a_broken_body_or_framing_gets_a_4xx_in_the_dialects_shape_logs_no_warning_and_stores_nothing(Dialect d,
            Broken b) throws Exception {
        long stored = rawRecords();
        double rejects = rejects();
        byte[] request = b.request(d);
        if (b.statusClass < 0) {
            RawHttp.sendAndClose(edge.port(), request);
        } else {
            RawHttp.Answer answer = RawHttp.exchange(edge.port(), request, b == Broken.SHORT_BODY_HALF_CLOSED);
            assertThat(answer.status() / 100).as("status of %s", answer).isEqualTo(b.statusClass);
            assertThat(d.shape.test(Json.mapper().readTree(answer.body()))).as("shape of %s", answer.body()).isTrue();
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> rejects() > rejects);
        assertThat(logs.warnings()).as("log lines at WARN or above").isEmpty();
        assertThat(logs.all()).as("logs").doesNotContain(TOKEN);
        assertThat(rawRecords()).as("records on the raw topic").isEqualTo(stored);
    }

    private static byte[] sized(Dialect d, String encoding, byte[] body) {
        return concat(d.head("Content-Encoding: " + encoding + "\r\nContent-Length: " + body.length + "\r\n\r\n")
                .getBytes(ISO_8859_1), body);
    }

    private static byte[] chunked(Dialect d, String chunks) {
        return (d.head("Transfer-Encoding: chunked\r\n\r\n") + chunks).getBytes(ISO_8859_1);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    static byte[] gzip(byte[] body) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(body);
        }
        return out.toByteArray();
    }

    /** Records on the raw topic, all partitions. */
    private long rawRecords() throws Exception {
        String raw = prefix + "raw";
        int partitions = admin.describeTopics(List.of(raw)).allTopicNames().get(30, TimeUnit.SECONDS).get(raw)
                .partitions().size();
        Map<TopicPartition, OffsetSpec> ask = new java.util.HashMap<>();
        for (int p = 0; p < partitions; p++) {
            ask.put(new TopicPartition(raw, p), OffsetSpec.latest());
        }
        return admin.listOffsets(ask).all().get(30, TimeUnit.SECONDS).values().stream()
                .mapToLong(o -> o.offset()).sum();
    }

    /** The sum of ingest_rejects_total over its reasons, from the admin port's /metrics. */
    private double rejects() throws Exception {
        String body = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + edge.adminPort() + "/metrics"))
                .build(), HttpResponse.BodyHandlers.ofString()).body();
        Matcher m = Pattern.compile("(?m)^ingest_rejects_total\\{[^}]*} (\\S+)$").matcher(body);
        double sum = 0;
        while (m.find()) {
            sum += Double.parseDouble(m.group(1));
        }
        return sum;
    }
}
