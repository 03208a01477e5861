package io.ingestline.sink.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.ingestline.sink.TestPostgres;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The three ways of loading ({@link PostgresStorageWriter.Load}: binary {@code COPY}, text {@code COPY}, batched
 * {@code INSERT}s) store the same rows, each in a schema of its own on a real PostgreSQL, from the same generated
 * events in two datasets of four partitions ({@link CopyTextRandomizedTest}'s: typed columns of every type, values at
 * and past each type's edges, times as text with fractions PostgreSQL rounds, broken JSON, times over many years and
 * days), committed mostly one at a time so that each event PostgreSQL takes is loaded with {@code COPY} (a commit
 * holding an event PostgreSQL refuses is loaded row by row, the same way for all three). Compared: every stored row, every column, as PostgreSQL prints
 * it, the events sent to the dead letters, and how many commits each load had to load row by row (so that a binary
 * value PostgreSQL refuses cannot hide behind the row-by-row fallback). Replay a seed with {@code -Dcopy.seed=<seed>}.
 */
@Timeout(300)
class CopyLoadsRandomizedIT {
    private static final int PARTITIONS = 4;
    /** Two datasets (the second's name as hyphenated as dataset names may be), so a commit holds several COPYs. */
    private static final List<String> DATASETS = List.of("web", "app-logs");
    private final List<String> schemas = new ArrayList<>();
    /** Per load, the commits it loaded row by row after their {@code COPY} failed. */
    private final Map<PostgresStorageWriter.Load, Long> rowByRow = new LinkedHashMap<>();

    @AfterEach
    void drop() {
        schemas.forEach(TestPostgres::dropSchema);
    }

    @Test
    void binary_copy_text_copy_and_inserts_store_the_same_rows() throws Exception {
        long seed = seed("rows");
        Random random = new Random(seed);
        Map<String, String> rule = rule(random);
        List<List<SinkRecord>> commits = commits(random);
        int events = commits.stream().mapToInt(List::size).sum();
        Map<PostgresStorageWriter.Load, List<String>> rows = new LinkedHashMap<>();
        Map<PostgresStorageWriter.Load, List<String>> rejected = new LinkedHashMap<>();
        for (PostgresStorageWriter.Load load : PostgresStorageWriter.Load.values()) {
            List<String> refused = new ArrayList<>();
            rejected.put(load, refused);
            rows.put(load, load(load, rule, commits, refused, DATASETS));
        }
        List<String> binary = rows.get(PostgresStorageWriter.Load.COPY);
        // a commit binary COPY fails is loaded row by row as text: the same rows, so the count must match too
        assertThat(rowByRow.get(PostgresStorageWriter.Load.COPY)).as("seed %d: commits loaded row by row, binary "
                + "against text COPY", seed).isEqualTo(rowByRow.get(PostgresStorageWriter.Load.COPY_TEXT))
                .isLessThan(commits.size() - 100);
        assertThat(binary.size() + rejected.get(PostgresStorageWriter.Load.COPY).size()).as("seed %d", seed)
                .isEqualTo(events);
        assertThat(binary.size()).as("seed %d: most events stored", seed).isGreaterThan(events / 3);
        for (PostgresStorageWriter.Load other : List.of(PostgresStorageWriter.Load.COPY_TEXT,
                PostgresStorageWriter.Load.INSERT)) {
            assertDiffersNowhere(seed, "stored rows", binary, rows.get(other), other);
            assertDiffersNowhere(seed, "dead letters", keys(rejected.get(PostgresStorageWriter.Load.COPY)),
                    keys(rejected.get(other)), other);
        }
        System.out.printf("CopyLoadsRandomizedIT: %d events in %d commits, %d stored, %d refused, columns %s%n",
                events, commits.size(), binary.size(), rejected.get(PostgresStorageWriter.Load.COPY).size(), rule);
    }

    /** The typed columns of every type, in an order of the seed's. */
    private static Map<String, String> rule(Random random) {
        List<TypedColumn> columns = new ArrayList<>(CopyTextRandomizedTest.COLUMNS);
        Collections.shuffle(columns, random);
        Map<String, String> rule = new LinkedHashMap<>();
        columns.forEach(c -> rule.put(c.name(), c.kustoType()));
        return rule;
    }

