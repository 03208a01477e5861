package io.ingestline.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.ingestline.local.cluster.LocalCluster;
import io.ingestline.model.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code scripts/local-cluster.sh} as a user runs it, with settings exported in the shell it starts from: each
 * service must take only its own, the admin API must be on one edge, the query service must search what an edge
 * took, and a process that dies while the cluster starts must end the script at once, saying why, with every other
 * process stopped.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class LocalClusterScriptIT {
    private static final Path SCRIPT = Path.of("..", "scripts", "local-cluster.sh");
    private static final Pattern ADMIN = Pattern.compile("admin API at (http://127\\.0\\.0\\.1:\\d+) on edge-1 "
            + "\\(token ([^)]+)\\)");
    private static final Pattern EDGE = Pattern.compile("edges at (http://127\\.0\\.0\\.1:\\d+)");
    private static final Pattern QUERY = Pattern.compile("query API at (http://127\\.0\\.0\\.1:\\d+)/apiv2");
    private final HttpClient http = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    @Test
    void exported_admin_and_query_tokens_open_the_admin_api_on_the_first_edge_and_search_what_an_edge_took()
            throws Exception {
        String adminToken = "an-exported-admin-token-" + System.nanoTime();
        String queryToken = "an-exported-query-token-" + System.nanoTime();
        Script script = Script.start(dir, Map.of("INGEST_ADMIN_TOKEN", adminToken, "INGEST_QUERY_TOKENS",
                "ops=" + queryToken));
        try {
            assertThat(script.ready.await(200, TimeUnit.SECONDS)).as("the cluster logs ready; its output:%n%s",
                    script.out).isTrue();
            Matcher admin = ADMIN.matcher(script.out);
            assertThat(admin.find()).as("the ready line names the admin API: %s", script.out).isTrue();
            assertThat(admin.group(2)).isEqualTo(adminToken);
            HttpResponse<String> tokens = http.send(HttpRequest.newBuilder(
                    URI.create(admin.group(1) + "/admin/v1/tokens")).header("Authorization", "Bearer " + adminToken)
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(tokens.statusCode()).as(tokens.body()).isEqualTo(200);
            searches_through_the_query_service_what_an_edge_took(script, queryToken);
        } finally {
            script.process.destroy();
            assertThat(script.process.waitFor(90, TimeUnit.SECONDS)).as("the cluster stops on SIGTERM").isTrue();
        }
        assertThat(script.children).as("no process of the cluster outlives it").noneMatch(ProcessHandle::isAlive);
    }

    @Test
    void a_service_that_dies_during_start_up_ends_the_script_at_once_naming_it_with_its_last_log_lines()
            throws Exception {
        // A sink setting the sink refuses: the sink ends at once, the other services are fine.
        Script script = Script.start(dir, Map.of("INGEST_SINK_WORKERS", "0"));
        boolean ended = script.process.waitFor(150, TimeUnit.SECONDS);
        if (!ended) {
            // SIGTERM, so that it stops what it started (SIGKILL would leave them running)
            script.process.destroy();
            if (!script.process.waitFor(90, TimeUnit.SECONDS)) {
                script.process.destroyForcibly();
            }
        }
        assertThat(ended).as("the script ended; its output:%n%s", script.out).isTrue();
        assertThat(script.process.exitValue()).isNotZero();
        script.pump.join(10_000);
        assertThat(script.out.toString()).contains("sink-1 ended during start-up").contains("INGEST_SINK_WORKERS=0");
        assertThat(script.ready.getCount()).as("never ready").isEqualTo(1);
        assertThat(script.children).as("no process of the cluster outlives it").noneMatch(ProcessHandle::isAlive);
    }

    /** One event through the first edge, then found with the exported query token on the query service. */
    private void searches_through_the_query_service_what_an_edge_took(Script script, String queryToken)
            throws Exception {
        Matcher edge = EDGE.matcher(script.out);
        Matcher query = QUERY.matcher(script.out);
        assertThat(edge.find() && query.find()).as("the ready line names an edge and the query API: %s", script.out)
                .isTrue();
        URI api = URI.create(query.group(1));
        assertThat(get(api.resolve("/health"), null).statusCode()).isEqualTo(200);
        HttpResponse<String> ingest = http.send(HttpRequest.newBuilder(URI.create(edge.group(1)
                + "/v1/datasets/cluster/ingest")).header("Authorization", "Bearer " + LocalCluster.TOKEN)
                .timeout(Duration.ofSeconds(15)).POST(HttpRequest.BodyPublishers.ofString(
                        "[{\"run\":1,\"msg\":\"through the cluster\"}]")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(ingest.statusCode()).as(ingest.body()).isEqualTo(200);
        URI search = api.resolve("/apiv2/events/iterate?dataset=cluster&q=json.run:1&from=-1h");
        // found once the validator and a sink have passed it on (the sinks flush every 500 ms); the cluster is new,
        // so its dataset holds this one event
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            HttpResponse<String> page = get(search, queryToken);
            assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
            JsonNode events = Json.mapper().readTree(page.body()).get("events");
            assertThat(events).extracting(e -> e.get("event").get("json").get("msg").asText())
                    .containsExactly("through the cluster");
        });
        assertThat(get(search, "not-a-query-token").statusCode()).isEqualTo(401);
    }

    private HttpResponse<String> get(URI uri, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The script in a process of its own, its output collected, its child processes noted while it runs. */
    private static final class Script {
        final Process process;
        final StringBuffer out = new StringBuffer();
        final CountDownLatch ready = new CountDownLatch(1);
        final Set<ProcessHandle> children = ConcurrentHashMap.newKeySet();
        final Thread pump;

        private Script(Process process) {
            this.process = process;
            this.pump = new Thread(this::pump, "cluster-script-output");
            pump.setDaemon(true);
            pump.start();
            Thread watcher = new Thread(this::noteChildren, "cluster-script-children");
            watcher.setDaemon(true);
            watcher.start();
        }

        static Script start(Path dir, Map<String, String> exported) throws IOException {
            ProcessBuilder pb = new ProcessBuilder("bash", SCRIPT.toString(), dir.toString(), "2", "1", "1")
                    .redirectErrorStream(true);
            pb.environment().putAll(exported);
            return new Script(pb.start());
        }

        private void pump() {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    System.out.println("[cluster] " + line);
                    out.append(line).append('\n');
                    if (line.startsWith("ready: ")) {
                        ready.countDown();
                    }
                }
            } catch (IOException e) {
                // the process ended
            }
        }

        private void noteChildren() {
            try {
                while (process.isAlive()) {
                    process.descendants().forEach(children::add);
                    Thread.sleep(200);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
