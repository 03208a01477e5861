package io.ingestline.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ingestline.kafka.embedded.EmbeddedKafkaBroker;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The broker goes away under a running edge, then comes back. This test needs a broker it can stop, so it starts its
 * own in-process one rather than taking the shared one.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class EdgeOutageIT {
    private static final String TOKEN = "outage-secret";
    private static final long PUBLISH_TIMEOUT_MS = 2000;

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void answers_503_with_retry_after_within_the_bound_while_kafka_is_down_and_recovers_when_it_returns()
            throws Exception {
        EmbeddedKafkaBroker.Options options = new EmbeddedKafkaBroker.Options(dir, freePort(), freePort(), Map.of());
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(options);
        try (EdgeServer edge = EdgeServer.start(EdgeConfig.fromEnv(Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", broker.bootstrapServers(),
                "INGEST_HTTP_HOST", "127.0.0.1",
                "INGEST_HTTP_PORT", "0",
                "INGEST_OTLP_PORT", "-1",
                "INGEST_TOKENS", "it=" + TOKEN,
                "INGEST_PUBLISH_TIMEOUT_MS", Long.toString(PUBLISH_TIMEOUT_MS),
                "KAFKA_PRODUCER_RECONNECT_BACKOFF_MAX_MS", "500")))) {
            assertThat(post(edge).statusCode()).isEqualTo(200);

            broker.close();
            long t0 = System.nanoTime();
            HttpResponse<String> down = post(edge);
            long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            assertThat(down.statusCode()).isEqualTo(503);
            assertThat(down.headers().firstValue("Retry-After")).isPresent();
            assertThat(tookMs).as("answered within the publish timeout, plus scheduling slack")
                    .isLessThan(PUBLISH_TIMEOUT_MS + 3000);
            assertThat(get(edge, "/ready").statusCode()).isEqualTo(503);
            assertThat(get(edge, "/health").statusCode()).isEqualTo(200);

            broker = EmbeddedKafkaBroker.start(options);
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
                    .until(() -> post(edge).statusCode() == 200);
            await().atMost(Duration.ofSeconds(10)).until(() -> get(edge, "/ready").statusCode() == 200);
        } finally {
            broker.close();
        }
    }

    private HttpResponse<String> post(EdgeServer edge) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + edge.port() + "/v1/ingest/outage"))
                .header("Authorization", "Bearer " + TOKEN)
                .POST(HttpRequest.BodyPublishers.ofString("[{\"a\":1}]")).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(EdgeServer edge, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + edge.port() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }
}
