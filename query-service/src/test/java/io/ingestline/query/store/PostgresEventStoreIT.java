package io.ingestline.query.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ingestline.query.lang.Matcher;
import io.ingestline.query.lang.Query;
import io.ingestline.query.lang.QueryParser;
import io.ingestline.query.lang.QueryPrinter;
import io.ingestline.sink.storage.PostgresStorageWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * The PostgreSQL store on a real PostgreSQL ({@link TestPostgres} says how to point it elsewhere), over rows the sink's
 * real {@code PostgresStorageWriter} wrote. The differential property of {@link FileEventStoreTest}: for seeded random
 * queries, ranges, orders and page sizes, paging finds exactly what {@code Matcher} finds among the rows read back
 * independently, in order, and {@code count} agrees. The seed is printed; rerun one with {@code -Dqstore.seed=<seed>}.
 */
@Timeout(300)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PostgresEventStoreIT {
    private static final int EVENTS = 2_000;
    private static final int QUERIES = Integer.getInteger("qstore.searches", 60);
    private static final Instant START = Instant.parse("2026-11-21T22:00:00Z");
    private static final Duration SPAN = Duration.ofHours(50);
    private final String schema = TestPostgres.uniqueSchema();

    private long seed;
    private List<StoredEvents.Row> rows;
    private PostgresEventStore store;

    /** The event column's type of the tables the sink makes here ({@link PostgresJsonEventStoreIT}: {@code json}). */
    PostgresStorageWriter.EventType eventType() {
        return PostgresStorageWriter.EventType.JSONB;
    }

    @BeforeAll
    void store_events_over_three_days_in_three_partitions() {
        seed = Long.getLong("qstore.seed", System.nanoTime());
        System.out.println(getClass().getSimpleName() + " seed: " + seed);
        Random random = new Random(seed);
        RandomData data = new RandomData(random);
        List<StoredEvents.Input> inputs = new ArrayList<>();
        for (int i = 0; i < EVENTS; i++) {
            // a quarter with digits past the millisecond, which the sink's time column does not keep
            Instant time = data.time(START, SPAN, i, EVENTS).plusNanos(random.nextInt(4) == 0 ? 456_789 : 0);
            inputs.add(new StoredEvents.Input(random.nextInt(3), data.event(time)));
        }
        PostgresStoredEvents.write(schema, eventType(), "web", inputs, 100);
        assertThat(TestPostgres.query("SELECT format_type(a.atttypid, a.atttypmod) FROM pg_attribute a WHERE a.attrelid"
                + " = '\"" + schema + "\".\"web\"'::regclass AND a.attname = 'event'")).isEqualTo(eventType().setting());
        rows = PostgresStoredEvents.readBack(schema, "web");
        assertThat(rows).hasSize(EVENTS);
        store = store(Duration.ofSeconds(60));
    }

    private PostgresEventStore store(Duration timeout) {
        return new PostgresEventStore(new PostgresEventStore.Settings(TestPostgres.URL, TestPostgres.USER,
                TestPostgres.PASSWORD, schema, timeout));
    }

    @AfterAll
    void close() {
        if (store != null) {
            store.close();
        }
        TestPostgres.dropSchema(schema);
    }

    @Test
    void pages_of_random_searches_hold_what_the_reference_matcher_finds_in_order() {
        Random random = new Random(seed);
        RandomData data = new RandomData(random);
        int found = 0;
        for (int i = 0; i < QUERIES; i++) {
            Query query = data.query(random.nextInt(4));
            Instant[] range = data.range(START, START.plus(SPAN));
            Order order = random.nextBoolean() ? Order.ASC : Order.DESC;
            Search search = Search.of("web", query, range[0], range[1], order, FileEventStoreTest.pageSize(random));
            List<String> expected = StoredEvents.expected(rows, search);
            String as = "seed " + seed + ", search " + i + ": " + QueryPrinter.print(query) + " " + search;
            assertThat(StoredEvents.allPages(store, search)).as(as).containsExactlyElementsOf(expected);
            assertThat(store.count(search)).as(as).isEqualTo(expected.size());
            found += expected.size();
        }
        System.out.println("PostgresEventStoreIT: " + QUERIES + " searches found " + found + " events");
        assertThat(found).isPositive();
    }

    @Test
    void fields_and_facets_of_random_searches_are_what_a_reference_computes() {
        FileEventStoreTest.checkFieldsAndFacets(store, rows, seed, QUERIES / 4);
        assertThat(store.problem()).isEmpty();
        assertThatThrownBy(() -> store.facet(Search.of("web", QueryParser.parse("*"), START, START.plus(SPAN),
                Order.ASC, 10), "nope(", 10)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void events_of_the_same_millisecond_come_by_partition_then_offset_and_desc_is_the_exact_reverse() {
        String same = "2026-11-23T10:00:00.000Z";
        PostgresStoredEvents.write(schema, eventType(), "ties", List.of(input(1, same, "{\"n\":1}"), input(0, same, "{\"n\":2}"),
                input(0, "2026-11-23T10:00:00.000999Z", "{\"n\":3}"), input(0, "2026-11-23T09:59:59.999Z", "{\"n\":0}"),
                input(1, "2026-11-23T10:00:00.0005Z", "{\"n\":4}")), 2);
        Search asc = search("ties", "*", "2026-11-23T09:00:00Z", "2026-11-23T11:00:00Z", Order.ASC, 1);
        List<String> ascending = StoredEvents.allPages(store, asc);
        // partition, then position (each event here is a record of its own: offset x 65,536)
        assertThat(ascending).containsExactly(
                "1795427999999000 0:131072",
                "1795428000000000 0:0",
                "1795428000000000 0:65536",
                "1795428000000000 1:0",
                "1795428000000000 1:65536");
        List<String> descending = StoredEvents.allPages(store, search("ties", "*", "2026-11-23T09:00:00Z",
                "2026-11-23T11:00:00Z", Order.DESC, 2));
        List<String> reversed = new ArrayList<>(ascending);
        Collections.reverse(reversed);
        assertThat(descending).containsExactlyElementsOf(reversed);
        assertThat(StoredEvents.allPages(store, search("ties", "*", "2026-11-23T10:00:00Z", "2026-11-23T10:00:00.001Z",
                Order.ASC, 10))).hasSize(4);
    }

    @Test
    void quotes_backslashes_percent_underscore_regex_and_path_characters_in_user_text_stay_literal() {
        String tricky = "it's \\\"quoted\\\" \\\\ 100% a_b (x+y)*[z]$^.|{2} ?";
        PostgresStoredEvents.write(schema, eventType(), "tricky", List.of(
                input(0, "2026-11-23T10:00:01Z", "{\"v\":\"" + tricky + "\"}"),
                input(0, "2026-11-23T10:00:02Z", "{\"v\":\"100x\"}"),
                input(0, "2026-11-23T10:00:03Z", "{\"v\":\"100%\"}"),
                input(0, "2026-11-23T10:00:04Z", "{\"v\":\"abc\"}"),
                input(0, "2026-11-23T10:00:05Z", "{\"v\":\"a_c\"}"),
                input(0, "2026-11-23T10:00:06Z", "{\"v\":\"a.c\",\"a/b~c\":1,\"it's\":\"x\"}"),
                input(0, "2026-11-23T10:00:07Z", "{\"k\\\"\\\\ é😀.$x\":\"Ünïcödé 😀 x\",\"v\":\"ÉMILE\"}"),
                input(0, "2026-11-23T10:00:08Z", "{\"v\":[[[[\"deep\"]]], [[\"three\"]]]}")), 10);
        List<StoredEvents.Row> all = PostgresStoredEvents.readBack(schema, "tricky");
        assertThat(values(all, "json.v:\"it's \\\"quoted\\\" \\\\ 100% a_b (x+y)*[z]$^.|{2} ?\"")).containsExactly(1);
        assertThat(values(all, "json.v:100%")).containsExactly(3);
        assertThat(values(all, "json.v:a_c")).containsExactly(5);
        assertThat(values(all, "json.v:a.c")).containsExactly(6);
        assertThat(values(all, "json.v:a_*")).containsExactly(5);
        assertThat(values(all, "json.v:10?%")).containsExactly(3);
        assertThat(values(all, "\"x y\" AND z")).containsExactly(1);
        assertThat(values(all, "\"quoted\" AND 100")).containsExactly(1);
        assertThat(values(all, "json.a\\/b\\~c:1 AND json.it\\'s:x")).containsExactly(6);
        assertThat(values(all, "json.k\\\"\\\\\\ é😀\\.$x:\"ünïcödé 😀 X\"")).containsExactly(7);
        assertThat(values(all, "ÜNÏCÖDÉ AND json.v:émile AND json.v:[émile TO émile]")).containsExactly(7);
        assertThat(values(all, "json.v:three")).containsExactly(8);
        // four arrays deep is past the three levels both stores search (Matcher goes deeper)
        assertThat(StoredEvents.allPages(store, search("tricky", "json.v:deep", "2026-11-23T10:00:00Z",
                "2026-11-23T11:00:00Z", Order.ASC, 10))).isEmpty();
    }

    /** The {@code n}-th events (from 1, by time) the query finds; checked against {@code Matcher} first. */
    private List<Integer> values(List<StoredEvents.Row> all, String text) {
        Search search = search("tricky", text, "2026-11-23T10:00:00Z", "2026-11-23T11:00:00Z", Order.ASC, 100);
        List<String> found = StoredEvents.allPages(store, search);
        List<String> reference = all.stream().filter(r -> Matcher.matches(search.query(), r.event()))
                .sorted(StoredEvents.Row.ORDER).map(StoredEvents.Row::key).toList();
        assertThat(found).as(text).containsExactlyElementsOf(reference);
        assertThat(store.count(search)).as(text).isEqualTo(reference.size());
        List<String> everything = all.stream().sorted(StoredEvents.Row.ORDER).map(StoredEvents.Row::key).toList();
        return found.stream().map(key -> everything.indexOf(key) + 1).toList();
    }

    @Test
    void a_dataset_without_a_table_has_no_events_and_a_long_name_finds_the_sinks_table() {
        Search nothing = search("never-written", "*", "2026-11-23T00:00:00Z", "2026-11-24T00:00:00Z", Order.DESC, 10);
        assertThat(store.search(nothing).events()).isEmpty();
        assertThat(store.count(nothing)).isZero();
        String longName = "a-dataset-whose-name-is-longer-than-fifty-characters-" + "x".repeat(60);
        PostgresStoredEvents.write(schema, eventType(), longName, List.of(input(2, "2026-11-23T10:00:00Z", "{\"n\":1}")), 1);
        assertThat(StoredEvents.allPages(store, search(longName, "json.n:1", "2026-11-23T00:00:00Z",
                "2026-11-24T00:00:00Z", Order.DESC, 10))).containsExactly("1795428000000000 2:0");
    }

    @Test
    void another_stores_cursor_and_a_number_past_numeric_are_refused() {
        Search search = search("web", "*", "2026-11-23T00:00:00Z", "2026-11-24T00:00:00Z", Order.ASC, 10);
        assertThatThrownBy(() -> store.search(search.after(new Cursor(0, "date=2026-11-23/hour=10/part-0.ndjson.zst",
                1)))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a cursor");
        assertThatThrownBy(() -> store.count(search("web", "json.n:1e200000", "2026-11-23T00:00:00Z",
                "2026-11-24T00:00:00Z", Order.ASC, 10))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("numeric");
        assertThat(store.count(search("web", "json.n:0e200000 OR json.ratio:[0.0e99999 TO 1.000000e0]",
                "2026-11-21T00:00:00Z", "2026-11-25T00:00:00Z", Order.ASC, 10))).isEqualTo(
                StoredEvents.expected(rows, search("web", "json.n:0 OR json.ratio:[0 TO 1]", "2026-11-21T00:00:00Z",
                        "2026-11-25T00:00:00Z", Order.ASC, 10)).size());
    }

    @Test
    void a_search_past_the_time_limit_is_stopped_with_a_clear_exception() {
        PostgresStoredEvents.write(schema, eventType(), "big", List.of(input(0, "2026-11-23T10:00:00Z", "{\"n\":0}")), 1);
        TestPostgres.execute("INSERT INTO \"" + schema + "\".\"big\" (time, id, event, kafka_partition, kafka_offset)"
                + " SELECT '2026-11-23T10:00:00Z', 'id-' || i, jsonb_build_object('_time', '2026-11-23T10:00:00Z',"
                + " 'msg', repeat('lorem ipsum dolor sit amet ', 20))::" + eventType().setting()
                + ", 1, i FROM generate_series(1, 200000) AS i");
        try (PostgresEventStore slow = store(Duration.ofMillis(50))) {
            Search search = search("big", "l*m* AND NOT \"sit dolor\"", "2026-11-23T10:00:00Z", "2026-11-23T11:00:00Z",
                    Order.DESC, 10);
            assertThatThrownBy(() -> slow.count(search)).isInstanceOf(QueryTimeoutException.class)
                    .hasMessageContaining("50 ms");
            // the connection that timed out serves the next search: a first page, read from the index
            assertThat(slow.search(search("big", "*", "2026-11-23T10:00:00Z", "2026-11-23T10:00:00.001Z",
                    Order.ASC, 1)).events()).extracting(StoredEvent::line).containsExactly(0L);
        }
    }

    @Test
    void after_the_server_ends_its_connections_one_call_fails_and_the_next_connects_again() {
        String application = "query-it-" + schema;
        String url = TestPostgres.URL + (TestPostgres.URL.contains("?") ? "&" : "?") + "ApplicationName=" + application;
        Search search = search("web", "*", "2026-11-21T00:00:00Z", "2026-11-25T00:00:00Z", Order.ASC, 10);
        try (PostgresEventStore restarted = new PostgresEventStore(new PostgresEventStore.Settings(url,
                TestPostgres.USER, TestPostgres.PASSWORD, schema, Duration.ofSeconds(30)))) {
            assertThat(restarted.count(search)).isEqualTo(EVENTS);
            TestPostgres.execute("SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity"
                    + " WHERE application_name = '" + application + "'");
            assertThatThrownBy(() -> restarted.count(search)).isInstanceOf(StoreException.class);
            assertThat(restarted.count(search)).isEqualTo(EVENTS);
        }
    }

    private static Search search(String dataset, String query, String from, String until, Order order, int size) {
        return Search.of(dataset, QueryParser.parse(query), Instant.parse(from), Instant.parse(until), order, size);
    }

    private static StoredEvents.Input input(int partition, String time, String json) {
        String body = json.substring(1);
        return new StoredEvents.Input(partition, "{\"_time\":\"" + time + "\"" + (body.equals("}") ? "" : ",") + body);
    }
}
