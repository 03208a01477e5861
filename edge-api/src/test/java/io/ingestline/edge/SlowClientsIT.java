package io.ingestline.edge;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ingestline.kafka.testkit.TestKafka;
import io.ingestline.kafka.testkit.WithKafka;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Slow and abusive clients on a running edge: a slowloris (headers trickled a byte at a time) and a thousand stalled
 * uploads (headers and part of the body, then nothing) neither starve other clients nor stay connected past the idle
 * timeout.
 */
@WithKafka
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class SlowClientsIT {
    private static final String TOKEN = "slow-it-secret";
    private static final int STALLED = 1000;
    private static final int TRICKLING = 50;
    /** Longer than other clients may wait, so that only threads to spare can serve them. */
    private static final long IDLE_MS = 20_000;

    @Test
    void a_slowloris_and_a_thousand_stalled_uploads_do_not_starve_others_and_are_cut_off(TestKafka kafka)
            throws Exception {
        EdgeServer edge = EdgeServer.start(EdgeConfig.fromEnv(Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers(),
                "INGEST_TOPIC_PREFIX", TestKafka.uniqueName("slow") + ".",
                "INGEST_HTTP_HOST", "127.0.0.1",
                "INGEST_HTTP_PORT", "0",
                "INGEST_OTLP_PORT", "-1",
                "INGEST_TOKENS", "it=" + TOKEN,
                "INGEST_HTTP_IDLE_TIMEOUT_MS", Long.toString(IDLE_MS))));
        ExecutorService trickle = Executors.newFixedThreadPool(TRICKLING);
        List<Socket> stalled = new ArrayList<>();
        try (edge; CapturedLogs logs = new CapturedLogs()) {
            String head = "POST /v1/ingest/slow HTTP/1.1\r\nHost: edge\r\nAuthorization: Bearer " + TOKEN
                    + "\r\nContent-Type: application/json\r\n";
            AtomicInteger cut = new AtomicInteger();
            List<CompletableFuture<Void>> slowloris = new ArrayList<>();
            for (int i = 0; i < TRICKLING; i++) {
                slowloris.add(CompletableFuture.runAsync(() -> trickle(edge.port(), head, cut), trickle));
            }
            for (int i = 0; i < STALLED; i++) {
                Socket s = new Socket("127.0.0.1", edge.port());
                s.getOutputStream().write((head + "Content-Length: 100000\r\n\r\n[{\"a\":").getBytes(ISO_8859_1));
                stalled.add(s);
            }

            // While they hang, another client is served, each request within a bounded wait.
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(20)).build();
            for (int i = 0; i < 20; i++) {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + edge.port()
                        + "/v1/ingest/other")).header("Authorization", "Bearer " + TOKEN)
                        .timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.ofString("[{\"n\":" + i + "}]"))
                        .build(), HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            }

            // Every stalled upload is answered 408 or closed, well within the wait (the idle timeout and some).
            for (Socket s : stalled) {
                s.setSoTimeout(60_000);
                String answer = readAnswer(s.getInputStream());
                assertThat(answer).as("a stalled upload's answer").satisfiesAnyOf(
                        a -> assertThat(a).isEmpty(), a -> assertThat(a).startsWith("HTTP/1.1 408"));
            }
            // Every slowloris is cut off although its bytes keep moving.
            await().atMost(Duration.ofSeconds(60)).until(() -> cut.get() == TRICKLING);
            CompletableFuture.allOf(slowloris.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
            assertThat(logs.warnings()).as("log lines at WARN or above").isEmpty();
        } finally {
            trickle.shutdownNow();
            for (Socket s : stalled) {
                s.close();
            }
        }
    }

    @Test
    void a_body_slower_than_the_minimum_rate_gets_408_in_the_dialects_shape(TestKafka kafka) throws Exception {
        try (EdgeServer edge = EdgeServer.start(EdgeConfig.fromEnv(Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers(),
                "INGEST_TOPIC_PREFIX", TestKafka.uniqueName("rate") + ".",
                "INGEST_HTTP_HOST", "127.0.0.1",
                "INGEST_HTTP_PORT", "0",
                "INGEST_OTLP_PORT", "-1",
                "INGEST_TOKENS", "it=" + TOKEN,
                "INGEST_HTTP_IDLE_TIMEOUT_MS", "1000",
                "INGEST_HTTP_MIN_DATA_RATE_BYTES", "1024")));
                Socket s = new Socket("127.0.0.1", edge.port())) {
            s.setSoTimeout(60_000);
            s.getOutputStream().write(("POST /bulk/" + TOKEN + " HTTP/1.1\r\nHost: edge\r\nContent-Length: 100000\r\n\r\n")
                    .getBytes(ISO_8859_1));
            // 10 bytes a second, never idle for long: only the minimum rate can cut it off
            StringBuilder answer = new StringBuilder();
            byte[] buf = new byte[4096];
            for (int i = 0; i < 300 && answer.indexOf("\r\n\r\n") < 0; i++) {
                try {
                    s.getOutputStream().write('x');
                    Thread.sleep(100);
                    while (s.getInputStream().available() > 0) {
                        int n = s.getInputStream().read(buf);
                        answer.append(new String(buf, 0, n, ISO_8859_1));
                    }
                } catch (java.net.SocketException closed) {
                    break;
                }
            }
            // answered while the body still trickled (30 s of it), not once the client stopped
            assertThat(answer.toString()).startsWith("HTTP/1.1 408");
            for (int n; answer.indexOf("}") < 0 && (n = s.getInputStream().read(buf)) > 0; ) {
                answer.append(new String(buf, 0, n, ISO_8859_1));
            }
            assertThat(answer.toString()).startsWith("HTTP/1.1 408").contains("{\"response\":\"error\"");
        }
    }

    /** Sends the headers a byte every 100 ms, never ending them, until the server closes the connection. */
    private static void trickle(int port, String head, AtomicInteger cut) {
        String endless = head + "X-Padding: " + "a".repeat(1_000_000);
        try (Socket s = new Socket("127.0.0.1", port)) {
            for (int i = 0; i < endless.length(); i++) {
                s.getOutputStream().write(endless.charAt(i));
                s.getOutputStream().flush();
                Thread.sleep(100);
            }
        } catch (IOException e) {
            cut.incrementAndGet();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** What the server sent before closing; a read timeout means the connection was left open. */
    private static String readAnswer(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        byte[] buf = new byte[4096];
        try {
            for (int n; (n = in.read(buf)) >= 0; ) {
                b.append(new String(buf, 0, n, ISO_8859_1));
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError("a stalled upload is still connected after 60 s", e);
        } catch (java.net.SocketException reset) {
            // closed by the server
        }
        return b.toString();
    }
}
