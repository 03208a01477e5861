package io.ingestline.query.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ingestline.model.auth.ApiToken;
import io.ingestline.model.auth.RateLimiter;
import io.ingestline.model.auth.TokenAuthenticator;
import io.ingestline.query.search.ResultCache;
import io.ingestline.query.search.Searches;
import io.ingestline.query.store.FileEventStore;
import io.ingestline.query.store.StoredEvents;
import io.ingestline.sink.storage.FileStorageWriter;
import io.javalin.Javalin;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Loggly's retrieval API over real files (written by the sink's own writer) and the real DuckDB store, through HTTP.
 * Expected answers are computed here from the events written, by plain Java filters, not by the query code.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LogglyApiTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");
    private static final int EVENTS = 3_000;
    private static final String ALL = "secret-all";
    private static final String WEB_ONLY = "secret-web";
    private static final String INGEST_ONLY = "secret-ingest";
    private static final List<String> WORDS = List.of("alpha", "beta", "gamma", "delta");

    /** One event as written. */
    record Sent(String id, Instant time, int status, String path, String msg, String tag) {
        String json() {
            return "{\"_time\":\"" + time + "\",\"_id\":\"" + id + "\",\"status\":" + status + ",\"path\":\"" + path
                    + "\",\"msg\":\"" + msg + "\",\"tags\":[\"" + tag + "\"]}";
        }
    }

    private final List<Sent> sent = new ArrayList<>();
    private final HttpClient http = HttpClient.newHttpClient();
    private FileEventStore store;
    private Javalin app;
    private Javalin other;

    @BeforeAll
    void store_events_and_start_two_nodes() throws IOException {
        Path datasets = Files.createTempDirectory("loggly-api").resolve("datasets");
        List<StoredEvents.Input> inputs = new ArrayList<>();
        for (int i = 0; i < EVENTS; i++) {
            Sent s = new Sent("e-" + i, NOW.minus(Duration.ofHours(30)).plusSeconds(36L * i), List.of(200, 404, 503).get(i % 3),
                    "/api/" + (i % 7), "request " + WORDS.get(i % 4) + " done in " + (i % 50) + " ms", "t" + (i % 5));
            sent.add(s);
            inputs.add(new StoredEvents.Input(i % 3, s.json()));
        }
        StoredEvents.write(datasets, "web", inputs, 250, FileStorageWriter.Compression.ZSTD);
        StoredEvents.write(datasets, "loggly", List.of(new StoredEvents.Input(0,
                "{\"_time\":\"" + NOW.minusSeconds(60) + "\",\"message\":\"hello loggly\",\"tags\":[\"x\"]}")), 1,
                FileStorageWriter.Compression.ZSTD);
        store = new FileEventStore(datasets, Duration.ofSeconds(30));
        app = start(store, 1_000);
        other = start(store, 1_000);
    }

    private Javalin start(FileEventStore events, int rate) {
        return start(events, rate, java.util.Optional::empty);
    }

    private Javalin start(FileEventStore events, int rate,
            java.util.function.Supplier<java.util.Optional<String>> notReady) {
        TokenAuthenticator tokens = new TokenAuthenticator(List.of(
                ApiToken.ofSecret("all", ALL, List.of("*"), Set.of(ApiToken.Capability.QUERY)),
                ApiToken.ofSecret("web", WEB_ONLY, List.of("web"), Set.of(ApiToken.Capability.QUERY)),
                ApiToken.ofSecret("ingest", INGEST_ONLY, List.of("*"), Set.of(ApiToken.Capability.INGEST))));
        Searches searches = new Searches(events, 2, Duration.ofSeconds(30), 64 << 20,
                new ResultCache(64 << 20, Duration.ofMinutes(10)));
        LogglyApi.Parts parts = new LogglyApi.Parts(new Access(tokens, new RateLimiter(), rate), searches,
                new QueryMetrics(searches.cache()), notReady, "loggly", "acme", Duration.ofSeconds(30),
                Clock.fixed(NOW, ZoneOffset.UTC));
        return LogglyApi.create(parts, "127.0.0.1", 0).start();
    }

    @AfterAll
    void stop() {
        app.stop();
        other.stop();
        store.close();
    }

    @Test
    void search_then_events_answers_the_matching_events_newest_first_and_counts_them_all() throws Exception {
        JsonNode rsid = json(get(app, "/apiv2/search?q=" + enc("json.status:503") + "&from=-10h&until=now&size=100&dataset=web",
                ALL), 200).get("rsid");
        assertThat(rsid.get("status").asText()).isEqualTo("SCHEDULED");
        assertThat(rsid.get("date_from").asLong()).isEqualTo(NOW.minus(Duration.ofHours(10)).toEpochMilli());
        assertThat(rsid.get("date_to").asLong()).isEqualTo(NOW.toEpochMilli());
        JsonNode events = json(get(app, "/apiv2/events?rsid=" + enc(rsid.get("id").asText()), ALL), 200);
        List<Sent> expected = expected(s -> s.status() == 503, NOW.minus(Duration.ofHours(10)), NOW, false);
        assertThat(events.get("total_events").asLong()).isEqualTo(expected.size());
        assertThat(events.get("page").asInt()).isZero();
        assertThat(ids(events.get("events"))).containsExactlyElementsOf(expected.stream().limit(100).map(Sent::id).toList());
        JsonNode first = events.get("events").get(0);
        Sent newest = expected.get(0);
        assertThat(first.get("timestamp").asLong()).isEqualTo(newest.time().toEpochMilli());
        assertThat(first.get("tags")).hasSize(1);
        assertThat(first.get("tags").get(0).asText()).isEqualTo(newest.tag());
        assertThat(first.get("logtypes").get(0).asText()).isEqualTo("json");
        assertThat(JSON.readTree(first.get("logmsg").asText())).isEqualTo(JSON.readTree(newest.json()));
        assertThat(first.get("event").get("json")).isEqualTo(JSON.readTree(newest.json()));
    }

    @Test
    void field_tag_phrase_range_and_absolute_time_queries_find_what_plain_filters_find() throws Exception {
        Instant from = NOW.minus(Duration.ofHours(20));
        Instant until = NOW.minus(Duration.ofHours(2));
        Map<String, Predicate<Sent>> cases = Map.of(
                "tag:t3 AND \"request gamma\"", s -> s.tag().equals("t3") && s.msg().startsWith("request gamma"),
                "json.path:\"/api/4\" AND NOT json.status:200", s -> s.path().equals("/api/4") && s.status() != 200,
                "json.status:[400 TO 599] AND beta", s -> s.status() >= 400 && s.msg().contains("beta"),
                "json.msg:request* AND -tag:t0 AND json.status:*", s -> !s.tag().equals("t0"),
                "delta OR (alpha AND json.path:\"/api/1\")",
                s -> s.msg().contains("delta") || s.msg().contains("alpha") && s.path().equals("/api/1"));
        for (Map.Entry<String, Predicate<Sent>> c : cases.entrySet()) {
            String query = "/apiv2/search?q=" + enc(c.getKey()) + "&from=" + from + "&until=" + until.toEpochMilli()
                    + "&order=asc&size=5000&dataset=web";
            String id = json(get(app, query, ALL), 200).get("rsid").get("id").asText();
            JsonNode events = json(get(app, "/apiv2/events?rsid=" + enc(id), ALL), 200);
            List<Sent> expected = expected(c.getValue(), from, until, true);
            assertThat(events.get("total_events").asLong()).as(c.getKey()).isEqualTo(expected.size());
            assertThat(ids(events.get("events"))).as(c.getKey())
                    .containsExactlyElementsOf(expected.stream().map(Sent::id).toList());
        }
    }

    @Test
    void an_rsid_is_answered_by_a_node_that_did_not_run_the_search_and_by_no_other_token() throws Exception {
        String id = json(get(app, "/apiv2/search?q=gamma&from=-5h&size=20&dataset=web", ALL), 200).get("rsid").get("id").asText();
        JsonNode here = json(get(app, "/apiv2/events?rsid=" + enc(id), ALL), 200);
        JsonNode there = json(get(other, "/apiv2/events?rsid=" + enc(id), ALL), 200);
        assertThat(ids(there.get("events"))).containsExactlyElementsOf(ids(here.get("events"))).hasSize(20);
        assertThat(get(app, "/apiv2/events?rsid=" + enc(id), WEB_ONLY).statusCode()).isEqualTo(404);
        assertThat(get(app, "/apiv2/events?rsid=12345", ALL).statusCode()).isEqualTo(404);
        assertThat(json(get(app, "/apiv2/events?rsid=" + enc(id) + "&page=1", ALL), 200).get("events")).isEmpty();
    }

    @Test
    void iterate_pages_through_every_event_of_the_range_once_in_order() throws Exception {
        String url = "/apiv2/events/iterate?q=*&from=-2d&until=now&order=asc&size=137&dataset=web";
        List<String> seen = new ArrayList<>();
        int pages = 0;
        while (url != null) {
            JsonNode page = json(get(app, url, ALL), 200);
            assertThat(page.get("events").size()).isLessThanOrEqualTo(137);
            seen.addAll(ids(page.get("events")));
            url = page.has("next") ? path(page.get("next").asText()) : null;
            pages++;
            // Either node serves the next page.
            Javalin tmp = app;
            app = other;
            other = tmp;
        }
        assertThat(seen).containsExactlyElementsOf(sent.stream().map(Sent::id).toList());
        assertThat(pages).isEqualTo((EVENTS + 136) / 137);
        assertThat(get(app, "/apiv2/events/iterate?q=*&size=1001", ALL).statusCode()).isEqualTo(400);
        assertThat(get(app, "/apiv2/events/iterate?next=bm90LWEtbmV4dA", ALL).statusCode()).isEqualTo(400);
    }

    @Test
    void a_next_url_belongs_to_its_token() throws Exception {
        JsonNode page = json(get(app, "/apiv2/events/iterate?q=*&from=-2d&size=10&dataset=web", ALL), 200);
        String next = path(page.get("next").asText());
        assertThat(get(app, next, WEB_ONLY).statusCode()).isEqualTo(403);
    }

    @Test
    void tokens_come_as_bearer_or_as_basic_password_and_need_the_query_capability_and_the_dataset() throws Exception {
        String q = "/apiv2/search?q=*&dataset=web";
        HttpResponse<String> none = http.send(HttpRequest.newBuilder(uri(app, q)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(none.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).contains("Basic"));
        assertThat(json(none, 401).get("message").asText()).contains("authentication required");
        assertThat(get(app, q, "wrong").statusCode()).isEqualTo(401);
        assertThat(send(app, q, "Basic " + b64("acme:" + ALL)).statusCode()).isEqualTo(200);
        assertThat(send(app, q, "Basic " + b64(ALL + ":")).statusCode()).isEqualTo(200);
        assertThat(send(app, q, "Basic " + b64("acme:nope")).statusCode()).isEqualTo(401);
        assertThat(send(app, q, "Basic !!!").statusCode()).isEqualTo(401);
        assertThat(send(app, q, "bearer " + ALL).statusCode()).isEqualTo(200);
        assertThat(json(get(app, q, INGEST_ONLY), 403).get("message").asText()).contains("query capability");
        assertThat(get(app, q, WEB_ONLY).statusCode()).isEqualTo(200);
        assertThat(json(get(app, "/apiv2/search?q=*", WEB_ONLY), 403).get("message").asText())
                .contains("may not read dataset loggly");
    }

    @Test
    void the_default_dataset_is_logglys() throws Exception {
        String id = json(get(app, "/apiv2/search?q=hello", ALL), 200).get("rsid").get("id").asText();
        JsonNode events = json(get(app, "/apiv2/events?rsid=" + enc(id), ALL), 200);
        assertThat(events.get("total_events").asInt()).isEqualTo(1);
        assertThat(events.get("events").get(0).get("tags").get(0).asText()).isEqualTo("x");
    }

    @Test
    void a_mistake_in_a_parameter_is_a_400_that_names_it() throws Exception {
        JsonNode syntax = json(get(app, "/apiv2/search?q=" + enc("a AND (b OR") + "&dataset=web", ALL), 400);
        assertThat(syntax.get("message").asText()).startsWith("q: ");
        assertThat(syntax.get("column").asInt()).isPositive();
        assertThat(json(get(app, "/apiv2/search?dataset=web", ALL), 400).get("message").asText()).contains("q is required");
        assertThat(json(get(app, "/apiv2/search?q=*&from=yesterday", ALL), 400).get("message").asText()).contains("from=");
        assertThat(json(get(app, "/apiv2/search?q=*&from=-99999999999w", ALL), 400).get("message").asText()).contains("100 years");
        assertThat(json(get(app, "/apiv2/search?q=*&from=now&until=-1h", ALL), 400).get("message").asText()).contains("before");
        assertThat(json(get(app, "/apiv2/search?q=*&size=5001", ALL), 400).get("message").asText()).contains("size");
        assertThat(json(get(app, "/apiv2/search?q=*&size=0", ALL), 400).get("message").asText()).contains("size");
        assertThat(json(get(app, "/apiv2/search?q=*&order=up", ALL), 400).get("message").asText()).contains("order");
        assertThat(json(get(app, "/apiv2/search?q=*&dataset=../etc", ALL), 400).get("message").asText()).contains("dataset");
        assertThat(json(get(app, "/apiv2/events", ALL), 400).get("message").asText()).contains("rsid");
        assertThat(json(get(app, "/apiv2/events?rsid=x&page=-1", ALL), 400).get("message").asText()).contains("page");
        assertThat(get(app, "/apiv2/search?q=" + enc("x".repeat(70_000)), ALL).statusCode()).isEqualTo(400);
    }

    @Test
    void unknown_paths_and_methods_answer_json() throws Exception {
        HttpResponse<String> missing = get(app, "/apiv2/nothing", ALL);
        assertThat(json(missing, 404).get("message").asText()).contains("/apiv2");
        HttpResponse<String> post = http.send(HttpRequest.newBuilder(uri(app, "/apiv2/search?q=*"))
                .POST(HttpRequest.BodyPublishers.ofString("{}")).header("Authorization", "bearer " + ALL).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(json(post, 405).get("status").asInt()).isEqualTo(405);
        assertThat(post.headers().firstValue("Allow")).contains("GET");
    }

    @Test
    void customer_describes_the_callers_token_and_never_a_secret() throws Exception {
        HttpResponse<String> r = get(app, "/apiv2/customer", WEB_ONLY);
        JsonNode body = json(r, 200);
        assertThat(body.get("subdomain").asText()).isEqualTo("acme");
        assertThat(body.get("tokens")).isEmpty();
        assertThat(body.get("token").get("id").asText()).isEqualTo("web");
        assertThat(body.get("token").get("datasets").get(0).asText()).isEqualTo("web");
        assertThat(body.get("token").get("capabilities").get(0).asText()).isEqualTo("query");
        assertThat(r.body()).doesNotContain(WEB_ONLY).doesNotContain(ApiToken.hash(WEB_ONLY));
    }

    @Test
    void a_token_over_its_search_rate_is_answered_503_with_retry_after() throws Exception {
        Javalin slow = start(store, 1);
        try {
            List<Integer> statuses = new ArrayList<>();
            HttpResponse<String> refused = null;
            for (int i = 0; i < 4; i++) {
                HttpResponse<String> r = get(slow, "/apiv2/search?q=*&dataset=web&size=1", ALL);
                statuses.add(r.statusCode());
                if (r.statusCode() == 503) {
                    refused = r;
                }
            }
            assertThat(statuses).contains(503);
            assertThat(refused.headers().firstValue("Retry-After")).hasValueSatisfying(v -> assertThat(Long.parseLong(v)).isPositive());
            assertThat(json(refused, 503).get("message").asText()).contains("rate limit");
        } finally {
            slow.stop();
        }
    }

    @Test
    void ready_says_503_and_why_while_the_store_cannot_be_read() throws Exception {
        Javalin broken = start(store, 1_000, () -> java.util.Optional.of("the store cannot be read: connection refused"));
        try {
            HttpResponse<String> r = get(broken, "/ready", null);
            assertThat(json(r, 503).get("status").asText()).contains("connection refused");
            assertThat(r.headers().firstValue("Retry-After")).isPresent();
            assertThat(get(broken, "/health", null).statusCode()).isEqualTo(200);
        } finally {
            broken.stop();
        }
    }

    @Test
    void health_ready_and_metrics_answer() throws Exception {
        assertThat(get(app, "/health", null).statusCode()).isEqualTo(200);
        assertThat(get(app, "/ready", null).statusCode()).isEqualTo(200);
        get(app, "/apiv2/customer", ALL);
        assertThat(get(app, "/metrics", null).body()).contains("query_requests_total").contains("query_cache_bytes");
    }

    private List<Sent> expected(Predicate<Sent> filter, Instant from, Instant until, boolean ascending) {
        Comparator<Sent> byTime = Comparator.comparing(Sent::time);
        return sent.stream().filter(s -> !s.time().isBefore(from) && s.time().isBefore(until)).filter(filter)
                .sorted(ascending ? byTime : byTime.reversed()).toList();
    }

    private static List<String> ids(JsonNode events) {
        List<String> ids = new ArrayList<>();
        events.forEach(e -> ids.add(e.get("id").asText()));
        return ids;
    }

    private HttpResponse<String> get(Javalin node, String pathAndQuery, String token) throws Exception {
        return send(node, pathAndQuery, token == null ? null : "Bearer " + token);
    }

    private HttpResponse<String> send(Javalin node, String pathAndQuery, String authorization) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(node, pathAndQuery)).timeout(Duration.ofSeconds(60));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static URI uri(Javalin node, String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + node.port() + pathAndQuery);
    }

    private static JsonNode json(HttpResponse<String> r, int status) throws IOException {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
        return JSON.readTree(r.body());
    }

    /** The path and query of an absolute next URL (it names this node as the client reached it). */
    private static String path(String url) {
        URI u = URI.create(url);
        assertThat(u.getScheme()).isEqualTo("http");
        return u.getRawPath() + "?" + u.getRawQuery();
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }
}
