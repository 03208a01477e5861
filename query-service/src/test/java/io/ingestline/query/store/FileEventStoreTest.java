package io.ingestline.query.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.luben.zstd.ZstdOutputStream;
import io.ingestline.query.lang.Field;
import io.ingestline.query.lang.Matcher;
import io.ingestline.query.lang.Query;
import io.ingestline.query.lang.QueryParser;
import io.ingestline.query.lang.QueryPrinter;
import io.ingestline.sink.storage.FileStorageWriter;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The differential property: for seeded random queries, time ranges, orders and page sizes, paging through the store
 * finds exactly the events {@code Matcher} finds among all events read back independently, in order, none missing or
 * repeated, and {@code count} agrees. The seed is printed; rerun one with {@code -Dqstore.seed=<seed>}.
 */
@Timeout(300)
class FileEventStoreTest {
    private static final int EVENTS = 2_000;
    private static final int QUERIES = Integer.getInteger("qstore.searches", 60);
    private static final Instant START = Instant.parse("2026-11-21T22:00:00Z");
    private static final Duration SPAN = Duration.ofHours(50);

    @TempDir
    static Path datasets;
    private static long seed;
    private static List<StoredEvents.Row> rows;
    private static FileEventStore store;

    @BeforeAll
    static void store_events_over_three_days_in_three_partitions() {
        seed = Long.getLong("qstore.seed", System.nanoTime());
        System.out.println("FileEventStoreTest seed: " + seed);
        Random random = new Random(seed);
        RandomData data = new RandomData(random);
        List<StoredEvents.Input> inputs = new ArrayList<>();
        for (int i = 0; i < EVENTS; i++) {
            inputs.add(new StoredEvents.Input(random.nextInt(3), data.event(data.time(START, SPAN, i, EVENTS))));
        }
        StoredEvents.write(datasets, "web", inputs, 100, FileStorageWriter.Compression.ZSTD);
        rows = StoredEvents.readBack(datasets.resolve("dataset=web"));
        assertThat(rows).hasSize(EVENTS);
        store = new FileEventStore(datasets, Duration.ofSeconds(60));
    }

