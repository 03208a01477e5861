package io.ingestline.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ingestline.kafka.testkit.TestKafka;
import io.ingestline.kafka.testkit.WithKafka;
import io.ingestline.model.Dialect;
import io.ingestline.model.RawBatch;
import io.ingestline.model.RawBatchCodec;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * The largest event each dialect allows, through a real broker with the edge's default limits: accepted, and in the
 * raw topic whole. The raw topic existed before with a limit under 1 MiB: the edge raised it.
 */
@WithKafka
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class EdgeLimitsIT {
    private static final String TOKEN = "edge-limits-it-secret";
    private static final String ADMIN = "edge-limits-it-admin";
    private static final int MIB = 1024 * 1024;

    private final HttpClient http = HttpClient.newHttpClient();
    private final String prefix = TestKafka.uniqueName("limits") + ".";
    private TestKafka kafka;
    private Admin admin;
    private EdgeServer edge;

    @BeforeAll
    void start(TestKafka kafka) throws Exception {
        this.kafka = kafka;
        admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()));
        admin.createTopics(List.of(new NewTopic(prefix + "raw", Optional.of(2), Optional.empty())
                .configs(Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, "1000000")))).all().get(30, TimeUnit.SECONDS);
        edge = EdgeServer.start(EdgeConfig.fromEnv(Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers(),
                "INGEST_TOPIC_PREFIX", prefix,
                "INGEST_HTTP_HOST", "127.0.0.1",
                "INGEST_HTTP_PORT", "0",
                "INGEST_OTLP_PORT", "-1",
                "INGEST_ADMIN_PORT", "0",
                "INGEST_ADMIN_TOKEN", ADMIN,
                "INGEST_TOKENS", "it=" + TOKEN)));
    }

    @AfterAll
    void stop() {
        if (edge != null) {
            edge.close();
        }
        if (admin != null) {
            admin.close();
        }
    }

    @Test
    void the_largest_event_of_each_dialect_is_accepted_and_lands_whole_in_the_raw_topic() throws Exception {
        assertThat(maxMessageBytes(prefix + "raw")).isEqualTo(4 * MIB);
        String base = "http://127.0.0.1:" + edge.port();

        // Loggly: 1,000,000 bytes as one event (refused at 900,000 before), and 1 MiB, its documented limit, in a bulk
        String text = "t".repeat(1_000_000);
        String mib = "{\"pad\":\"" + "m".repeat(MIB - 10) + "\"}";
        assertThat(mib).hasSize(MIB);
        assertThat(post(base + "/inputs/" + TOKEN + "/tag/big/", Map.of(), text).body())
                .isEqualTo("{\"response\":\"ok\"}");
        assertThat(post(base + "/bulk/" + TOKEN, Map.of(), mib + "\n" + "b".repeat(MIB) + "\nsmall\n").body())
                .isEqualTo("{\"response\":\"ok\"}");
        // Axiom: a 1 MiB event
        HttpResponse<String> axiom = post(base + "/v1/datasets/big/ingest", Map.of("Authorization", "Bearer " + TOKEN,
                "Content-Type", "application/json"), "[" + mib + "]");
        assertThat(axiom.statusCode()).as(axiom.body()).isEqualTo(200);
        // AstraLog: a log of 1 MiB
        String log = "{\"project_id\":\"p\",\"timestamp\":\"2024-05-31T15:30:45Z\",\"level\":\"info\",\"service\":\"s\","
                + "\"message\":\"";
        log = log + "a".repeat(MIB - log.length() - 2) + "\"}";
        HttpResponse<String> drain = post(base + "/v1/drain", Map.of("Authorization", TOKEN), "{\"logs\":[" + log + "]}");
        assertThat(drain.body()).isEqualTo("{\"status\":\"accepted\"}");
        // Azure: one record filling the 1 MiB a call may carry
        String dcr = "dcr-0123456789abcdef0123456789abcdef";
        HttpResponse<String> put = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + edge.adminPort()
                        + "/admin/v1/dcrs/" + dcr)).header("Authorization", "Bearer " + ADMIN)
                .PUT(HttpRequest.BodyPublishers.ofString("{\"properties\":{\"streamDeclarations\":{\"Custom-Raw\":"
                        + "{\"columns\":[{\"name\":\"pad\",\"type\":\"string\"}]}},\"dataFlows\":[{\"streams\":"
                        + "[\"Custom-Raw\"],\"destinations\":[\"ws\"],\"transformKql\":\"source\","
                        + "\"outputStream\":\"Custom-Big_CL\"}]}}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
        String azureBody = "[" + "{\"pad\":\"" + "z".repeat(MIB - 12) + "\"}]";
        assertThat(azureBody).hasSize(MIB);
        await().atMost(Duration.ofSeconds(10)).until(() -> post(base + "/dataCollectionRules/" + dcr
                + "/streams/Custom-Raw?api-version=2023-01-01", Map.of("Authorization", "Bearer " + TOKEN,
                        "Content-Type", "application/json"), azureBody).statusCode() == 204);

        Map<Dialect, List<Integer>> sizes = published(7);
        assertThat(sizes.get(Dialect.LOGGLY)).containsExactly(text.length() + "{\"message\":\"\",\"tags\":[\"big\"]}"
                .length(), MIB, MIB + "{\"message\":\"\"}".length(), "{\"message\":\"small\"}".length());
        assertThat(sizes.get(Dialect.AXIOM)).containsExactly(MIB);
        assertThat(sizes.get(Dialect.ASTRALOG)).singleElement().satisfies(n -> assertThat(n).isGreaterThan(MIB - 100));
        assertThat(sizes.get(Dialect.AZURE)).containsExactly(MIB - 2);
        assertThat(maxMessageBytes(prefix + "ds.loggly")).isEqualTo(4 * MIB);
    }

    private HttpResponse<String> post(String url, Map<String, String> headers, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url));
        headers.forEach(b::header);
        return http.send(b.POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private long maxMessageBytes(String topic) throws Exception {
        ConfigResource r = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        return Long.parseLong(admin.describeConfigs(List.of(r)).all().get(30, TimeUnit.SECONDS).get(r)
                .get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG).value());
    }

    /** The size of each event in the raw topic, by dialect, in the order published. */
    private Map<Dialect, List<Integer>> published(int expected) {
        Map<Dialect, List<Integer>> out = new EnumMap<>(Dialect.class);
        List<RawBatch> batches = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : kafka.readToEnd(prefix + "raw")) {
            batches.add(RawBatchCodec.read(r.headers(), r.value()));
        }
        assertThat(batches.stream().mapToInt(RawBatch::eventCount).sum()).as("events published").isEqualTo(expected);
        batches.sort((a, b) -> a.context().receivedAt().compareTo(b.context().receivedAt()) != 0
                ? a.context().receivedAt().compareTo(b.context().receivedAt()) : Integer.compare(a.part(), b.part()));
        for (RawBatch b : batches) {
            RawBatch.forEachLine(b.payload(), (i, buf, off, len) -> {
                assertThat(buf[off]).isEqualTo((byte) '{');
                out.computeIfAbsent(b.context().dialect(), d -> new ArrayList<>()).add(len);
            });
        }
        return out;
    }
}