    /**
     * With the event column {@code json} ({@code INGEST_PG_EVENT_TYPE=json}), each load stores and refuses exactly the
     * events binary {@code COPY} into {@code jsonb} does (the generated events hold {@code \u0000}, lone and paired
     * surrogates, broken JSON), the same rows read as {@code jsonb}, and each stored event's text is the one written.
     */
    @Test
    void a_json_event_column_stores_and_refuses_what_jsonb_does_through_every_load() throws Exception {
        long seed = seed("json");
        Random random = new Random(seed);
        Map<String, String> rule = rule(random);
        List<List<SinkRecord>> commits = commits(random);
        Map<String, String> written = new java.util.HashMap<>();
        commits.forEach(c -> c.forEach(r -> written.put(r.dataset() + " " + r.partition() + " " + r.offset(),
                new String(r.value(), StandardCharsets.UTF_8))));
        List<String> refusedJsonb = new ArrayList<>();
        List<String> jsonb = load(PostgresStorageWriter.Load.COPY, PostgresStorageWriter.EventType.JSONB, rule,
                commits, refusedJsonb, DATASETS, true);
        assertThat(refusedJsonb).as("seed %d: some refused", seed).isNotEmpty();
        Map<PostgresStorageWriter.Load, Long> jsonRowByRow = new LinkedHashMap<>();
        for (PostgresStorageWriter.Load load : PostgresStorageWriter.Load.values()) {
            List<String> refused = new ArrayList<>();
            String schema = TestPostgres.uniqueSchema();
            List<String> json = load(schema, load, PostgresStorageWriter.EventType.JSON, rule, commits, refused,
                    DATASETS, true);
            jsonRowByRow.put(load, rowByRow.get(load));
            assertDiffersNowhere(seed, "stored rows (json, read as jsonb, against jsonb)", jsonb, json, load);
            assertDiffersNowhere(seed, "dead letters (json against jsonb)", keys(refusedJsonb), keys(refused), load);
            try (Connection c = TestPostgres.connect(); Statement s = c.createStatement()) {
                int n = 0;
                for (String dataset : DATASETS) {
                    try (ResultSet rs = s.executeQuery("SELECT kafka_partition, kafka_offset, event::text FROM \""
                            + schema + "\".\"" + dataset + "\"")) {
                        while (rs.next()) {
                            long offset = rs.getLong(2) / io.ingestline.model.DatasetRecord.MAX_EVENTS;
                            assertThat(rs.getString(3)).as("seed %d: %s's text, %s", seed, dataset, load)
                                    .isEqualTo(written.get(dataset + " " + rs.getInt(1) + " " + offset));
                            n++;
                        }
                    }
                }
                assertThat(n).isEqualTo(json.size());
            }
        }
        // the commits loaded row by row are those holding an event json itself refuses, the same for both COPYs
        assertThat(jsonRowByRow.get(PostgresStorageWriter.Load.COPY)).as("seed %d: json commits loaded row by row, "
                + "binary against text COPY", seed).isEqualTo(jsonRowByRow.get(PostgresStorageWriter.Load.COPY_TEXT));
        System.out.printf("CopyLoadsRandomizedIT json: %d stored, %d refused, through each load; commits loaded row by "
                + "row %s%n", jsonb.size(), refusedJsonb.size(), jsonRowByRow);
    }

    /** Commits of about 2,500 generated events, mostly one a commit, in the datasets' partitions. */
    private static List<List<SinkRecord>> commits(Random random) {
        List<List<SinkRecord>> commits = new ArrayList<>();
        Map<DatasetPartition, Long> next = new LinkedHashMap<>();
        int events = 0;
        while (events < 2500) {
            List<SinkRecord> commit = new ArrayList<>();
            // most commits of one event, so that each event PostgreSQL takes is loaded with COPY
            int n = random.nextInt(3) > 0 ? 1 : 2 + random.nextInt(random.nextInt(4) == 0 ? 40 : 4);
            for (int k = 0; k < n; k++) {
                SinkRecord r = CopyTextRandomizedTest.record(random);
                DatasetPartition dp = new DatasetPartition(DATASETS.get(random.nextInt(DATASETS.size())),
                        random.nextInt(PARTITIONS));
                long offset = next.merge(dp, 1L, Long::sum) - 1;
                long time = random.nextInt(3) > 0 ? 1_764_900_000_000L + random.nextInt(3 * 86_400_000)
                        : r.eventTimeMs();
                commit.add(new SinkRecord(dp.dataset(), dp.partition(), offset, 0, time, r.key(), r.value()));
            }
            commits.add(commit);
            events += n;
        }
        return commits;
    }

