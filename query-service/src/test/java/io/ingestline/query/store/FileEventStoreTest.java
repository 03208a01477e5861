package io.ingestline.query.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.ingestline.query.lang.Matcher;
import io.ingestline.query.lang.Query;
import io.ingestline.query.lang.QueryPrinter;
import io.ingestline.sink.storage.FileStorageWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
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
    private static final int QUERIES = 60;
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
            inputs.add(new StoredEvents.Input(random.nextInt(3), data.event(time(random, i))));
        }
        StoredEvents.write(datasets, "web", inputs, 100, FileStorageWriter.Compression.ZSTD);
        rows = StoredEvents.readBack(datasets.resolve("dataset=web"));
        assertThat(rows).hasSize(EVENTS);
        store = new FileEventStore(datasets, Duration.ofSeconds(60));
    }

    /** Mostly moving forward as a stream does, on whole seconds (many ties), a few late events. */
    private static Instant time(Random random, int i) {
        long seconds = SPAN.toSeconds() * i / EVENTS;
        if (random.nextInt(20) == 0) {
            seconds = Math.max(0, seconds - random.nextInt(7200));
        }
        return START.plusSeconds(seconds - seconds % 30).plusMillis(random.nextInt(4) == 0 ? 999 : 0);
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
            List<String> expected = expected(search);
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

    /** Mostly large pages (each page reads every file of the range again), sometimes tiny ones. */
    private static int pageSize(Random random) {
        return random.nextInt(5) == 0 ? 1 + random.nextInt(20) : 100 + random.nextInt(1500);
    }

    private static List<String> expected(Search search) {
        long from = EventSql.micros(search.from());
        long until = EventSql.micros(search.until());
        Comparator<StoredEvents.Row> order = search.order() == Order.ASC ? StoredEvents.Row.ORDER
                : StoredEvents.Row.ORDER.reversed();
        return rows.stream().filter(r -> r.micros() >= from && r.micros() < until)
                .filter(r -> Matcher.matches(search.query(), r.event())).sorted(order)
                .map(StoredEvents.Row::key).toList();
    }

    /** Every page of the search, following the cursors; each page but the last is full. */
    static List<String> allPages(EventStore store, Search search) {
        List<String> keys = new ArrayList<>();
        Page page = store.search(search);
        while (true) {
            page.events().forEach(e -> keys.add(e.timeMicros() + " " + e.file() + ":" + e.line()));
            if (page.next().isEmpty()) {
                return keys;
            }
            assertThat(page.events()).hasSize(search.size());
            page = store.search(search.after(Cursor.decode(page.next().get().encode())));
        }
    }

    private static List<String> allPages(Search search) {
        return allPages(store, search);
    }
}
