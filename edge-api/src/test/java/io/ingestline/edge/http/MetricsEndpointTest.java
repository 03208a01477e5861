package io.ingestline.edge.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.ingestline.model.auth.TokenAuthenticator;
import io.ingestline.edge.metrics.EdgeMetrics;
import io.ingestline.edge.tls.Listeners;
import io.javalin.Javalin;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code /metrics} on the public ingest port: off unless a token is set, then only for that bearer token. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class MetricsEndpointTest {
    private static final String METRICS_TOKEN = "scrape-me-with-this-token";
    private final HttpClient http = HttpClient.newHttpClient();

    private static Javalin app(String metricsToken) {
        EdgeApi.Dialects unused = DialectsTest.dialects(new IngestSupport(new TokenAuthenticator(List.of()), null, null,
                null), new io.ingestline.edge.config.DcrRegistry(), 1024);
        return EdgeApi.create(unused, new HealthHandler(Optional::empty), Listeners.httpOnly("127.0.0.1", 0),
                new EdgeMetrics(), metricsToken).start();
    }

    private HttpResponse<String> scrape(Javalin app, String authorization) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + "/metrics"));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void metrics_on_the_ingest_port_answer_404_when_no_metrics_token_is_set() throws Exception {
        Javalin app = app(null);
        try {
            assertThat(scrape(app, null).statusCode()).isEqualTo(404);
            assertThat(scrape(app, "Bearer anything").statusCode()).isEqualTo(404);
        } finally {
            app.stop();
        }
    }

    @Test
    void metrics_on_the_ingest_port_need_the_metrics_token_as_bearer() throws Exception {
        Javalin app = app(METRICS_TOKEN);
        try {
            for (String wrong : new String[] {null, "Bearer ", "Bearer wrong", METRICS_TOKEN,
                "Bearer " + METRICS_TOKEN + "x", "Basic " + METRICS_TOKEN}) {
                HttpResponse<String> r = scrape(app, wrong);
                assertThat(r.statusCode()).as(String.valueOf(wrong)).isEqualTo(401);
                assertThat(r.headers().firstValue("WWW-Authenticate")).contains("Bearer");
                assertThat(r.body()).doesNotContain("jvm_");
            }
            HttpResponse<String> ok = scrape(app, "Bearer " + METRICS_TOKEN);
            assertThat(ok.statusCode()).isEqualTo(200);
            assertThat(ok.body()).contains("jvm_memory_used_bytes");
        } finally {
            app.stop();
        }
    }
}
