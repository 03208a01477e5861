package io.ingestline.edge.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.ingestline.model.auth.TokenAuthenticator;
import io.ingestline.edge.tls.Listeners;
import io.javalin.Javalin;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class HealthHandlerTest {
    @Test
    void health_is_always_ok_and_ready_follows_kafka() throws Exception {
        AtomicBoolean kafka = new AtomicBoolean(false);
        EdgeApi.Dialects unused = DialectsTest.dialects(new IngestSupport(new TokenAuthenticator(List.of()), null, null,
                null), new io.ingestline.edge.config.DcrRegistry(), 1024);
        Javalin app = EdgeApi.create(unused, new HealthHandler(() -> kafka.get() ? Optional.empty() : Optional.of("kafka unreachable")), Listeners.httpOnly("127.0.0.1", 0),
                new io.ingestline.edge.metrics.EdgeMetrics()).start();
        try {
            HttpClient http = HttpClient.newHttpClient();
            URI base = URI.create("http://127.0.0.1:" + app.port());
            assertThat(http.send(HttpRequest.newBuilder(base.resolve("/health")).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
            HttpResponse<String> notReady = http.send(HttpRequest.newBuilder(base.resolve("/ready")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(notReady.statusCode()).isEqualTo(503);
            assertThat(notReady.body()).contains("kafka unreachable");
            kafka.set(true);
            assertThat(http.send(HttpRequest.newBuilder(base.resolve("/ready")).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
        } finally {
            app.stop();
        }
    }
}
