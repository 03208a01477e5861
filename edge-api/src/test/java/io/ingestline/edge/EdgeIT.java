package io.ingestline.edge;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.ingestline.model.auth.ApiToken;
import io.ingestline.kafka.testkit.TestKafka;
import io.ingestline.kafka.testkit.WithKafka;
import io.ingestline.model.Json;
import io.ingestline.model.RawBatch;
import io.ingestline.model.RawBatchCodec;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/** Two edge nodes on a real broker: what they publish, and tokens made on one working on the other. */
@WithKafka
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class EdgeIT {
    private static final String TOKEN = "edge-it-secret";
    private static final String ADMIN = "edge-it-admin-token";

    private final HttpClient http = HttpClient.newHttpClient();
    private final String prefix = TestKafka.uniqueName("edge") + ".";
    private TestKafka kafka;
    private EdgeServer first;
    private EdgeServer second;

    @BeforeAll
    void start(TestKafka kafka) {
        this.kafka = kafka;
        first = EdgeServer.start(EdgeConfig.fromEnv(env(true)));
        second = EdgeServer.start(EdgeConfig.fromEnv(env(true)));
    }

    private Map<String, String> env(boolean admin) {
        Map<String, String> env = new HashMap<>(Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers(),
                "INGEST_TOPIC_PREFIX", prefix,
                "INGEST_HTTP_HOST", "127.0.0.1",
                "INGEST_HTTP_PORT", "0",
                "INGEST_OTLP_PORT", "-1",
                "INGEST_ADMIN_PORT", "0",
                "INGEST_TOKENS", "it=" + TOKEN));
        if (admin) {
            env.put("INGEST_ADMIN_TOKEN", ADMIN);
        }
        return env;
    }

    @AfterAll
    void stop() {
        if (second != null) {
            second.close();
        }
        if (first != null) {
            first.close();
        }
    }

    private HttpResponse<String> post(EdgeServer edge, String dataset, String token, String contentType,
            String encoding, byte[] body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + edge.port() + "/v1/datasets/"
                + dataset + "/ingest")).header("Authorization", "Bearer " + token).header("Content-Type", contentType);
        if (encoding != null) {
            b.header("Content-Encoding", encoding);
        }
        return http.send(b.POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The events published for a dataset, in order: all of them, read to the end of the raw topic. */
    private List<String> published(String dataset) {
        List<RawBatch> batches = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : kafka.readToEnd(prefix + "raw")) {
            RawBatch b = RawBatchCodec.read(r.headers(), r.value());
            if (b.context().target().toString().contains("name=" + dataset + "]")) {
                batches.add(b);
            }
        }
        batches.sort((a, b) -> a.context().receivedAt().compareTo(b.context().receivedAt()) != 0
                ? a.context().receivedAt().compareTo(b.context().receivedAt()) : Integer.compare(a.part(), b.part()));
        List<String> out = new ArrayList<>();
        for (RawBatch b : batches) {
            RawBatch.forEachLine(b.payload(), (i, buf, off, len) -> out.add(new String(buf, off, len, UTF_8)));
        }
        return out;
    }

    @Test
    void gzip_ndjson_and_csv_requests_land_exactly_as_sent() throws Exception {
        String ndjson = "{\"n\":1,\"msg\":\"é ünïcode\",\"f\":1.250}\n{\"n\":2,\"nested\":{\"a\":[true,null]}}\n";
        assertThat(post(first, "formats-ndjson", TOKEN, "application/x-ndjson", "gzip", gzip(ndjson.getBytes(UTF_8)))
                .statusCode()).isEqualTo(200);
        assertThat(post(second, "formats-csv", TOKEN, "text/csv", null,
                "a,b\n1,\"x,y\"\n".getBytes(UTF_8)).statusCode()).isEqualTo(200);

        assertThat(published("formats-ndjson")).containsExactly(
                "{\"n\":1,\"msg\":\"é ünïcode\",\"f\":1.250}", "{\"n\":2,\"nested\":{\"a\":[true,null]}}");
        assertThat(published("formats-csv")).containsExactly("{\"a\":\"1\",\"b\":\"x,y\"}");
    }

    @Test
    void one_bad_event_among_good_ones_is_reported_alone_and_the_others_are_published() throws Exception {
        HttpResponse<String> r = post(first, "mixed", TOKEN, "application/json", null,
                "[{\"ok\":1},{\"_time\":\"not a time\"},{\"ok\":2}]".getBytes(UTF_8));

        JsonNode body = Json.mapper().readTree(r.body());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(body.get("ingested").asInt()).isEqualTo(2);
        assertThat(body.get("failed").asInt()).isEqualTo(1);
        assertThat(body.get("failures").get(0).get("error").asText()).startsWith("event 1:");
        assertThat(published("mixed")).containsExactly("{\"ok\":1}", "{\"ok\":2}");
    }

    @Test
    void a_truncated_ndjson_line_is_refused_alone_and_the_lines_after_it_are_stored() throws Exception {
        String body = "{\"a\":1}\n{\"uid\":\"X1\",\"broken\":\n{\"uid\":\"U2\",\"ok\":true}\r\n{\"uid\":\"U3\",\"ok\":true}\n";
        HttpResponse<String> r = post(second, "ndjson-lines", TOKEN, "application/x-ndjson", null, body.getBytes(UTF_8));

        JsonNode answer = Json.mapper().readTree(r.body());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(answer.get("ingested").asInt()).isEqualTo(3);
        assertThat(answer.get("failed").asInt()).isEqualTo(1);
        assertThat(answer.get("failures").get(0).get("error").asText()).startsWith("line 2: invalid JSON");
        assertThat(published("ndjson-lines")).containsExactly("{\"a\":1}", "{\"uid\":\"U2\",\"ok\":true}",
                "{\"uid\":\"U3\",\"ok\":true}");
    }

    @Test
    void a_token_made_on_one_node_works_on_another_within_seconds_and_stops_when_revoked() throws Exception {
        HttpResponse<String> created = admin("POST", "/admin/v1/tokens",
                "{\"name\":\"ci\",\"datasets\":[\"tok-*\"],\"capabilities\":[\"ingest\"]}");
        assertThat(created.statusCode()).isEqualTo(201);
        JsonNode token = Json.mapper().readTree(created.body());
        String secret = token.get("secret").asText();
        String id = token.get("id").asText();
        byte[] event = "[{\"a\":1}]".getBytes(UTF_8);

        assertThat(post(first, "tok-a", secret, "application/json", null, event).statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> post(second, "tok-a", secret, "application/json", null, event).statusCode() == 200);
        assertThat(post(second, "other", secret, "application/json", null, event).statusCode()).isEqualTo(403);
        HttpResponse<String> listed = admin("GET", "/admin/v1/tokens", null);
        assertThat(listed.body()).contains(id).doesNotContain(secret).doesNotContain(ApiToken.hash(secret));

        assertThat(admin("DELETE", "/admin/v1/tokens/" + id, null).statusCode()).isEqualTo(204);
        assertThat(post(first, "tok-a", secret, "application/json", null, event).statusCode()).isEqualTo(401);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> post(second, "tok-a", secret, "application/json", null, event).statusCode() == 401);
        assertThat(admin("GET", "/admin/v1/tokens/" + id, null).statusCode()).isEqualTo(404);
    }

    @Test
    void a_dcr_put_on_one_node_serves_azure_uploads_on_another_and_every_dialect_lands() throws Exception {
        String dcr = "dcr-0123456789abcdef0123456789abcdef";
        String rule = "{\"properties\":{\"streamDeclarations\":{\"Custom-Raw\":{\"columns\":[{\"name\":\"Computer\","
                + "\"type\":\"string\"}]}},\"dataFlows\":[{\"streams\":[\"Custom-Raw\"],\"destinations\":[\"ws\"],"
                + "\"transformKql\":\"source\",\"outputStream\":\"Custom-Hosts_CL\"}]}}";
        assertThat(admin("PUT", "/admin/v1/dcrs/" + dcr, rule).statusCode()).isEqualTo(200);
        assertThat(admin("PUT", "/admin/v1/dcrs/bad", "{\"properties\":{}}").statusCode()).isEqualTo(400);
        HttpResponse<String> badKql = admin("PUT", "/admin/v1/dcrs/bad", rule.replace("\"source\"",
                "\"source | where Computer > 1\""));
        assertThat(badKql.statusCode()).isEqualTo(400);
        assertThat(badKql.body()).contains("data flow to Custom-Hosts_CL over Custom-Raw: transformKql does not "
                + "compile: line 1, column 25 at '>'")
                .contains("cannot compare string with long");
        URI upload = URI.create("http://127.0.0.1:" + second.port() + "/dataCollectionRules/" + dcr
                + "/streams/Custom-Raw?api-version=2023-01-01");
        await().atMost(Duration.ofSeconds(10)).until(() -> http.send(HttpRequest.newBuilder(upload)
                .header("Authorization", "Bearer " + TOKEN).POST(HttpRequest.BodyPublishers.ofString(
                        "[{\"Computer\":\"c1\"}]")).build(), HttpResponse.BodyHandlers.ofString()).statusCode() == 204);

        String base = "http://127.0.0.1:" + first.port();
        HttpResponse<String> baselime = http.send(HttpRequest.newBuilder(URI.create(base + "/v1/bl-logs"))
                .header("x-api-key", TOKEN).POST(HttpRequest.BodyPublishers.ofString("[{\"b\":1}]")).build(),
                HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> loggly = http.send(HttpRequest.newBuilder(URI.create(base + "/bulk/" + TOKEN + "/tag/it/"))
                .POST(HttpRequest.BodyPublishers.ofString("line one\n{\"l\":2}\n")).build(),
                HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> drain = http.send(HttpRequest.newBuilder(URI.create(base + "/v1/drain"))
                .header("Authorization", TOKEN).POST(HttpRequest.BodyPublishers.ofString("{\"logs\":[{\"project_id\":"
                        + "\"p\",\"timestamp\":\"2024-05-31 15:30:45\",\"level\":\"info\",\"service\":\"s\","
                        + "\"message\":\"m\"}]}")).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(baselime.statusCode()).isEqualTo(202);
        assertThat(loggly.body()).isEqualTo("{\"response\":\"ok\"}");
        assertThat(drain.body()).isEqualTo("{\"status\":\"accepted\"}");
        assertThat(published("bl-logs")).containsExactly("{\"b\":1}");
        assertThat(published("loggly")).containsExactly("{\"message\":\"line one\",\"tags\":[\"it\"]}",
                "{\"l\":2,\"tags\":[\"it\"]}");
        assertThat(published("astralog")).singleElement().asString().contains("\"_time\":\"2024-05-31T15:30:45Z\"");
        assertThat(admin("DELETE", "/admin/v1/dcrs/" + dcr, null).statusCode()).isEqualTo(204);
        await().atMost(Duration.ofSeconds(10)).until(() -> http.send(HttpRequest.newBuilder(upload)
                .header("Authorization", "Bearer " + TOKEN).POST(HttpRequest.BodyPublishers.ofString("[]")).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode() == 404);
    }

    @Test
    void rules_get_a_new_version_on_every_change_and_dry_runs_store_nothing() throws Exception {
        String rule = "{\"properties\":{\"streamDeclarations\":{\"Custom-In\":{\"columns\":[{\"name\":\"Msg\","
                + "\"type\":\"string\"},{\"name\":\"Level\",\"type\":\"int\"}]}},"
                + "\"destinations\":{\"logAnalytics\":[{\"workspaceResourceId\":\"w\",\"name\":\"d\"}]},\"dataFlows\":["
                + "{\"streams\":[\"Custom-In\"],\"destinations\":[\"d\"],\"transformKql\":\"source\","
                + "\"outputStream\":\"Custom-All_CL\"},"
                + "{\"streams\":[\"Custom-In\"],\"destinations\":[\"d\"],\"outputStream\":\"Custom-Ratio_CL\","
                + "\"transformKql\":\"source | where Level > 0 | extend R = 10 / (Level - 1)\"}]}}";
        long v1 = version(admin("PUT", "/admin/v1/dcrs/versioned", rule));
        long v2 = version(admin("PUT", "/admin/v1/dcrs/versioned", rule.replace("{\"properties\"",
                "{\"version\":99,\"properties\"")));
        assertThat(v2).as("a given version is ignored").isGreaterThan(v1).isNotEqualTo(99);
        assertThat(version(admin("GET", "/admin/v1/dcrs/versioned", null))).isEqualTo(v2);
        assertThat(Json.mapper().readTree(admin("GET", "/admin/v1/dcrs/versioned", null).body())
                .at("/properties/destinations/logAnalytics/0/name").asText()).as("the whole rule, as given").isEqualTo("d");
        assertThat(admin("DELETE", "/admin/v1/dcrs/versioned", null).statusCode()).isEqualTo(204);
        long v3 = version(admin("PUT", "/admin/v1/dcrs/versioned", rule));
        assertThat(v3).isGreaterThan(v2);

        HttpResponse<String> dry = admin("POST", "/admin/v1/dry-run", "{\"dcr\":\"versioned\",\"stream\":\"Custom-In\","
                + "\"events\":[{\"Msg\":\"a\",\"Level\":3},{\"Msg\":\"b\",\"Level\":0},{\"Msg\":\"c\",\"Level\":1},"
                + "{\"Level\":\"x\"},7]}");
        assertThat(dry.statusCode()).isEqualTo(200);
        JsonNode results = Json.mapper().readTree(dry.body());
        assertThat(results.at("/rule/key").asText()).isEqualTo("dcr/versioned");
        assertThat(results.at("/rule/version").asLong()).isEqualTo(v3);
        assertThat(results.at("/results/0/outcomes/0/event").toString()).isEqualTo("{\"Msg\":\"a\",\"Level\":3}");
        assertThat(results.at("/results/0/outcomes/1/event").toString())
                .isEqualTo("{\"Msg\":\"a\",\"Level\":3,\"R\":5}");
        assertThat(results.at("/results/1/outcomes/1/outcome").asText()).isEqualTo("dropped");
        assertThat(results.at("/results/2/outcomes/1/outcome").asText()).isEqualTo("error");
        assertThat(results.at("/results/2/outcomes/1/stage").asText()).isEqualTo("transform");
        assertThat(results.at("/results/2/outcomes/1/dataset").asText()).isEqualTo("Ratio_CL");
        assertThat(results.at("/results/3/outcomes/0/error").asText())
                .isEqualTo("column Level is declared int but the event has \"x\"");
        assertThat(results.at("/results/3/outcomes/0/stream").asText()).isEqualTo("Custom-In");
        assertThat(results.at("/results/2/outcomes/1/stream").asText()).isEqualTo("Custom-In");
        assertThat(results.at("/results/4/outcomes/0/stage").asText()).isEqualTo("parse");
        assertThat(results.at("/results/4/outcomes/0/stream").asText()).isEqualTo("Custom-In");

        HttpResponse<String> badDataset = admin("PUT", "/admin/v1/datasets/web-rules",
                "{\"columns\":[{\"name\":\"status\",\"type\":\"int\"}],\"transformKql\":\"source | where nope > 1\"}");
        assertThat(badDataset.statusCode()).isEqualTo(400);
        assertThat(badDataset.body()).contains("line 1, column 16 at 'nope'");
        String datasetRule = "{\"columns\":[{\"name\":\"status\",\"type\":\"int\"}],"
                + "\"transformKql\":\"source | extend ok = status < 400\"}";
        assertThat(version(admin("PUT", "/admin/v1/datasets/web-rules", datasetRule))).isPositive();
        assertThat(admin("GET", "/admin/v1/datasets", null).body()).contains("\"name\":\"web-rules\"");
        HttpResponse<String> datasetDry = admin("POST", "/admin/v1/dry-run", "{\"dataset\":\"web-rules\",\"events\":["
                + "{\"msg\":\"m\",\"status\":\"503\",\"_time\":\"2026-01-02T03:04:05Z\"}]}");
        JsonNode d = Json.mapper().readTree(datasetDry.body()).at("/results/0/outcomes/0");
        assertThat(d.get("event").toString()).isEqualTo("{\"msg\":\"m\",\"_time\":\"2026-01-02T03:04:05Z\","
                + "\"status\":503,\"ok\":false}");
        assertThat(d.get("time").asText()).isEqualTo("2026-01-02T03:04:05Z");
        HttpResponse<String> given = admin("POST", "/admin/v1/dry-run", "{\"dataset\":\"web-rules\",\"rule\":"
                + "{\"transformKql\":\"source | where x > 1\"},\"events\":[]}");
        assertThat(given.statusCode()).isEqualTo(400);
        assertThat(admin("DELETE", "/admin/v1/datasets/web-rules", null).statusCode()).isEqualTo(204);
        assertThat(admin("GET", "/admin/v1/datasets/web-rules", null).statusCode()).isEqualTo(404);
        assertThat(admin("POST", "/admin/v1/dry-run", "{\"events\":{}}").statusCode()).isEqualTo(400);
    }

    /**
     * RE2 has no backreferences: the admin API refuses the rule. The dry run meets the validator's default budget of
     * 50 ms per event: the pattern costs about 700 steps a character, seconds over a 200 kB message.
     */
    @Test
    void a_rule_re2_cannot_run_is_refused_and_a_dry_run_reports_an_event_over_the_rule_budget() throws Exception {
        HttpResponse<String> backreference = admin("PUT", "/admin/v1/datasets/re2-rules",
                "{\"columns\":[{\"name\":\"msg\",\"type\":\"string\"}],"
                        + "\"transformKql\":\"source | where msg matches regex @'(a)\\\\1'\"}");
        assertThat(backreference.statusCode()).isEqualTo(400);
        assertThat(backreference.body()).contains("invalid escape sequence").contains("RE2");

        String rule = "{\"columns\":[{\"name\":\"msg\",\"type\":\"string\"}],"
                + "\"transformKql\":\"source | extend words = msg matches regex @'(\\\\w+\\\\s?){1,100}$'\"}";
        HttpResponse<String> dry = admin("POST", "/admin/v1/dry-run", "{\"dataset\":\"re2-rules\",\"rule\":" + rule
                + ",\"events\":[{\"msg\":\"" + "a".repeat(200_000) + "!\"},{\"msg\":\"a b\"}]}");
        assertThat(dry.statusCode()).isEqualTo(200);
        JsonNode results = Json.mapper().readTree(dry.body()).get("results");
        assertThat(results.at("/0/outcomes/0/stage").asText()).isEqualTo("transform");
        assertThat(results.at("/0/outcomes/0/dataset").asText()).isEqualTo("re2-rules");
        assertThat(results.at("/0/outcomes/0/error").asText())
                .isEqualTo("the rule ran over its time budget of 50 ms per event");
        assertThat(results.at("/1/outcomes/0/event").toString()).isEqualTo("{\"msg\":\"a b\",\"words\":true}");
    }

    private static long version(HttpResponse<String> response) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        long version = Json.mapper().readTree(response.body()).get("version").asLong();
        assertThat(response.headers().firstValue("ETag")).contains("\"" + version + "\"");
        return version;
    }

    /** A dataset rule whose transformation names the change that stored it. */
    private static String markedRule(String mark) {
        return "{\"columns\":[{\"name\":\"n\",\"type\":\"int\"}],\"transformKql\":\"source | extend mark = '"
                + mark + "'\"}";
    }

    private static String markOf(HttpResponse<String> response) throws Exception {
        return Json.mapper().readTree(response.body()).get("transformKql").asText().replaceAll(".*'(.*)'.*", "$1");
    }

    @Test
    void concurrent_changes_of_one_rule_on_two_nodes_get_distinct_versions_and_both_nodes_agree() throws Exception {
        long seed = System.nanoTime();
        System.out.println("rule race seed: " + seed);
        Random random = new Random(seed);
        String name = "race-" + random.nextInt(1_000_000);
        int perNode = 6 + random.nextInt(5);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<Map<Long, String>>> nodes = new ArrayList<>();
            for (EdgeServer node : List.of(first, second)) {
                String who = node == first ? "a" : "b";
                nodes.add(pool.submit(() -> {
                    Map<Long, String> answered = new HashMap<>();
                    for (int i = 0; i < perNode; i++) {
                        String mark = who + i;
                        HttpResponse<String> r = admin(node, "PUT", "/admin/v1/datasets/" + name, markedRule(mark), null);
                        answered.put(version(r), mark);
                    }
                    return answered;
                }));
            }
            Map<Long, String> all = new HashMap<>();
            for (Future<Map<Long, String>> f : nodes) {
                all.putAll(f.get(60, TimeUnit.SECONDS));
            }
            assertThat(all).as("every change got a version of its own").hasSize(2 * perNode);
            long last = all.keySet().stream().mapToLong(Long::longValue).max().orElseThrow();
            for (EdgeServer node : List.of(first, second)) {
                await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                    HttpResponse<String> got = admin(node, "GET", "/admin/v1/datasets/" + name, null, null);
                    assertThat(version(got)).isEqualTo(last);
                    assertThat(markOf(got)).isEqualTo(all.get(last));
                });
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void a_change_based_on_a_stale_version_gets_412_and_changes_nothing_and_of_two_racing_one_wins() throws Exception {
        String path = "/admin/v1/datasets/cas-" + TestKafka.uniqueName("r").replaceAll("[^A-Za-z0-9-]", "-");
        long v1 = version(admin(first, "PUT", path, markedRule("one"), null));
        long v2 = version(admin(second, "PUT", path, markedRule("two"), v1));
        assertThat(v2).isGreaterThan(v1);

        HttpResponse<String> stale = admin(first, "PUT", path, markedRule("stale"), v1);
        assertThat(stale.statusCode()).as(stale.body()).isEqualTo(412);
        assertThat(admin(first, "DELETE", path, null, v1).statusCode()).isEqualTo(412);
        for (EdgeServer node : List.of(first, second)) {
            HttpResponse<String> got = admin(node, "GET", path, null, null);
            assertThat(version(got)).isEqualTo(v2);
            assertThat(markOf(got)).isEqualTo("two");
        }

        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<HttpResponse<String>> a = pool.submit(() -> admin(first, "PUT", path, markedRule("a"), v2));
            Future<HttpResponse<String>> b = pool.submit(() -> admin(second, "PUT", path, markedRule("b"), v2));
            List<HttpResponse<String>> answers = List.of(a.get(30, TimeUnit.SECONDS), b.get(30, TimeUnit.SECONDS));
            assertThat(answers.stream().map(HttpResponse::statusCode).sorted().toList()).containsExactly(200, 412);
            HttpResponse<String> winner = answers.stream().filter(r -> r.statusCode() == 200).findFirst().orElseThrow();
            for (EdgeServer node : List.of(first, second)) {
                await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                    HttpResponse<String> got = admin(node, "GET", path, null, null);
                    assertThat(markOf(got)).isEqualTo(markOf(winner));
                });
            }
            long current = version(admin(first, "GET", path, null, null));
            assertThat(admin(second, "DELETE", path, null, current).statusCode()).isEqualTo(204);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void a_new_dataset_has_its_topic_with_leaders_before_the_answer_whichever_node_and_dialect() throws Exception {
        String dataset = "fresh-" + Long.toHexString(System.nanoTime());
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            List<Future<HttpResponse<String>>> answers = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                EdgeServer node = i % 2 == 0 ? first : second;
                answers.add(pool.submit(() -> post(node, dataset, TOKEN, "application/json", null,
                        "[{\"a\":1}]".getBytes(UTF_8))));
            }
            for (Future<HttpResponse<String>> f : answers) {
                assertThat(f.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
            }
            TopicDescription topic = admin.describeTopics(List.of(prefix + "ds." + dataset)).allTopicNames()
                    .get(10, TimeUnit.SECONDS).get(prefix + "ds." + dataset);
            assertThat(topic.partitions()).isNotEmpty().allSatisfy(p -> assertThat(p.leader()).isNotNull());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void the_admin_api_refuses_a_wrong_admin_token_and_bad_requests() throws Exception {
        HttpResponse<String> wrong = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + first.adminPort()
                + "/admin/v1/tokens")).header("Authorization", "Bearer " + TOKEN).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(admin("POST", "/admin/v1/tokens", "{\"name\":\"x\",\"datasets\":[\"a/b\"]}").statusCode()).isEqualTo(400);
        assertThat(admin("POST", "/admin/v1/tokens", "{\"datasets\":[\"a\"]}").statusCode()).isEqualTo(400);
        assertThat(admin("DELETE", "/admin/v1/tokens/it", null).statusCode()).as("fixed tokens stay").isEqualTo(409);
        Map<String, String> noAdmin = env(false);
        try (EdgeServer plain = EdgeServer.start(EdgeConfig.fromEnv(noAdmin))) {
            assertThat(plain.adminPort()).as("no admin token, no admin API").isEqualTo(-1);
        }
    }

    private HttpResponse<String> admin(String method, String path, String body) throws Exception {
        return admin(first, method, path, body, null);
    }

    private HttpResponse<String> admin(EdgeServer node, String method, String path, String body, Long ifMatch)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.adminPort() + path))
                .header("Authorization", "Bearer " + ADMIN);
        if (ifMatch != null) {
            b.header("If-Match", "\"" + ifMatch + "\"");
        }
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static byte[] gzip(byte[] data) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(data);
        }
        return out.toByteArray();
    }
}
