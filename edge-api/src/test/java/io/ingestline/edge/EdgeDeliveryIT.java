package io.ingestline.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ingestline.kafka.testkit.TestKafka;
import io.ingestline.kafka.testkit.WithKafka;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The broker answers but does not take the edge's records (its raw topic was deleted): {@code /ready} must say so,
 * recover once records get through again, and shutdown must not wait for what the broker will not take. (A producer that had the deleted topic in its metadata retries its
 * records against the old topic id until its delivery timeout, short here, even after the topic is back.)
 */
@WithKafka
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class EdgeDeliveryIT {
    private static final String TOKEN = "delivery-secret";
    private static final String METRICS_TOKEN = "delivery-metrics-token";

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void ready_turns_503_while_sends_are_not_acknowledged_and_recovers_when_they_are(TestKafka kafka)
            throws Exception {
        String prefix = TestKafka.uniqueName("deliv") + ".";
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            EdgeServer edge = EdgeServer.start(EdgeConfig.fromEnv(Map.ofEntries(
                    Map.entry("INGEST_OTLP_PORT", "-1"),
                    Map.entry("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers()),
                    Map.entry("INGEST_TOPIC_PREFIX", prefix),
                    Map.entry("INGEST_HTTP_HOST", "127.0.0.1"),
                    Map.entry("INGEST_HTTP_PORT", "0"),
                    Map.entry("INGEST_TOKENS", "it=" + TOKEN),
                    Map.entry("INGEST_METRICS_TOKEN", METRICS_TOKEN),
                    Map.entry("INGEST_PUBLISH_TIMEOUT_MS", "1500"),
                    Map.entry("INGEST_READY_SEND_STALL_MS", "1000"),
                    Map.entry("KAFKA_PRODUCER_REQUEST_TIMEOUT_MS", "2000"),
                    Map.entry("KAFKA_PRODUCER_DELIVERY_TIMEOUT_MS", "5000"))));
            try (edge) {
                assertThat(post(edge).statusCode()).isEqualTo(200);
                assertThat(get(edge, "/ready").statusCode()).isEqualTo(200);
                admin.deleteTopics(List.of(prefix + "raw")).all().get(30, TimeUnit.SECONDS);
                HttpResponse<String> refused = post(edge);
                assertThat(refused.statusCode()).isEqualTo(503);

                await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
                    HttpResponse<String> ready = get(edge, "/ready");
                    assertThat(ready.statusCode()).isEqualTo(503);
                    assertThat(ready.body()).containsAnyOf("sends to kafka are failing", "has not acknowledged");
                    assertThat(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + edge.port()
                            + "/metrics")).header("Authorization", "Bearer " + METRICS_TOKEN).build(),
                            HttpResponse.BodyHandlers.ofString()).body())
                            .contains("ingest_ready_check{check=\"kafka_delivering\"} 0.0")
                            .contains("ingest_ready_check{check=\"kafka_reachable\"} 1.0");
                });

                createRaw(admin, prefix);
                await().atMost(Duration.ofSeconds(60)).until(() -> post(edge).statusCode() == 200);
                await().atMost(Duration.ofSeconds(15)).until(() -> get(edge, "/ready").statusCode() == 200);
            }
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void shutdown_with_records_the_broker_will_not_take_ends_within_its_timeout(TestKafka kafka) throws Exception {
        String prefix = TestKafka.uniqueName("stop") + ".";
        long shutdownMs = 2000;
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            EdgeServer edge = EdgeServer.start(EdgeConfig.fromEnv(Map.of(
                    "KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers(),
                    "INGEST_TOPIC_PREFIX", prefix,
                    "INGEST_HTTP_HOST", "127.0.0.1",
                    "INGEST_HTTP_PORT", "0",
                    "INGEST_OTLP_PORT", "-1",
                    "INGEST_TOKENS", "it=" + TOKEN,
                    "INGEST_PRODUCERS", "1",
                    "INGEST_PUBLISH_TIMEOUT_MS", "1500",
                    "INGEST_SHUTDOWN_TIMEOUT_MS", Long.toString(shutdownMs))));
            try {
                assertThat(post(edge).statusCode()).isEqualTo(200);
                admin.deleteTopics(List.of(prefix + "raw")).all().get(30, TimeUnit.SECONDS);
                // The producer still has the topic in its metadata: the record waits for its two-minute delivery
                // timeout, retried against a topic that is gone.
                assertThat(post(edge).statusCode()).isEqualTo(503);
            } finally {
                long t0 = System.nanoTime();
                edge.close();
                long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
                assertThat(tookMs).as("shutdown took").isLessThan(shutdownMs + 10_000);
            }
        }
    }

    /** Creates the raw topic again, once the broker has finished deleting it. */
    private static void createRaw(Admin admin, String prefix) {
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> {
            admin.createTopics(List.of(new NewTopic(prefix + "raw", Optional.empty(), Optional.empty())))
                    .all().get(10, TimeUnit.SECONDS);
            return true;
        });
    }

    private HttpResponse<String> post(EdgeServer edge) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + edge.port() + "/v1/ingest/deliv"))
                .header("Authorization", "Bearer " + TOKEN).timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString("[{\"a\":1}]")).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(EdgeServer edge, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + edge.port() + path))
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
