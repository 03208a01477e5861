package io.ingestline.query;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ingestline.kafka.testkit.NodeClients;
import io.ingestline.kafka.testkit.TestKafka;
import io.ingestline.kafka.testkit.WithKafka;
import io.ingestline.model.ConfigKeys;
import io.ingestline.model.Topics;
import io.ingestline.model.auth.ApiToken;
import io.ingestline.model.auth.RateLimiter;
import io.ingestline.query.store.StoredEvents;
import io.ingestline.sink.storage.FileStorageWriter;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * The query service as deployed ({@link QueryServer} from its environment, tokens followed from a real Kafka
 * configuration topic), and Loggly's official Node client, {@code loggly} 1.1.1 from npm, unmodified but for its API
 * base URL: its {@code search()} (search, then events by rsid) and {@code customer()} calls. Needs Node.js and npm
 * (the test fails without them) and the npm registry or a warm npm cache.
 */
@WithKafka
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class QueryServiceIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final String prefix = TestKafka.uniqueName("query") + ".";
    private final HttpClient http = HttpClient.newHttpClient();
    private final List<String> ids = new ArrayList<>();
    private Instant now;
    private QueryServer server;
    private KafkaProducer<String, byte[]> producer;

    @BeforeAll
    void start(TestKafka kafka) throws IOException {
        Path dataDir = Files.createTempDirectory("query-it");
        now = Instant.now();
        List<StoredEvents.Input> inputs = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            Instant t = now.minus(Duration.ofMinutes(300 - i));
            String id = "evt-" + i;
            ids.add(id);
            inputs.add(new StoredEvents.Input(i % 2, "{\"_time\":\"" + t + "\",\"_id\":\"" + id + "\",\"level\":\""
                    + (i % 10 == 0 ? "error" : "info") + "\",\"message\":\"checkout step " + i + "\",\"tags\":[\"node\"]}"));
        }
        StoredEvents.write(dataDir.resolve("datasets"), "loggly", inputs, 50, FileStorageWriter.Compression.ZSTD);
        server = QueryServer.start(QueryConfig.fromEnv(Map.of("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers(),
                "INGEST_TOPIC_PREFIX", prefix, "INGEST_DATA_DIR", dataDir.toString(), "INGEST_QUERY_PORT", "0",
                "INGEST_QUERY_HOST", "127.0.0.1", "INGEST_QUERY_SUBDOMAIN", "acme")));
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
                new StringSerializer(), new ByteArraySerializer());
    }

    @AfterAll
    void stop() {
        if (producer != null) {
            producer.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void a_token_issued_on_the_configuration_topic_searches_and_a_revoked_one_does_not() throws Exception {
        ApiToken.Issued issued = ApiToken.issue("reader", List.of("loggly"), Set.of(ApiToken.Capability.QUERY),
                RateLimiter.Limit.NONE, Instant.now());
        publish(issued.token().id(), issued.token().toJson());
        Awaitility.await().atMost(Duration.ofSeconds(30))
                .until(() -> get("/apiv2/customer", issued.secret()).statusCode() == 200);
        assertThat(get("/ready", null).statusCode()).isEqualTo(200);
        publish(issued.token().id(), null);
        Awaitility.await().atMost(Duration.ofSeconds(30))
                .until(() -> get("/apiv2/customer", issued.secret()).statusCode() == 401);
    }

    @Test
    void logglys_node_client_searches_and_reads_the_account() throws Exception {
        ApiToken.Issued issued = ApiToken.issue("node", List.of("loggly"), Set.of(ApiToken.Capability.QUERY),
                RateLimiter.Limit.NONE, Instant.now());
        publish(issued.token().id(), issued.token().toJson());
        Awaitility.await().atMost(Duration.ofSeconds(30))
                .until(() -> get("/apiv2/customer", issued.secret()).statusCode() == 200);
        // the client from npm, installed once per build under target/ from the committed lock file
        Path dir = NodeClients.install(Path.of("src/test/node"), Path.of("target/node-clients"), "loggly");
        String search = "{\"query\":\"json.level:error AND checkout\",\"from\":\"-6h\",\"until\":\"now\",\"size\":100}";
        ProcessBuilder pb = new ProcessBuilder("node", "loggly-client.js").directory(dir.toFile());
        pb.environment().put("QUERY_API", "http://127.0.0.1:" + server.port() + "/apiv2");
        pb.environment().put("QUERY_TOKEN", issued.secret());
        pb.environment().put("SEARCH", search);
        String out = NodeClients.run(pb, Duration.ofSeconds(60));
        JsonNode answer = JSON.readTree(out.lines().filter(l -> l.startsWith("{")).reduce((a, b) -> b).orElse("{}"));
        JsonNode results = answer.get("search");
        assertThat(results.has("error")).as(out).isFalse();
        List<String> expected = new ArrayList<>();
        for (int i = ids.size() - 1; i >= 0; i--) {
            if (i % 10 == 0) {
                expected.add(ids.get(i));
            }
        }
        assertThat(results.get("total_events").asInt()).isEqualTo(expected.size());
        List<String> found = new ArrayList<>();
        results.get("events").forEach(e -> found.add(e.get("id").asText()));
        assertThat(found).containsExactlyElementsOf(expected);
        assertThat(results.get("events").get(0).get("tags").get(0).asText()).isEqualTo("node");
        JsonNode customer = answer.get("customer");
        assertThat(customer.get("subdomain").asText()).isEqualTo("acme");
        assertThat(customer.get("token").get("name").asText()).isEqualTo("node");
        assertThat(out).doesNotContain(issued.secret());
    }

    private void publish(String id, byte[] value) throws Exception {
        producer.send(new ProducerRecord<>(new Topics(prefix).config(), 0, ConfigKeys.token(id), value)).get();
    }

    private HttpResponse<String> get(String path, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }
}