    @Test
    void times_are_rounded_to_microseconds_as_postgresql_rounds_their_text() throws Exception {
        long seed = seed("times");
        Random random = new Random(seed);
        List<SinkRecord> events = new ArrayList<>();
        for (int k = 0; k < 2000; k++) {
            // fractions of 7 and 9 digits, most ending in 5 (half a microsecond, or just either side of it)
            int last = new int[] {500, 499, 501, random.nextInt(1000)}[random.nextInt(4)];
            String fraction = String.format(Locale.ROOT, "%06d", random.nextInt(1_000_000))
                    + (random.nextBoolean() ? "5" : String.format(Locale.ROOT, "%03d", last));
            String time = (1970 + random.nextInt(100)) + "-01-01T00:00:0" + random.nextInt(10) + "." + fraction + "Z";
            events.add(new SinkRecord("web", 0, k, 0, 1_764_900_000_000L, ("id-" + k).getBytes(StandardCharsets.UTF_8),
                    ("{\"t\":\"" + time + "\"}").getBytes(StandardCharsets.UTF_8)));
        }
        assertBinaryStoresAsText(seed, Map.of("t", "datetime"), events);
    }

    @Test
    void numbers_written_without_their_text_are_the_ones_postgresql_makes_of_it() throws Exception {
        long seed = seed("numbers");
        Random random = new Random(seed);
        List<SinkRecord> events = new ArrayList<>();
        for (int k = 0; k < 3000; k++) {
            // decimals of 1 to 17 digits and -20 to 24 decimals (binary COPY writes those of at most 15 digits and 0
            // to 22 decimals from the digits, the others from their text), integers of every size, either sign
            int digits = 1 + random.nextInt(17);
            StringBuilder d = new StringBuilder(random.nextBoolean() ? "-" : "");
            for (int i = 0; i < digits; i++) {
                d.append((char) ((i == 0 && digits > 1 ? '1' : '0') + random.nextInt(i == 0 && digits > 1 ? 9 : 10)));
            }
            int decimals = random.nextInt(25);
            String r = decimals > 0 ? d + "e-" + decimals
                    : new String[] {d + ".0", d + "e0", d + "e" + (1 + random.nextInt(20))}[random.nextInt(3)];
            if (random.nextBoolean()) { // as written with a point
                r = new java.math.BigDecimal(r).toPlainString();
                r = r.contains(".") ? r : r + ".0";
            }
            String n = random.nextInt(3) == 0 ? Long.toString(random.nextLong())
                    : Integer.toString(random.nextInt() >> random.nextInt(32));
            events.add(new SinkRecord("web", 0, k, 0, 1_764_900_000_000L, ("id-" + k).getBytes(StandardCharsets.UTF_8),
                    ("{\"r\":" + r + ",\"i\":" + n + ",\"l\":" + n + ",\"ri\":" + n + ",\"b\":"
                            + random.nextBoolean() + "}").getBytes(StandardCharsets.UTF_8)));
        }
        assertBinaryStoresAsText(seed, Map.of("r", "real", "i", "int", "l", "long", "ri", "real", "b", "bool"),
                events);
    }

    /** Every event stored, none refused or loaded row by row, and the same rows through binary and text COPY. */
    private void assertBinaryStoresAsText(long seed, Map<String, String> rule, List<SinkRecord> events)
            throws Exception {
        List<String> refused = new ArrayList<>();
        List<String> binary = load(PostgresStorageWriter.Load.COPY, rule, List.of(events), refused, List.of("web"));
        List<String> text = load(PostgresStorageWriter.Load.COPY_TEXT, rule, List.of(events), refused,
                List.of("web"));
        assertThat(refused).isEmpty();
        assertThat(rowByRow.get(PostgresStorageWriter.Load.COPY)).isZero();
        assertThat(binary).hasSize(events.size());
        assertDiffersNowhere(seed, "stored rows", binary, text, PostgresStorageWriter.Load.COPY_TEXT);
    }

    /** The seed of a test's events ({@code -Dcopy.seed} replays one), printed. */
    private static long seed(String what) {
        long seed = Long.getLong("copy.seed", System.nanoTime());
        System.out.println("CopyLoadsRandomizedIT " + what + " seed " + seed + " (replay: -Dcopy.seed=" + seed + ")");
        return seed;
    }

