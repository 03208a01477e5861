package io.ingestline.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.ingestline.model.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged local mode as a user runs it: {@code java -jar target/ingestline-local.jar}, stopped with a signal
 * (SIGTERM here; Ctrl-C's SIGINT runs the same shutdown hook) and started again on the same data directory.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class LocalModeIT {
    private static final Path JAR = Path.of("target", "ingestline-local.jar");

    @TempDir
    Path dataDir;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void events_acknowledged_before_a_stop_are_stored_once_after_a_restart() throws Exception {
        assertThat(JAR).as("the packaged local mode (mvn package builds it)").exists();
        int httpPort = freePort();
        int queryPort = freePort();
        Map<String, String> env = Map.of(
                "INGEST_DATA_DIR", dataDir.toString(),
                "INGEST_HTTP_PORT", Integer.toString(httpPort),
                "INGEST_QUERY_PORT", Integer.toString(queryPort),
                "INGEST_VALIDATOR_HTTP_PORT", "0",
                "INGEST_SINK_HTTP_PORT", "0",
                "INGEST_OTLP_PORT", "-1",
                "INGEST_KAFKA_PORT", Integer.toString(freePort()),
                "INGEST_KAFKA_CONTROLLER_PORT", Integer.toString(freePort()));

        Process first = start(env);
        String token = Files.readString(dataDir.resolve("dev-token")).trim();
        assertThat(post(httpPort, token, "[{\"run\":1,\"n\":1},{\"run\":1,\"n\":2}]")).isEqualTo(200);
        // Stop at once: the events may still be on their way through the validator and the sink.
        stop(first);

        Process second = start(env);
        assertThat(Files.readString(dataDir.resolve("dev-token")).trim()).as("the generated token is kept").isEqualTo(token);
        assertThat(post(httpPort, token, "[{\"run\":2,\"n\":3},{\"run\":2,\"n\":4}]")).isEqualTo(200);
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> StoredEvents.read(dataDir, "local").size() >= 4);
            List<JsonNode> stored = StoredEvents.read(dataDir, "local");
            assertThat(stored).extracting(e -> e.get("n").asInt()).containsExactlyInAnyOrder(1, 2, 3, 4);
            assertThat(stored).extracting(e -> e.get("_id").asText()).doesNotHaveDuplicates();
            // The same development token searches what was stored, through the query service local mode started.
            JsonNode page = Json.mapper().readTree(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                    + queryPort + "/apiv2/events/iterate?dataset=local&q=json.run:2&from=-1h&order=asc"))
                    .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString()).body());
            // both have the receive time of one request: their order is where they are stored, not n's
            assertThat(page.get("events")).extracting(e -> e.get("event").get("json").get("n").asInt())
                    .containsExactlyInAnyOrder(3, 4);
        } finally {
            stop(second);
        }
    }

    private int post(int port, String token, String body) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/v1/datasets/local/ingest"))
                .header("Authorization", "Bearer " + token)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(Json.mapper().readTree(r.body()).path("ingested").asInt()).isEqualTo(2);
        return r.statusCode();
    }

    /** Starts local mode and waits for its "ready" line, echoing its output to this test's log. */
    private static Process start(Map<String, String> env) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-jar", JAR.toString()).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        CountDownLatch ready = new CountDownLatch(1);
        Thread pump = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                    System.out.println("[local] " + line);
                    if (line.contains("ready: http://")) {
                        ready.countDown();
                    }
                }
            } catch (IOException e) {
                // the process ended
            }
        }, "local-mode-output");
        pump.setDaemon(true);
        pump.start();
        if (!ready.await(90, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("local mode did not log ready within 90 s");
        }
        return p;
    }

    private static void stop(Process p) throws InterruptedException {
        p.destroy();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("local mode did not stop within 60 s of SIGTERM");
        }
    }

    /** Ports handed out by {@link #freePort}: the system may give a closed one again, and two settings must differ. */
    private static final java.util.Set<Integer> GIVEN = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /** A free port on 127.0.0.1, none given twice in this JVM. */
    private static int freePort() throws IOException {
        while (true) {
            int port = anyFreePort();
            if (GIVEN.add(port)) {
                return port;
            }
        }
    }

    private static int anyFreePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }
}
