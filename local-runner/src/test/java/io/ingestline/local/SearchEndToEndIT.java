package io.ingestline.local;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.ingestline.kafka.testkit.TestKafka;
import io.ingestline.kafka.testkit.WithKafka;
import io.ingestline.model.Json;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * In through all five dialects, out through Loggly's retrieval API: every event sent is stored once and found by field,
 * tag, phrase, range and time-bounded queries, 20,000 events page through {@code iterate} with none missing or
 * repeated, and dead-lettered events are found in {@code _deadletter} with their reason. What each query should find
 * is computed here with plain Java predicates over the stored files (read with Jackson), never by the query code.
 * The events are seeded: {@code -Dsearch.seed=<seed>} replays a run.
 */
@WithKafka
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 420, unit = TimeUnit.SECONDS)
class SearchEndToEndIT {
    private static final String TOKEN = "search-e2e-secret";
    private static final String ADMIN = "search-e2e-admin";
    private static final String DCR = "dcr-00000000000000000000000000search";
    private static final String STREAM = "Custom-SearchRaw";
    private static final int AXIOM_EVENTS = 20_000;
    private static final int OTHER_EVENTS = 400;
    private static final int MAX_FIELDS = 50;
    private static final List<String> WORDS = List.of("alpha", "beta", "gamma", "delta", "omega");
    private static final List<String> LEVELS = List.of("info", "warn", "error");

    /** Where a dialect's events land and where each generated value sits in a stored event. */
    record Dialect(String name, String dataset, String uid, String level, String status, String message) {
    }

    private static final Dialect AXIOM = new Dialect("axiom", "s-axiom", "uid", "level", "status", "message");
    private static final Dialect BASELIME = new Dialect("baselime", "s-baselime", "uid", "level", "status", "message");
    private static final Dialect AZURE = new Dialect("azure", "SearchTable_CL", "Uid", "Level", "Status", "Message");
    private static final Dialect ASTRALOG = new Dialect("astralog", "s-astra", "metadata.uid", "level",
            "metadata.status", "message");
    private static final Dialect LOGGLY = new Dialect("loggly", "s-loggly", "uid", "level", "status", "message");
    private static final List<Dialect> DIALECTS = List.of(AXIOM, BASELIME, AZURE, ASTRALOG, LOGGLY);

    private final HttpClient http = HttpClient.newHttpClient();
    private final Map<String, Set<String>> sentUids = new HashMap<>();
    private final Set<String> deadUids = new HashSet<>();
    private final long seed = Long.getLong("search.seed", System.nanoTime());
    private final Random random = new Random(seed);
    private Path dataDir;
    private Pipeline pipeline;
    private Instant start;
    private int counter;