    /** Loads the commits into a schema of its own; its rows as PostgreSQL prints them. */
    private List<String> load(PostgresStorageWriter.Load load, Map<String, String> rule,
            List<List<SinkRecord>> commits, List<String> refused, List<String> datasets) throws Exception {
        return load(load, PostgresStorageWriter.EventType.JSONB, rule, commits, refused, datasets, false);
    }

    private List<String> load(PostgresStorageWriter.Load load, PostgresStorageWriter.EventType type,
            Map<String, String> rule, List<List<SinkRecord>> commits, List<String> refused, List<String> datasets,
            boolean asJsonb) throws Exception {
        return load(TestPostgres.uniqueSchema(), load, type, rule, commits, refused, datasets, asJsonb);
    }

    /**
     * Loads the commits into the schema given, its tables' event column of the type given; its rows as PostgreSQL
     * prints them, or as {@code jsonb} prints them ({@code asJsonb}: the same for a {@code json} and a {@code jsonb}
     * table holding the same events).
     */
    private List<String> load(String schema, PostgresStorageWriter.Load load, PostgresStorageWriter.EventType type,
            Map<String, String> rule, List<List<SinkRecord>> commits, List<String> refused, List<String> datasets,
            boolean asJsonb) throws Exception {
        schemas.add(schema);
        Rejects rejects = new Rejects() {
            @Override
            public void reject(SinkRecord record, String reason) {
                refused.add(record.dataset() + "/" + record.partition() + "/" + record.offset() + " "
                        + reason.replaceAll("\\s+", " "));
            }

            @Override
            public void flush() {
            }
        };
        TestPostgres.connect();
        try (PostgresStorageWriter w = new PostgresStorageWriter(new PostgresStorageWriter.Settings(TestPostgres.URL,
                TestPostgres.USER, TestPostgres.PASSWORD, schema, 0, 1L << 30, load, type), "g", rejects,
                d -> rule)) {
            List<DatasetPartition> all = new ArrayList<>();
            for (String dataset : datasets) {
                for (int p = 0; p < PARTITIONS; p++) {
                    all.add(new DatasetPartition(dataset, p));
                }
            }
            w.open(all, 1);
            for (List<SinkRecord> commit : commits) {
                Map<DatasetPartition, Long> offsets = new LinkedHashMap<>();
                for (SinkRecord r : commit) {
                    w.write(r);
                    offsets.merge(r.datasetPartition(), r.offset() + 1, Math::max);
                }
                w.commit(offsets, n -> { });
            }
            rowByRow.put(load, w.rowByRowCommits());
        }
        return rows(schema, datasets, asJsonb);
    }

    /** The first row that differs, with the seed and the loads, rather than two lists of a thousand rows. */
    private static void assertDiffersNowhere(long seed, String what, List<String> binary, List<String> other,
            PostgresStorageWriter.Load load) {
        TreeSet<String> onlyBinary = new TreeSet<>(binary);
        other.forEach(onlyBinary::remove);
        TreeSet<String> onlyOther = new TreeSet<>(other);
        binary.forEach(onlyOther::remove);
        assertThat(onlyBinary).as("seed %d: %s only in binary COPY's schema, not in %s's (which has %s)", seed, what,
                load.setting(), onlyOther.isEmpty() ? "none other" : onlyOther.first()).isEmpty();
        assertThat(onlyOther).as("seed %d: %s only in %s's schema, not binary COPY's", seed, what, load.setting())
                .isEmpty();
        assertThat(other).as("seed %d: %s, %s", seed, what, load.setting()).hasSameSizeAs(binary);
    }

    /** The dead letters' events (their reasons are PostgreSQL's messages, which name the way a value came). */
    private static List<String> keys(List<String> rejected) {
        return rejected.stream().map(r -> r.substring(0, r.indexOf(' '))).toList();
    }

    /** Each dataset's rows, the dataset's name before each. */
    private static List<String> rows(String schema, List<String> datasets, boolean asJsonb) throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = TestPostgres.connect(); Statement s = c.createStatement()) {
            for (String dataset : datasets) {
                try (ResultSet rs = s.executeQuery("SELECT " + (asJsonb ? "to_jsonb(stored_row)" : "stored_row")
                        + "::text FROM \"" + schema + "\".\"" + dataset
                        + "\" stored_row ORDER BY kafka_partition, kafka_offset")) {
                    while (rs.next()) {
                        out.add(dataset + " " + rs.getString(1));
                    }
                }
            }
        }
        return out;
    }
}