    @AfterAll
    static void close() {
        store.close();
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
            Search search = Search.of("web", query, range[0], range[1], order, pageSize(random));
            List<String> expected = StoredEvents.expected(rows, search);
            if (search.size() < 100 && expected.size() > 20 * search.size()) {
                search = Search.of("web", query, range[0], range[1], order, 1_000);
            }
            String as = "seed " + seed + ", search " + i + ": " + QueryPrinter.print(query) + " " + search;
            assertThat(allPages(search)).as(as).containsExactlyElementsOf(expected);
            assertThat(store.count(search)).as(as).isEqualTo(expected.size());
            found += expected.size();
        }
        System.out.println("FileEventStoreTest: " + QUERIES + " searches found " + found + " events");
        assertThat(found).isPositive();
    }

    @Test
    void fields_and_facets_of_random_searches_are_what_a_reference_computes() {
        checkFieldsAndFacets(store, rows, seed, QUERIES / 4);
    }

    /**
     * For random searches over {@code rows}' events, {@code fields} and {@code facet} (of a random field, whole and cut
     * to 3) are what {@link FieldsReference} computes from the events {@code Matcher} finds: shared by both stores.
     */
    static void checkFieldsAndFacets(EventStore store, List<StoredEvents.Row> rows, long seed, int searches) {
        Random random = new Random(seed + 1);
        RandomData data = new RandomData(random);
        List<Field> facets = List.of(Field.json("level"), Field.json("status"), Field.json("user", "name"),
                Field.json("user", "roles"), Field.json("items", "sku"), Field.json("ratio"), Field.json("ok"),
                Field.json("n"), Field.json("user"), Field.tag());
        for (int i = 0; i < searches; i++) {
            Query query = data.query(random.nextInt(3));
            Instant[] range = data.range(START, START.plus(SPAN));
            Search search = Search.of("web", query, range[0], range[1], Order.ASC, 10);
            List<JsonNode> events = matching(rows, search);
            String as = "seed " + seed + ", search " + i + ": " + QueryPrinter.print(query) + " " + search;
            assertFields(store, search, events, as);
            assertFacet(store, search, events, facets.get(random.nextInt(facets.size())), as);
        }
    }

    @Test
    void fields_name_nested_and_odd_keys_so_that_a_query_reads_them_back(@TempDir Path dir) {
        Random random = new Random(seed + 2);
        List<StoredEvents.Input> inputs = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            ObjectNode event = JSON.createObjectNode().put("_time", START.plusSeconds(30L * i).toString());
            nest(random, event, 0);
            inputs.add(new StoredEvents.Input(random.nextInt(2), event.toString()));
        }
        StoredEvents.write(dir, "odd", inputs, 50, FileStorageWriter.Compression.ZSTD);
        List<StoredEvents.Row> all = StoredEvents.readBack(dir.resolve("dataset=odd"));
        try (FileEventStore files = new FileEventStore(dir, Duration.ofSeconds(60), 1, "256MB")) {
            for (String text : List.of("*", "json.a:*", "NOT json.b:*", "x")) {
                Search search = Search.of("odd", QueryParser.parse(text), START, START.plus(Duration.ofHours(4)),
                        Order.ASC, 10);
                List<JsonNode> events = matching(all, search);
                Map<String, List<String>> keys = assertFields(files, search, events, text);
                keys.forEach((name, path) -> assertThat(((Query.Exists) QueryParser.parse(name + ":*")).field().path())
                        .as(name).isEqualTo(path));
                if (text.equals("*")) {
                    assertThat(keys).as("fields of every event").hasSizeGreaterThan(50);
                }
                List<List<String>> paths = new ArrayList<>(keys.values());
                Collections.shuffle(paths, random);
                for (List<String> path : paths.subList(0, Math.min(8, paths.size()))) {
                    assertFacet(files, search, events, new Field(Field.Kind.JSON, path), text);
                }
            }
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> ODD_KEYS = List.of("a", "b", "a.b", "x y", "it's", "a/b~c", "ünï", "*", "q?",
            "[1]", "c:d", "back\\slash", "tab\tkey", "nbsp\u00a0", "em\u2003space", "", "0", "AND", "nul\u0000key");

    /** Objects of odd keys nested up to ten deep, arrays of arrays, values of every type. */
    private static void nest(Random random, ObjectNode object, int depth) {
        for (int n = 1 + random.nextInt(3); n > 0; n--) {
            String key = ODD_KEYS.get(random.nextInt(ODD_KEYS.size()));
            if (key.equals("_time") || object.has(key)) {
                continue;
            }
            switch (depth < 10 ? random.nextInt(6) : 5) {
                case 0 -> nest(random, object.putObject(key), depth + 1);
                case 1 -> {
                    var array = object.putArray(key);
                    array.add(random.nextInt(3)).addArray().add("deep").addArray().add(true).addArray().add("deeper")
                            .addArray().add("deepest");
                    nest(random, array.addObject(), depth + 1);
                }
                case 2 -> object.putNull(key);
                case 3 -> object.put(key, random.nextInt(4) / 2.0);
                case 4 -> object.put(key, random.nextBoolean());
                default -> object.put(key, ODD_KEYS.get(random.nextInt(ODD_KEYS.size())));
            }
        }
    }

    static List<JsonNode> matching(List<StoredEvents.Row> all, Search search) {
        long from = EventSql.micros(search.from());
        long until = EventSql.micros(search.until());
        return all.stream().filter(r -> r.micros() >= from && r.micros() < until)
                .filter(r -> Matcher.matches(search.query(), r.event())).map(r -> r.event().json()).toList();
    }

    /** The store's fields are the reference's, in order; returns each name's keys. */
    static Map<String, List<String>> assertFields(EventStore store, Search search, List<JsonNode> events,
                                                          String as) {
        Map<String, List<String>> keys = new HashMap<>();
        Map<String, Long> expected = FieldsReference.fields(events, keys);
        assertThat(expected.size()).as(as).isLessThan(EventStore.MAX_FIELDS);
        List<FieldCount> fields = store.fields(search);
        assertThat(fields).as(as).containsExactlyElementsOf(expected.entrySet().stream().sorted(FieldsReference.ORDER)
                .map(e -> new FieldCount(e.getKey(), e.getValue())).toList());
        return keys;
    }

    /** The store's facet is the reference's, whole and cut to its first three. */
    static void assertFacet(EventStore store, Search search, List<JsonNode> events, Field field, String as) {
        List<ValueCount> expected = FieldsReference.facet(events, field).entrySet().stream()
                .sorted(FieldsReference.ORDER).map(e -> new ValueCount(e.getKey(), e.getValue())).toList();
        String name = QueryPrinter.print(new Query.Exists(field, 0)).replaceFirst(":\\*$", "");
        assertThat(store.facet(search, name, EventStore.MAX_FACET_SIZE)).as(as + " facet " + name)
                .containsExactlyElementsOf(expected);
        assertThat(store.facet(search, name, 3)).as(as + " facet " + name + " of 3")
                .containsExactlyElementsOf(expected.subList(0, Math.min(3, expected.size())));
    }

    /** Mostly large pages (each page reads every file of the range again), sometimes tiny ones. */
    static int pageSize(Random random) {
        return random.nextInt(5) == 0 ? 1 + random.nextInt(20) : 100 + random.nextInt(1500);
    }

    @Test
    void a_range_of_thousands_of_small_files_is_searched_and_counted(@TempDir Path dir) throws Exception {
        // What a sink committing every second leaves: many small files an hour. One UNION ALL branch per file (the
        // first version) overflowed DuckDB's native stack at about 600 files and killed the JVM (SIGSEGV).
        int files = 3_000;
        for (int f = 0; f < files; f++) {
            Instant t = START.plusSeconds(12L * f);
            Path hour = Files.createDirectories(dir.resolve("dataset=many/date=" + t.toString().substring(0, 10)
                    + "/hour=" + t.toString().substring(11, 13)));
            try (OutputStream out = new ZstdOutputStream(Files.newOutputStream(hour.resolve("part-0-" + (2L * f) + "-"
                    + (2L * f + 1) + ".ndjson.zst")), 1)) {
                out.write(("{\"_time\":\"" + t + "\",\"f\":" + f + "}\n{\"_time\":\"" + t.plusMillis(1) + "\",\"f\":" + f
                        + ",\"second\":true}\n").getBytes(StandardCharsets.UTF_8));
            }
        }
        try (FileEventStore many = new FileEventStore(dir, Duration.ofSeconds(120))) {
            Search all = Search.of("many", QueryParser.parse("*"), START, START.plus(Duration.ofDays(1)), Order.DESC, 1000);
            assertThat(many.count(all)).isEqualTo(2L * files);
            assertThat(many.count(Search.of("many", QueryParser.parse("json.second:true"), START,
                    START.plus(Duration.ofDays(1)), Order.ASC, 10))).isEqualTo(files);
            List<String> pages = StoredEvents.allPages(many, all);
            assertThat(pages).hasSize(2 * files).doesNotHaveDuplicates();
        }
    }

    @Test
    void a_search_opens_only_the_files_of_the_hours_of_its_range(@TempDir Path dir) throws Exception {
        StoredEvents.write(dir, "api", List.of(input(0, "2026-11-23T10:15:00Z", "{}"),
                input(0, "2026-11-23T12:15:00Z", "{}"), input(1, "2026-11-24T10:15:00Z", "{}")), 10,
                FileStorageWriter.Compression.ZSTD);
        Path otherHour = Files.createDirectories(dir.resolve("dataset=api/date=2026-11-23/hour=11"));
        Files.write(otherHour.resolve("part-9-0-0.ndjson.zst"), "not zstd at all".getBytes(StandardCharsets.UTF_8));
        try (FileEventStore files = new FileEventStore(dir, Duration.ofSeconds(30))) {
            Search tenOClock = search("api", "*", "2026-11-23T10:00:00Z", "2026-11-23T11:00:00Z", Order.ASC, 10);
            assertThat(files.files(tenOClock)).extracting(DataFile::name)
                    .containsExactly("date=2026-11-23/hour=10/part-0-0-1.ndjson.zst");
            assertThat(files.search(tenOClock).events()).hasSize(1);
            Search afterTwelveFifteen = search("api", "*", "2026-11-23T00:00:00Z", "2026-11-25T00:00:00Z", Order.ASC, 10)
                    .after(new Cursor(EventSql.micros(Instant.parse("2026-11-23T12:15:00Z")), "", 0));
            assertThat(files.files(afterTwelveFifteen)).extracting(DataFile::name).containsExactly(
                    "date=2026-11-23/hour=12/part-0-0-1.ndjson.zst", "date=2026-11-24/hour=10/part-1-0-0.ndjson.zst");
            Search twelveToNextDay = search("api", "*", "2026-11-23T12:00:00Z", "2026-11-24T10:00:00Z", Order.ASC, 10);
            assertThat(files.count(twelveToNextDay)).isEqualTo(1);
            Search acrossTheCorruptHour = search("api", "*", "2026-11-23T10:00:00Z", "2026-11-23T13:00:00Z",
                    Order.ASC, 10);
            assertThatThrownBy(() -> files.search(acrossTheCorruptHour)).isInstanceOf(StoreException.class);
        }
    }

    @Test
    void events_of_the_same_time_come_by_file_then_line_and_desc_is_the_exact_reverse(@TempDir Path dir) {
        String same = "2026-11-23T10:00:00Z";
        StoredEvents.write(dir, "web", List.of(input(1, same, "{\"n\":1}"), input(0, same, "{\"n\":2}"),
                input(0, same, "{\"n\":3}"), input(0, "2026-11-23T09:59:59.999Z", "{\"n\":0}")), 10,
                FileStorageWriter.Compression.GZIP);
        try (FileEventStore files = new FileEventStore(dir, Duration.ofSeconds(30))) {
            Search asc = search("web", "*", "2026-11-23T09:00:00Z", "2026-11-23T11:00:00Z", Order.ASC, 1);
            List<String> ascending = allPages(files, asc);
            assertThat(ascending).containsExactly(
                    "1795427999999000 date=2026-11-23/hour=09/part-0-0-2.ndjson.gz:1",
                    "1795428000000000 date=2026-11-23/hour=10/part-0-0-2.ndjson.gz:1",
                    "1795428000000000 date=2026-11-23/hour=10/part-0-0-2.ndjson.gz:2",
                    "1795428000000000 date=2026-11-23/hour=10/part-1-0-0.ndjson.gz:1");
            List<String> descending = allPages(files, search("web", "*", "2026-11-23T09:00:00Z",
                    "2026-11-23T11:00:00Z", Order.DESC, 3));
            assertThat(descending).containsExactlyElementsOf(reversed(ascending));
        }
    }

    @Test
    void quotes_backslashes_percent_underscore_and_regex_characters_in_user_text_stay_literal(@TempDir Path dir) {
        String tricky = "it's \\\"quoted\\\" \\\\ 100% a_b (x+y)*[z]$^.|{2}";
        StoredEvents.write(dir, "web", List.of(input(0, "2026-11-23T10:00:01Z", "{\"v\":\"" + tricky + "\"}"),
                input(0, "2026-11-23T10:00:02Z", "{\"v\":\"100x\"}"),
                input(0, "2026-11-23T10:00:03Z", "{\"v\":\"100%\"}"),
                input(0, "2026-11-23T10:00:04Z", "{\"v\":\"abc\"}"),
                input(0, "2026-11-23T10:00:05Z", "{\"v\":\"a_c\"}"),
                input(0, "2026-11-23T10:00:06Z", "{\"v\":\"a.c\",\"a/b~c\":1,\"it's\":\"x\"}")), 10,
                FileStorageWriter.Compression.ZSTD);
        List<StoredEvents.Row> all = StoredEvents.readBack(dir.resolve("dataset=web"));
        try (FileEventStore files = new FileEventStore(dir, Duration.ofSeconds(30))) {
            assertThat(values(files, all, "json.v:\"it's \\\"quoted\\\" \\\\ 100% a_b (x+y)*[z]$^.|{2}\""))
                    .containsExactly(1);
            assertThat(values(files, all, "json.v:100%")).containsExactly(3);
            assertThat(values(files, all, "json.v:a_c")).containsExactly(5);
            assertThat(values(files, all, "json.v:a.c")).containsExactly(6);
            assertThat(values(files, all, "json.v:a_*")).containsExactly(5);
            assertThat(values(files, all, "json.v:10?%")).containsExactly(3);
            assertThat(values(files, all, "\"x y\" AND z")).containsExactly(1);
            assertThat(values(files, all, "\"quoted\" AND 100")).containsExactly(1);
            assertThat(values(files, all, "json.a\\/b\\~c:1 AND json.it\\'s:x")).containsExactly(6);
        }
    }

    /** The {@code n}-th events (from 1, by time) the query finds; checked against {@code Matcher} first. */
    private static List<Integer> values(FileEventStore files, List<StoredEvents.Row> all, String text) {
        Query query = QueryParser.parse(text);
        Search search = search("web", "*", "2026-11-23T10:00:00Z", "2026-11-23T11:00:00Z", Order.ASC, 100);
        search = Search.of("web", query, search.from(), search.until(), Order.ASC, 100);
        List<String> found = allPages(files, search);
        List<String> reference = all.stream().filter(r -> Matcher.matches(query, r.event())).sorted(StoredEvents.Row.ORDER)
                .map(StoredEvents.Row::key).toList();
        assertThat(found).as(text).containsExactlyElementsOf(reference);
        List<Integer> positions = new ArrayList<>();
        List<String> everything = all.stream().sorted(StoredEvents.Row.ORDER).map(StoredEvents.Row::key).toList();
        found.forEach(key -> positions.add(everything.indexOf(key) + 1));
        return positions;
    }

    @Test
    void a_search_past_the_time_limit_is_stopped_with_a_clear_exception(@TempDir Path dir) throws Exception {
        Path hour = Files.createDirectories(dir.resolve("dataset=big/date=2026-11-23/hour=10"));
        try (OutputStream out = new ZstdOutputStream(Files.newOutputStream(hour.resolve("part-0-0-0.ndjson.zst")), 1)) {
            byte[] line = ("{\"_time\":\"2026-11-23T10:00:00Z\",\"msg\":\"" + "lorem ipsum dolor sit amet ".repeat(20)
                    + "\"}\n").getBytes(StandardCharsets.UTF_8);
            for (int i = 0; i < 200_000; i++) {
                out.write(line);
            }
        }
        try (FileEventStore slow = new FileEventStore(dir, Duration.ofMillis(50))) {
            Search search = search("big", "l*m* AND NOT \"sit dolor\"", "2026-11-23T10:00:00Z", "2026-11-23T11:00:00Z",
                    Order.DESC, 10);
            assertThatThrownBy(() -> slow.count(search)).isInstanceOf(QueryTimeoutException.class)
                    .hasMessageContaining("50 ms");
        }
    }

    @Test
    void duckdb_takes_threads_and_memory_limits_and_refuses_anything_else(@TempDir Path dir) {
        for (String memory : List.of("512MiB", "1GB", "1.5gb", "100 MB", "2TB")) {
            new FileEventStore(dir, Duration.ofSeconds(5), 1, memory).close();
        }
        for (String memory : List.of("", "1", "GB", "1GB'; SET threads = 64; --", "-1GB", "1 PB")) {
            assertThatThrownBy(() -> new FileEventStore(dir, Duration.ofSeconds(5), 1, memory))
                    .as(memory).isInstanceOf(IllegalArgumentException.class);
        }
        assertThatThrownBy(() -> new FileEventStore(dir, Duration.ofSeconds(5), 0, null))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static Search search(String dataset, String query, String from, String until, Order order, int size) {
        return Search.of(dataset, QueryParser.parse(query), Instant.parse(from), Instant.parse(until), order, size);
    }

    private static StoredEvents.Input input(int partition, String time, String json) {
        String body = json.substring(1);
        return new StoredEvents.Input(partition, "{\"_time\":\"" + time + "\"" + (body.equals("}") ? "" : ",") + body);
    }

    private static List<String> reversed(List<String> list) {
        List<String> out = new ArrayList<>(list);
        Collections.reverse(out);
        return out;
    }

    private static List<String> allPages(Search search) {
        return StoredEvents.allPages(store, search);
    }

    private static List<String> allPages(EventStore files, Search search) {
        return StoredEvents.allPages(files, search);
    }
}