    @BeforeAll
    void ingest_through_every_dialect(TestKafka kafka) throws Exception {
        System.out.println("SearchEndToEndIT seed " + seed + " (-Dsearch.seed=" + seed + " replays it)");
        dataDir = Files.createTempDirectory("search-e2e");
        pipeline = Pipeline.start(Map.ofEntries(
                Map.entry("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers()),
                Map.entry("INGEST_TOPIC_PREFIX", TestKafka.uniqueName("search") + "."),
                Map.entry("INGEST_HTTP_HOST", "127.0.0.1"), Map.entry("INGEST_HTTP_PORT", "0"),
                Map.entry("INGEST_OTLP_PORT", "-1"),
                Map.entry("INGEST_ADMIN_PORT", "0"), Map.entry("INGEST_ADMIN_TOKEN", ADMIN),
                Map.entry("INGEST_VALIDATOR_HTTP_PORT", "0"), Map.entry("INGEST_SINK_HTTP_PORT", "0"),
                Map.entry("INGEST_QUERY_HOST", "127.0.0.1"), Map.entry("INGEST_QUERY_PORT", "0"),
                Map.entry("INGEST_QUERY_RATE_PER_TOKEN", "0"),
                Map.entry("INGEST_TOKENS", "e2e=" + TOKEN), Map.entry("INGEST_QUERY_TOKENS", "e2e=" + TOKEN),
                Map.entry("INGEST_ASTRALOG_PROJECTS", "p-search=" + ASTRALOG.dataset()),
                Map.entry("INGEST_LOGGLY_DATASET", LOGGLY.dataset()),
                Map.entry("INGEST_VALIDATOR_MAX_FIELDS", Integer.toString(MAX_FIELDS)),
                Map.entry("INGEST_DATA_DIR", dataDir.toString()),
                Map.entry("INGEST_VALIDATOR_APP_ID", TestKafka.uniqueName("validator")),
                Map.entry("INGEST_VALIDATOR_STATE_DIR", dataDir.resolve("validator").toString()),
                Map.entry("INGEST_SINK_GROUP", TestKafka.uniqueName("sink")),
                Map.entry("INGEST_SINK_FLUSH_MS", "300"),
                Map.entry("KAFKA_CONSUMER_METADATA_MAX_AGE_MS", "1000")));
        start = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        putDcr();
        for (int r = 0; r < AXIOM_EVENTS / 1_000; r++) {
            send(AXIOM, 1_000);
        }
        for (int r = 0; r < 4; r++) {
            for (Dialect d : List.of(BASELIME, AZURE, ASTRALOG, LOGGLY)) {
                send(d, OTHER_EVENTS / 4);
            }
        }
        sendDeadLetters();
        for (Dialect d : DIALECTS) {
            int expected = sentUids.get(d.dataset()).size();
            await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> StoredEvents.read(dataDir, d.dataset()).size() >= expected);
        }
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1))
                .until(() -> StoredEvents.read(dataDir, "_deadletter").size() >= deadUids.size());
    }

    @AfterAll
    void stop() {
        if (pipeline != null) {
            pipeline.close();
        }
    }

    @Test
    void every_event_sent_is_stored_once_and_found_by_its_own_uid() throws Exception {
        for (Dialect d : DIALECTS) {
            List<JsonNode> stored = StoredEvents.read(dataDir, d.dataset());
            List<String> uids = stored.stream().map(e -> text(e, d.uid())).toList();
            assertThat(uids).as(d.name()).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(sentUids.get(d.dataset()));
            for (int i = 0; i < 3; i++) {
                String uid = uids.get(random.nextInt(uids.size()));
                assertThat(search(d, "json." + d.uid() + ":" + uid, "-2d", "now")).as(d.name() + " " + uid)
                        .containsExactly(uid);
            }
        }
    }

    @Test
    void field_tag_phrase_range_and_time_queries_find_exactly_what_the_stored_events_hold() throws Exception {
        for (Dialect d : DIALECTS) {
            List<JsonNode> stored = StoredEvents.read(dataDir, d.dataset());
            String level = LEVELS.get(random.nextInt(LEVELS.size()));
            check(d, stored, "json." + d.level() + ":" + level, e -> text(e, d.level()).equalsIgnoreCase(level));
            String w1 = WORDS.get(random.nextInt(WORDS.size()));
            String w2 = WORDS.get(random.nextInt(WORDS.size()));
            String phrase = "order " + w1 + " " + w2;
            check(d, stored, "\"" + phrase + "\"", e -> (text(e, d.message()) + " ").toLowerCase(Locale.ROOT)
                    .contains(phrase + " "));
            int low = 200 + random.nextInt(200);
            int high = low + random.nextInt(200);
            check(d, stored, "json." + d.status() + ":[" + low + " TO " + high + "]", e -> {
                long s = number(e, d.status());
                return s >= low && s <= high;
            });
            check(d, stored, "json." + d.level() + ":" + level + " AND NOT " + w1,
                    e -> text(e, d.level()).equalsIgnoreCase(level) && !text(e, d.message()).contains(" " + w1 + " "));
            // A time-bounded search, between two instants inside the spread of the events' times.
            Instant from = start.minus(Duration.ofMinutes(random.nextInt(30 * 60)));
            Instant until = from.plus(Duration.ofMinutes(1 + random.nextInt(6 * 60)));
            List<String> inRange = stored.stream().filter(e -> {
                Instant t = Instant.parse(e.get("_time").asText());
                return !t.isBefore(from) && t.isBefore(until);
            }).map(e -> text(e, d.uid())).toList();
            assertThat(search(d, "*", from.toString(), Long.toString(until.toEpochMilli())))
                    .as("%s from %s until %s", d.name(), from, until).containsExactlyInAnyOrderElementsOf(inRange);
        }
        List<JsonNode> loggly = StoredEvents.read(dataDir, LOGGLY.dataset());
        check(LOGGLY, loggly, "tag:t-a", e -> tags(e).contains("t-a"));
        check(LOGGLY, loggly, "tag:t-b AND json.level:warn", e -> tags(e).contains("t-b") && text(e, "level").equals("warn"));
    }

    @Test
    void iterate_pages_through_20000_events_with_none_missing_or_repeated() throws Exception {
        String url = api("/apiv2/events/iterate?dataset=" + AXIOM.dataset() + "&q=*&from=-2d&until=now&order=asc&size=1000");
        List<String> seen = new ArrayList<>();
        Instant last = Instant.EPOCH;
        int pages = 0;
        while (url != null) {
            JsonNode page = get(url);
            for (JsonNode e : page.get("events")) {
                seen.add(e.get("event").get("json").get("uid").asText());
                Instant t = Instant.ofEpochMilli(e.get("timestamp").asLong());
                assertThat(t).isAfterOrEqualTo(last);
                last = t;
            }
            url = page.has("next") ? page.get("next").asText() : null;
            pages++;
        }
        assertThat(seen).hasSize(AXIOM_EVENTS).doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(sentUids.get(AXIOM.dataset()));
        assertThat(pages).isEqualTo(AXIOM_EVENTS / 1_000);
    }

    @Test
    void dead_lettered_events_are_found_with_their_stage_and_reason() throws Exception {
        String q = "json.stage:validate AND json.dataset:" + AXIOM.dataset();
        String url = api("/apiv2/events/iterate?dataset=_deadletter&from=-1h&size=1000&q="
                + URLEncoder.encode(q, UTF_8));
        JsonNode page = get(url);
        Set<String> found = new HashSet<>();
        for (JsonNode e : page.get("events")) {
            JsonNode dead = e.get("event").get("json");
            assertThat(dead.get("reason").asText()).contains("fields").contains(Integer.toString(MAX_FIELDS));
            found.add(Json.mapper().readTree(dead.get("original").asText()).get("uid").asText());
        }
        assertThat(found).isEqualTo(deadUids);
        // The rsid form of the same search, with Loggly's count.
        String id = get(api("/apiv2/search?dataset=_deadletter&from=-1h&q=" + URLEncoder.encode(q, UTF_8)))
                .get("rsid").get("id").asText();
        assertThat(get(api("/apiv2/events?rsid=" + URLEncoder.encode(id, UTF_8))).get("total_events").asInt())
                .isEqualTo(deadUids.size());
    }

    private void check(Dialect d, List<JsonNode> stored, String query, Predicate<JsonNode> expected) throws Exception {
        List<String> want = stored.stream().filter(expected).map(e -> text(e, d.uid())).toList();
        assertThat(search(d, query, "-2d", "now")).as("%s: %s", d.name(), query).containsExactlyInAnyOrderElementsOf(want);
    }

    /** Every event a query finds in a dataset, through iterate, each page at most 1,000. */
    private List<String> search(Dialect d, String query, String from, String until) throws Exception {
        String url = api("/apiv2/events/iterate?dataset=" + d.dataset() + "&size=1000&q=" + URLEncoder.encode(query, UTF_8)
                + "&from=" + URLEncoder.encode(from, UTF_8) + "&until=" + URLEncoder.encode(until, UTF_8));
        List<String> uids = new ArrayList<>();
        while (url != null) {
            JsonNode page = get(url);
            page.get("events").forEach(e -> uids.add(text(e.get("event").get("json"), d.uid())));
            url = page.has("next") ? page.get("next").asText() : null;
        }
        return uids;
    }

    // ---- sending ----

    private void send(Dialect d, int n) throws Exception {
        List<Map<String, Object>> events = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String uid = d.name() + "-" + (counter++);
            sentUids.computeIfAbsent(d.dataset(), k -> new HashSet<>()).add(uid);
            Instant time = start.minus(Duration.ofSeconds(1 + random.nextInt(30 * 3600)));
            String message = "order " + WORDS.get(random.nextInt(WORDS.size())) + " "
                    + WORDS.get(random.nextInt(WORDS.size())) + " shipped " + random.nextInt(1000);
            Map<String, Object> e = new HashMap<>();
            e.put("uid", uid);
            e.put("time", time.toString());
            e.put("level", LEVELS.get(random.nextInt(LEVELS.size())));
            e.put("status", 200 + random.nextInt(400));
            e.put("message", message);
            events.add(e);
        }
        HttpResponse<String> r = switch (d.name()) {
            case "axiom" -> post("/v1/datasets/" + d.dataset() + "/ingest", "Authorization", "Bearer " + TOKEN,
                    json(events.stream().map(e -> flat(e, "_time")).toList()));
            case "baselime" -> post("/v1/" + d.dataset(), "x-api-key", TOKEN,
                    json(events.stream().map(e -> flat(e, "_time")).toList()));
            case "azure" -> post("/dataCollectionRules/" + DCR + "/streams/" + STREAM + "?api-version=2023-01-01",
                    "Authorization", "Bearer " + TOKEN, json(events.stream().map(e -> Map.of("Time", e.get("time"),
                            "Uid", e.get("uid"), "Level", e.get("level"), "Status", e.get("status"),
                            "Message", e.get("message"))).toList()));
            case "astralog" -> post("/v1/drain", "Authorization", TOKEN, json(Map.of("logs", events.stream()
                    .map(e -> Map.of("project_id", "p-search", "timestamp", e.get("time"), "level", e.get("level"),
                            "service", "shop", "message", e.get("message"),
                            "metadata", Map.of("uid", e.get("uid"), "status", e.get("status")))).toList())));
            default -> {
                StringBuilder lines = new StringBuilder();
                events.forEach(e -> lines.append(json(flat(e, "timestamp"))).append('\n'));
                yield post("/bulk/" + TOKEN + "/tag/" + (counter % 2 == 0 ? "t-a" : "t-b") + "/", null, null,
                        lines.toString());
            }
        };
        assertThat(r.statusCode() / 100).as("%s: %s", d.name(), r.body()).isEqualTo(2);
    }

    /** Five Axiom events over the validator's field limit: dead letters at stage validate. */
    private void sendDeadLetters() throws Exception {
        List<Map<String, Object>> events = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            Map<String, Object> e = new HashMap<>();
            String uid = "dead-" + i;
            deadUids.add(uid);
            e.put("uid", uid);
            for (int f = 0; f < MAX_FIELDS + 5; f++) {
                e.put("f" + f, f);
            }
            events.add(e);
        }
        HttpResponse<String> r = post("/v1/datasets/" + AXIOM.dataset() + "/ingest", "Authorization", "Bearer " + TOKEN,
                json(events));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }

    private void putDcr() throws Exception {
        String rule = """
                {"properties":{"streamDeclarations":{"%s":{"columns":[{"name":"Time","type":"datetime"},
                  {"name":"Uid","type":"string"},{"name":"Level","type":"string"},{"name":"Status","type":"long"},
                  {"name":"Message","type":"string"}]}},
                 "dataFlows":[{"streams":["%s"],"destinations":["ws"],"outputStream":"Custom-%s",
                   "transformKql":"source | extend TimeGenerated = Time"}]}}""".formatted(STREAM, STREAM, AZURE.dataset());
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + pipeline.adminPort()
                        + "/admin/v1/dcrs/" + DCR)).header("Authorization", "Bearer " + ADMIN)
                .PUT(HttpRequest.BodyPublishers.ofString(rule, UTF_8)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }

    private static Map<String, Object> flat(Map<String, Object> e, String timeField) {
        Map<String, Object> out = new HashMap<>(e);
        out.put(timeField, out.remove("time"));
        return out;
    }

    private HttpResponse<String> post(String path, String header, String value, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + pipeline.httpPort() + path))
                .header("Content-Type", "application/json").timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.ofString(body, UTF_8));
        if (header != null) {
            b.header(header, value);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private String api(String pathAndQuery) {
        return "http://127.0.0.1:" + pipeline.queryPort() + pathAndQuery;
    }

    private JsonNode get(String url) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(120))
                .header("Authorization", "Bearer " + TOKEN).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as("%s: %s", url, r.body()).isEqualTo(200);
        return Json.mapper().readTree(r.body());
    }

    private static String json(Object value) {
        try {
            return Json.mapper().writeValueAsString(value);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The value at a dotted path of a stored event, as text ("" when absent). */
    private static String text(JsonNode event, String path) {
        JsonNode n = event;
        for (String key : path.split("\\.")) {
            n = n.path(key);
        }
        return n.isMissingNode() || n.isNull() ? "" : n.asText();
    }

    private static long number(JsonNode event, String path) {
        JsonNode n = event;
        for (String key : path.split("\\.")) {
            n = n.path(key);
        }
        return n.isNumber() ? n.asLong() : Long.MIN_VALUE;
    }

    private static Set<String> tags(JsonNode event) {
        Set<String> out = new HashSet<>();
        event.path("tags").forEach(t -> out.add(t.asText()));
        return out;
    }
}
