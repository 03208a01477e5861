package io.ingestline.sink.storage;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ingestline.sink.TestPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The PostgreSQL backend against a real PostgreSQL (see {@link TestPostgres} to point it elsewhere). */
class PostgresStorageWriterIT {
    private static final DatasetPartition WEB0 = new DatasetPartition("web", 0);
    private final String schema = TestPostgres.uniqueSchema();
    private final List<String> rejected = new ArrayList<>();
    private final Rejects rejects = new Rejects() {
        @Override
        public void reject(SinkRecord record, String reason) {
            rejected.add(record.id() + ": " + reason);
        }

        @Override
        public void flush() {
        }
    };

    @AfterEach
    void drop() {
        TestPostgres.dropSchema(schema);
    }

    private PostgresStorageWriter writer(String group, int retentionDays) {
        TestPostgres.connect();
        return new PostgresStorageWriter(new PostgresStorageWriter.Settings(TestPostgres.URL, TestPostgres.USER,
                TestPostgres.PASSWORD, schema, retentionDays, 1 << 20, PostgresStorageWriter.Load.COPY), group,
                rejects);
    }

    private static SinkRecord record(long offset, String time, String json) {
        return record("web", 0, offset, time, "id-" + offset, json);
    }

    private static SinkRecord record(String dataset, int partition, long offset, String time, String id, String json) {
        return new SinkRecord(dataset, partition, offset, Instant.parse(time).toEpochMilli(), id, json.getBytes(UTF_8));
    }

    /** A map that keeps its entries' order (the rules give typed columns in order). */
    private static Map<String, String> ordered(String... namesAndTypes) {
        Map<String, String> out = new java.util.LinkedHashMap<>();
        for (int i = 0; i < namesAndTypes.length; i += 2) {
            out.put(namesAndTypes[i], namesAndTypes[i + 1]);
        }
        return out;
    }

    private List<String> rows(String sql) throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = TestPostgres.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    @Test
    void stores_events_with_their_offsets_in_one_transaction_and_resumes_after_them() throws Exception {
        try (PostgresStorageWriter w = writer("g", 0)) {
            assertThat(w.open(List.of(WEB0), 1)).isEmpty();
            w.write(record(10, "2026-11-23T10:00:00Z", "{\"_id\":\"id-10\",\"msg\":\"tab\\there\",\"n\":1}"));
            w.write(record(11, "2026-11-24T23:59:59Z", "{\"_id\":\"id-11\",\"path\":\"C:\\\\x\"}"));
            List<Map<DatasetPartition, Long>> fenced = new ArrayList<>();
            w.commit(Map.of(WEB0, 12L), fenced::add);
            assertThat(fenced).containsExactly(Map.of(WEB0, 12L));
        }
        assertThat(rows("SELECT id || ' ' || time::text || ' ' || (event->>'msg') FROM \"" + schema
                + "\".\"web\" ORDER BY id")).containsExactly("id-10 2026-11-23 10:00:00+00 tab\there", null);
        assertThat(rows("SELECT event->>'path' FROM \"" + schema + "\".\"web\" WHERE id = 'id-11'"))
                .containsExactly("C:\\x");
        assertThat(rows("SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_namespace n"
                + " ON n.oid = c.relnamespace WHERE n.nspname = '" + schema + "' AND c.relkind = 'r' ORDER BY 1"))
                .containsExactly("web_p20261123", "web_p20261124");
        try (PostgresStorageWriter w = writer("g", 0)) {
            assertThat(w.open(List.of(WEB0), 1)).containsEntry(WEB0, 12L);
        }
        try (PostgresStorageWriter w = writer("another-group", 0)) {
            assertThat(w.open(List.of(WEB0), 1)).isEmpty();
        }
    }

    @Test
    void a_dataset_named_as_another_datasets_partition_does_not_take_its_events() throws Exception {
        DatasetPartition other = new DatasetPartition("web_p20261123", 0);
        try (PostgresStorageWriter w = writer("g", 0)) {
            w.open(List.of(WEB0, other), 1);
            // the dataset web_p20261123 first: its table takes the name of web's partition of 2026-11-23
            w.write(new SinkRecord(other.dataset(), 0, 0, Instant.parse("2026-11-23T09:00:00Z").toEpochMilli(),
                    "other-0", "{\"n\":0}".getBytes(UTF_8)));
            w.commit(Map.of(other, 1L), next -> { });
        }
        try (PostgresStorageWriter w = writer("g", 0)) { // a writer that has not made those tables itself
            w.open(List.of(WEB0), 1);
            w.write(record(0, "2026-11-23T10:00:00Z", "{\"n\":1}"));
            w.write(record(1, "2026-11-24T10:00:00Z", "{\"n\":2}"));
            w.commit(Map.of(WEB0, 2L), next -> { });
        }
        // web's event of that day has no partition of web's to go to: a dead letter, not a row of the other dataset
        assertThat(rows("SELECT id FROM \"" + schema + "\".\"web_p20261123\" ORDER BY id")).containsExactly("other-0");
        assertThat(rows("SELECT id FROM \"" + schema + "\".\"web\" ORDER BY id")).containsExactly("id-1");
        assertThat(rejected).hasSize(1);
        assertThat(rejected.get(0)).startsWith("id-0: PostgreSQL refused the event: ");
    }

    @Test
    void a_worker_that_lost_its_partition_cannot_store_it_again() throws Exception {
        try (PostgresStorageWriter old = writer("g", 0); PostgresStorageWriter current = writer("g", 0)) {
            old.open(List.of(WEB0), 1);
            current.open(List.of(WEB0), 2);
            current.write(record(0, "2026-11-23T10:00:00Z", "{\"n\":0}"));
            current.commit(Map.of(WEB0, 1L), next -> { });
            old.write(record(0, "2026-11-23T10:00:00Z", "{\"n\":0}"));
            assertThatThrownBy(() -> old.commit(Map.of(WEB0, 1L), next -> { }))
                    .hasMessageContaining("another worker owns it now");
            current.write(record(1, "2026-11-23T10:00:01Z", "{\"n\":1}"));
            current.commit(Map.of(WEB0, 2L), next -> { });
        }
        assertThat(rows("SELECT id FROM \"" + schema + "\".\"web\" ORDER BY id")).containsExactly("id-0", "id-1");
    }

    @Test
    void a_value_postgresql_refuses_goes_to_the_dead_letters_and_the_others_are_stored() throws Exception {
        try (PostgresStorageWriter w = writer("g", 0)) {
            w.open(List.of(WEB0), 1);
            w.write(record(0, "2026-11-23T10:00:00Z", "{\"n\":0}"));
            w.write(record(1, "2026-11-23T10:00:00Z", "{\"bad\":\"nul\\u0000here\"}"));
            w.write(record(2, "2026-11-23T10:00:00Z", "not json at all"));
            w.write(record(3, "2026-11-23T10:00:00Z", "{\"n\":3}"));
            w.commit(Map.of(WEB0, 4L), next -> { });
        }
        assertThat(rows("SELECT id FROM \"" + schema + "\".\"web\" ORDER BY id")).containsExactly("id-0", "id-3");
        assertThat(rejected).hasSize(2);
        assertThat(rejected.get(0)).startsWith("id-1: PostgreSQL refused the event: ").contains("\\u0000");
        assertThat(rejected.get(1)).startsWith("id-2: PostgreSQL refused the event: ").contains("json");
        try (PostgresStorageWriter w = writer("g", 0)) {
            assertThat(w.open(List.of(WEB0), 1)).containsEntry(WEB0, 4L);
        }
    }

    /**
     * In the row-by-row load (after a load failed), an error that is not the event's own (here a statement cancelled,
     * as a {@code statement_timeout} does, SQLSTATE 57014, raised by a trigger for one valid event) fails the commit,
     * which the worker tries again: the valid event is never sent to the dead letters. The broken event of the same
     * commit still is, and once the cause is gone the retried commit stores the rest; an event an operator's trigger
     * refuses (SQLSTATE P0001) is the event's refusal and goes to the dead letters.
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.EnumSource(PostgresStorageWriter.Load.class)
    void a_failure_that_is_not_the_events_own_fails_the_row_by_row_load_instead_of_dead_lettering_the_event(
            PostgresStorageWriter.Load load) throws Exception {
        String day = "2026-11-23T10:00:00Z";
        try (PostgresStorageWriter w = writer(load, PostgresStorageWriter.EventType.JSONB, d -> Map.of())) {
            w.open(List.of(WEB0), 1);
            w.write(record(0, day, "{\"n\":0}"));
            w.commit(Map.of(WEB0, 1L), next -> { });
        }
        String table = "\"" + schema + "\".\"web\"";
        try (Connection c = TestPostgres.connect(); Statement s = c.createStatement()) {
            s.execute("CREATE FUNCTION \"" + schema + "\".cancel_id_2() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                    + "IF NEW.id = 'id-2' THEN RAISE EXCEPTION 'canceling statement due to statement timeout' "
                    + "USING ERRCODE = '57014'; END IF; RETURN NEW; END $$");
            s.execute("CREATE TRIGGER cancel_id_2 BEFORE INSERT ON " + table + " FOR EACH ROW EXECUTE FUNCTION \""
                    + schema + "\".cancel_id_2()");
            // an operator's trigger refusing an event (SQLSTATE P0001): that is the event's refusal
            s.execute("CREATE FUNCTION \"" + schema + "\".refuse_id_4() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                    + "IF NEW.id = 'id-4' THEN RAISE EXCEPTION 'no events from that host'; END IF; RETURN NEW; END $$");
            s.execute("CREATE TRIGGER refuse_id_4 BEFORE INSERT ON " + table + " FOR EACH ROW EXECUTE FUNCTION \""
                    + schema + "\".refuse_id_4()");
        }
        List<SinkRecord> records = List.of(record(1, day, "not json at all"), record(2, day, "{\"n\":2}"),
                record(3, day, "{\"n\":3}"), record(4, day, "{\"n\":4}"));
        try (PostgresStorageWriter w = writer(load, PostgresStorageWriter.EventType.JSONB, d -> Map.of())) {
            assertThat(w.open(List.of(WEB0), 1)).containsEntry(WEB0, 1L);
            records.forEach(w::write);
            assertThatThrownBy(() -> w.commit(Map.of(WEB0, 5L), next -> { }))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("statement timeout");
            assertThat(w.rowByRowCommits()).isOne();
        }
        assertThat(rejected).noneMatch(r -> r.startsWith("id-2:") || r.startsWith("id-3:") || r.startsWith("id-4:"));
        assertThat(rows("SELECT id FROM " + table + " ORDER BY id")).containsExactly("id-0");
        try (Connection c = TestPostgres.connect(); Statement s = c.createStatement()) {
            s.execute("DROP TRIGGER cancel_id_2 ON " + table);
        }
        rejected.clear();
        try (PostgresStorageWriter w = writer(load, PostgresStorageWriter.EventType.JSONB, d -> Map.of())) {
            assertThat(w.open(List.of(WEB0), 1)).containsEntry(WEB0, 1L);
            records.forEach(w::write);
            w.commit(Map.of(WEB0, 5L), next -> { });
        }
        assertThat(rows("SELECT id FROM " + table + " ORDER BY id")).containsExactly("id-0", "id-2", "id-3");
        assertThat(rejected).hasSize(2);
        assertThat(rejected.get(0)).startsWith("id-1: PostgreSQL refused the event: ");
        assertThat(rejected.get(1)).startsWith("id-4: PostgreSQL refused the event: ").contains("no events from");
    }

    @Test
    void events_of_the_years_1_to_9999_are_stored_with_their_partitions_and_the_others_go_to_the_dead_letters()
            throws Exception {
        try (PostgresStorageWriter w = writer("g", 0)) {
            w.open(List.of(WEB0), 1);
            w.write(record(0, "9999-12-31T23:59:59.999Z", "{\"n\":0}"));
            w.write(record(1, "+10000-01-01T00:00:00Z", "{\"n\":1}"));
            w.write(record(2, "0001-01-01T00:00:00Z", "{\"n\":2}"));
            w.write(record(3, "0000-12-31T23:59:59.999Z", "{\"n\":3}"));
            w.write(record(4, "2026-11-23T10:00:00Z", "{\"n\":4}"));
            w.commit(Map.of(WEB0, 5L), next -> { });
            // a dataset whose only events are out of range: dead letters, and no table made for it
            DatasetPartition api = new DatasetPartition("api", 0);
            w.open(List.of(api), 1);
            w.write(record("api", 0, 0, "+10000-01-01T00:00:00Z", "a-0", "{}"));
            w.commit(Map.of(api, 1L), next -> { });
            assertThat(w.open(List.of(api), 1)).containsEntry(api, 1L);
        }
        assertThat(rows("SELECT relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE "
                + "n.nspname = '" + schema + "' AND relname LIKE 'api%'")).isEmpty();
        assertThat(rows("SELECT id || ' ' || time FROM \"" + schema + "\".\"web\" ORDER BY id")).containsExactly(
                "id-0 9999-12-31 23:59:59.999+00", "id-2 0001-01-01 00:00:00+00", "id-4 2026-11-23 10:00:00+00");
        assertThat(rejected).containsExactly(
                "id-1: the event's time +10000-01-01T00:00:00Z is outside the years 1 to 9999, which the PostgreSQL "
                        + "backend stores",
                "id-3: the event's time 0000-12-31T23:59:59.999Z is outside the years 1 to 9999, which the PostgreSQL "
                        + "backend stores",
                "a-0: the event's time +10000-01-01T00:00:00Z is outside the years 1 to 9999, which the PostgreSQL "
                        + "backend stores");
    }

    @Test
    void fills_typed_columns_the_rules_give_and_adds_new_ones_as_rules_change() throws Exception {
        typedColumns(PostgresStorageWriter.Load.COPY);
    }

    @Test
    void fills_typed_columns_with_text_copy_and_batched_inserts_too() throws Exception {
        typedColumns(PostgresStorageWriter.Load.COPY_TEXT);
        drop();
        typedColumns(PostgresStorageWriter.Load.INSERT);
    }

    private void typedColumns(PostgresStorageWriter.Load copy) throws Exception {
        Map<String, Map<String, String>> rules = new java.util.HashMap<>(Map.of("web", new java.util.LinkedHashMap<>(
                Map.of("status", "long"))));
        rules.get("web").put("ok", "bool");
        rules.get("web").put("at", "datetime");
        rules.get("web").put("ctx", "dynamic");
        rules.get("web").put("id", "string"); // the base column's name: not added again
        try (PostgresStorageWriter w = new PostgresStorageWriter(new PostgresStorageWriter.Settings(TestPostgres.URL,
                TestPostgres.USER, TestPostgres.PASSWORD, schema, 0, 1 << 20, copy), "g", rejects,
                d -> rules.getOrDefault(d, Map.of()))) {
            w.open(List.of(WEB0), 1);
            w.write(record(0, "2026-11-23T10:00:00Z", "{\"status\":503,\"ok\":false,\"at\":\"2026-11-23 10:00:01\","
                    + "\"ctx\":{\"a\":[1]}}"));
            w.write(record(1, "2026-11-23T10:00:00Z", "{\"status\":\"abc\",\"ok\":\"yes\",\"at\":7}"));
            w.write(record(2, "2026-11-23T10:00:00Z", "{\"status\":\"42\"}"));
            w.commit(Map.of(WEB0, 3L), next -> { });
            rules.get("web").put("level", "string");
            w.write(record(3, "2026-11-23T10:00:00Z", "{\"level\":\"warn\",\"status\":1}"));
            // a dataset record of two events (a batch's, as the validator writes them)
            io.ingestline.model.DatasetRecord.Builder b = new io.ingestline.model.DatasetRecord.Builder();
            long t = Instant.parse("2026-11-23T10:00:00Z").toEpochMilli();
            for (int i = 0; i < 2; i++) {
                byte[] e = ("{\"_time\":\"2026-11-23T10:00:00Z\",\"_id\":\"b-" + i + "\",\"status\":" + (5 + i) + "}")
                        .getBytes(UTF_8);
                b.add("b-" + i, i, t, e, 0, e.length);
            }
            org.apache.kafka.common.header.internals.RecordHeaders h =
                    new org.apache.kafka.common.header.internals.RecordHeaders();
            b.putHeaders(h, "b");
            w.write(WEB0, 4, io.ingestline.model.DatasetRecord.Events.of(null, b.value(), h, 0));
            w.commit(Map.of(WEB0, 5L), next -> { });
        }
        assertThat(rows("SELECT concat_ws('|', id, status, ok, at, ctx, level) FROM \"" + schema
                + "\".\"web\" ORDER BY id")).containsExactly("b-0|5", "b-1|6",
                "id-0|503|f|2026-11-23 10:00:01+00|{\"a\": [1]}", "id-1", "id-2|42", "id-3|1|warn");
        assertThat(rows("SELECT format_type(a.atttypid, a.atttypmod) FROM pg_attribute a JOIN pg_class c ON "
                + "c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = '" + schema
                + "' AND c.relname = 'web' AND a.attnum > 0 ORDER BY a.attnum")).containsExactly(
                "timestamp with time zone", "text", "jsonb", "integer", "bigint", "bigint", "boolean",
                "timestamp with time zone", "jsonb", "text");
        assertThat(rows("SELECT concat_ws(' ', id, kafka_partition, kafka_offset) FROM \"" + schema
                + "\".\"web\" ORDER BY id")).as("each event's position: its record's offset x 65,536 + its index")
                .containsExactly("b-0 0 262144", "b-1 0 262145", "id-0 0 0", "id-1 0 65536", "id-2 0 131072",
                        "id-3 0 196608");
        assertThat(rejected).isEmpty();
    }

    /**
     * Binary {@code COPY} encodes each event when it is written, with the typed columns the rules give then; at the
     * commit the table's may be others (a rule changed in between, a column has another type in the table than the
     * rules now say). Those rows are encoded again with the table's columns, in the same {@code COPY} (not by the
     * row-by-row fallback, which would also store them right).
     */
    @Test
    void rows_encoded_before_a_rule_changed_are_stored_with_the_tables_columns() throws Exception {
        Map<String, Map<String, String>> rules = new java.util.HashMap<>();
        rules.put("web", Map.of("status", "string"));
        try (PostgresStorageWriter w = new PostgresStorageWriter(new PostgresStorageWriter.Settings(TestPostgres.URL,
                TestPostgres.USER, TestPostgres.PASSWORD, schema, 0, 1 << 20, PostgresStorageWriter.Load.COPY), "g",
                rejects, d -> rules.getOrDefault(d, Map.of()))) {
            w.open(List.of(WEB0, new DatasetPartition("web", 1)), 1);
            w.write(record(0, "2026-11-23T10:00:00Z", "{\"status\":\"s0\",\"level\":\"a\"}"));
            w.commit(Map.of(WEB0, 1L), next -> { });
            // status is text in the table now; the rules make it a long (not filled: another type) and add level
            rules.put("web", Map.of("status", "long"));
            w.write(record(1, "2026-11-23T10:00:01Z", "{\"status\":7,\"level\":\"b\"}"));
            rules.put("web", ordered("status", "long", "level", "string"));
            w.write(record(2, "2026-11-23T10:00:02Z", "{\"status\":8,\"level\":\"c\"}"));
            w.write(record("web", 1, 0, "2026-11-22T10:00:00Z", "p1-0", "{\"status\":9,\"level\":\"d\"}"));
            // the same columns in another order: the table's order is the rules' at the commit
            rules.put("web", ordered("level", "string", "status", "long"));
            w.write(record(3, "2026-11-23T10:00:03Z", "{\"level\":\"e\",\"status\":\"10\"}"));
            // another dataset in the same commit, over two days: rows encoded with the table's columns (sent as they
            // are) and rows from before its rule changed (encoded again), mixed in each day's COPY
            DatasetPartition api0 = new DatasetPartition("api", 0);
            DatasetPartition api1 = new DatasetPartition("api", 1);
            w.open(List.of(api0, api1), 1);
            rules.put("api", Map.of("n", "int"));
            w.write(record("api", 0, 0, "2026-11-22T23:59:59Z", "a-0", "{\"n\":1,\"m\":\"x\"}"));
            w.write(record("api", 1, 0, "2026-11-23T00:00:01Z", "a-1", "{\"n\":2,\"m\":\"y\"}"));
            rules.put("api", ordered("n", "int", "m", "string"));
            w.write(record("api", 0, 1, "2026-11-22T23:59:58Z", "a-2", "{\"n\":3,\"m\":\"z\"}"));
            w.write(record("api", 1, 1, "2026-11-23T00:00:00Z", "a-3", "{\"n\":4,\"m\":\"w\"}"));
            w.commit(Map.of(WEB0, 4L, new DatasetPartition("web", 1), 1L, api0, 2L, api1, 2L), next -> { });
            assertThat(w.rowByRowCommits()).isZero();
        }
        assertThat(rows("SELECT concat_ws('|', id, status, level, kafka_partition) FROM \"" + schema
                + "\".\"web\" ORDER BY time")).containsExactly("p1-0|d|1", "id-0|s0|0", "id-1|b|0", "id-2|c|0",
                "id-3|e|0");
        assertThat(rows("SELECT concat_ws('|', id, n, m, kafka_partition) FROM \"" + schema
                + "\".\"api\" ORDER BY time")).containsExactly("a-2|3|z|0", "a-0|1|x|0", "a-3|4|w|1", "a-1|2|y|1");
        assertThat(rejected).isEmpty();
    }

    private PostgresStorageWriter writer(PostgresStorageWriter.Load load, PostgresStorageWriter.EventType type,
            java.util.function.Function<String, Map<String, String>> columns) {
        TestPostgres.connect();
        return new PostgresStorageWriter(new PostgresStorageWriter.Settings(TestPostgres.URL, TestPostgres.USER,
                TestPostgres.PASSWORD, schema, 0, 1 << 20, load, type), "g", rejects, columns);
    }

    /**
     * With {@code INGEST_PG_EVENT_TYPE=json}, through each load: the event column is {@code json} and holds each event's
     * text as it came (key order, duplicate keys, spacing); what {@code jsonb} refuses ({@code \u0000}, a lone
     * surrogate, a number past {@code numeric}) goes to the dead letters with PostgreSQL's message, and what only looks
     * like it (a surrogate pair, an escaped backslash before {@code u0000}, long exponents and digits {@code numeric}
     * holds) is stored; so every row reads as {@code jsonb}, which is how the query service reads it. Rows encoded before
     * a rule changed are encoded again for the {@code json} column.
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.EnumSource(PostgresStorageWriter.Load.class)
    void a_json_event_column_keeps_each_events_text_and_refuses_what_jsonb_would(PostgresStorageWriter.Load load)
            throws Exception {
        String digits = "1234567890".repeat(120);
        String[] events = {
            "{\"b\":1,  \"a\" : [1, 2],\"a\":\"dup\",\"status\":\"s0\"}",
            "{\"bad\":\"nul\\u0000here\"}",
            "{\"s\":\"\\ud800 lone\"}",
            "{\"emoji\":\"\\ud83d\\ude00\",\"low\":\"\\uDBFF\\uDFFF\",\"status\":\"s3\"}",
            "{\"n\":1e200000}",
            "{\"n\":1e-9999,\"m\":1E+16383,\"s\":\"e12345\"}",
            "{\"big\":" + digits + "." + digits + "}",
            "{\"path\":\"C:\\\\u0000dir\",\"status\":\"s7\"}",
            "{\"s\":\"\\udc00\\ud800\"}",
            "{\"tiny\":0.5e-16383,\"long\":0." + "0".repeat(16_383) + "1}",
            "{\"status\":\"s10\",\"long\":0." + "0".repeat(16_382) + "1}",
            "{\"long\":0." + "0".repeat(16_383) + "1}",
        };
        java.util.concurrent.atomic.AtomicReference<Map<String, String>> rule = new java.util.concurrent.atomic
                .AtomicReference<>(Map.of());
        try (PostgresStorageWriter w = writer(load, PostgresStorageWriter.EventType.JSON, d -> rule.get())) {
            w.open(List.of(WEB0), 1);
            for (int i = 0; i < events.length; i++) {
                if (i == 6) {
                    rule.set(Map.of("status", "string")); // the rows before: encoded without the column
                }
                w.write(record(i, "2026-11-23T10:00:" + (10 + i) + "Z", events[i]));
            }
            w.commit(Map.of(WEB0, (long) events.length), next -> { });
            // what jsonb refuses was kept out before the load: the rest in one COPY (or batch)
            assertThat(w.rowByRowCommits()).isZero();
            w.write(record(events.length, "2026-11-23T10:01:00Z", "not json at all"));
            w.commit(Map.of(WEB0, events.length + 1L), next -> { });
            assertThat(w.rowByRowCommits()).isOne();
        }
        assertThat(rows("SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = '\"" + schema
                + "\".\"web\"'::regclass AND attname = 'event'")).containsExactly("json");
        List<Integer> stored = List.of(0, 3, 5, 6, 7, 10);
        List<String> expected = new ArrayList<>();
        stored.forEach(i -> expected.add("id-" + i + " " + events[i]));
        assertThat(rows("SELECT id || ' ' || event::text FROM \"" + schema + "\".\"web\" ORDER BY time"))
                .containsExactlyElementsOf(expected);
        assertThat(rows("SELECT count(*) FROM \"" + schema + "\".\"web\" WHERE jsonb_typeof(event::jsonb) = 'object'"))
                .containsExactly(Integer.toString(stored.size()));
        assertThat(rows("SELECT id || '=' || coalesce(status, '-') FROM \"" + schema + "\".\"web\" ORDER BY time"))
                // id-10's typed values are left null: its 16,384-digit number is past what the typed columns' parser
                // reads (Jackson's limit; the validator's own limits keep such numbers out of the pipeline)
                .containsExactly("id-0=s0", "id-3=s3", "id-5=-", "id-6=-", "id-7=s7", "id-10=-");
        // jsonb's refusals, found before the load; then the one json refuses too (its COPY fails: row by row)
        assertThat(rejected).extracting(r -> r.substring(0, r.indexOf(':')))
                .containsExactly("id-1", "id-2", "id-4", "id-8", "id-9", "id-11", "id-12");
        assertThat(rejected).allMatch(r -> r.contains(": PostgreSQL refused the event: "));
        assertThat(rejected.get(0)).contains("\\u0000");
        assertThat(rejected.get(2)).contains("overflows numeric");
        assertThat(rejected.get(5)).contains("overflows numeric");
        assertThat(rejected.get(6)).contains("json");
    }

    /**
     * A table keeps the event column's type it was made with, whatever a later writer's setting: rows go into a
     * {@code jsonb} table as {@code jsonb} and into a {@code json} one as {@code json}, each in one {@code COPY}.
     */
    @Test
    void a_table_keeps_its_event_columns_type_whatever_the_writers_setting() throws Exception {
        DatasetPartition api0 = new DatasetPartition("api", 0);
        try (PostgresStorageWriter w = writer(PostgresStorageWriter.Load.COPY, PostgresStorageWriter.EventType.JSONB,
                d -> Map.of())) {
            w.open(List.of(WEB0), 1);
            w.write(record(0, "2026-11-23T10:00:00Z", "{\"b\":1,\"a\":2}"));
            w.commit(Map.of(WEB0, 1L), next -> { });
        }
        try (PostgresStorageWriter w = writer(PostgresStorageWriter.Load.COPY, PostgresStorageWriter.EventType.JSON,
                d -> Map.of())) {
            w.open(List.of(WEB0, api0), 1);
            w.write(record(1, "2026-11-23T10:00:01Z", "{\"b\":3,\"a\":4}"));
            w.write(record("api", 0, 0, "2026-11-23T10:00:00Z", "a-0", "{\"y\":1,\"x\":2}"));
            w.commit(Map.of(WEB0, 2L, api0, 1L), next -> { });
            // the tables' types now known: rows encoded for them
            w.write(record(2, "2026-11-23T10:00:02Z", "{\"b\":5,\"a\":6}"));
            w.write(record("api", 0, 1, "2026-11-23T10:00:01Z", "a-1", "{\"y\":3,\"x\":4}"));
            w.commit(Map.of(WEB0, 3L, api0, 2L), next -> { });
            assertThat(w.rowByRowCommits()).isZero();
        }
        try (PostgresStorageWriter w = writer(PostgresStorageWriter.Load.COPY, PostgresStorageWriter.EventType.JSONB,
                d -> Map.of())) {
            w.open(List.of(api0), 1);
            w.write(record("api", 0, 2, "2026-11-23T10:00:02Z", "a-2", "{\"y\":5,\"x\":6}"));
            w.commit(Map.of(api0, 3L), next -> { });
            assertThat(w.rowByRowCommits()).isZero();
        }
        assertThat(rows("SELECT c.relname || ' ' || format_type(a.atttypid, a.atttypmod) FROM pg_attribute a JOIN "
                + "pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = '"
                + schema + "' AND c.relname IN ('web', 'api') AND a.attname = 'event' ORDER BY 1"))
                .containsExactly("api json", "web jsonb");
        assertThat(rows("SELECT id || ' ' || event::text FROM \"" + schema + "\".\"web\" ORDER BY id"))
                .containsExactly("id-0 {\"a\": 2, \"b\": 1}", "id-1 {\"a\": 4, \"b\": 3}",
                        "id-2 {\"a\": 6, \"b\": 5}");
        assertThat(rows("SELECT id || ' ' || event::text FROM \"" + schema + "\".\"api\" ORDER BY id"))
                .containsExactly("a-0 {\"y\":1,\"x\":2}", "a-1 {\"y\":3,\"x\":4}",
                        "a-2 {\"y\":5,\"x\":6}");
        assertThat(rejected).isEmpty();
    }

    /**
     * A {@code real} column's value PostgreSQL's double precision cannot hold: past the largest double, or so small
     * that it underflows to zero ({@code 1e-400}, which PostgreSQL refuses as out of range). The column is left null,
     * as for any value that does not fit its type, and the load is not turned into a row-by-row one with a dead
     * letter: the event is stored whole, in one {@code COPY}.
     */
    @Test
    void a_real_value_out_of_double_range_leaves_its_column_null_and_the_event_is_stored() throws Exception {
        Map<String, Map<String, String>> rules = Map.of("web", Map.of("latency", "real"));
        try (PostgresStorageWriter w = new PostgresStorageWriter(new PostgresStorageWriter.Settings(TestPostgres.URL,
                TestPostgres.USER, TestPostgres.PASSWORD, schema, 0, 1 << 20, PostgresStorageWriter.Load.COPY), "g",
                rejects, d -> rules.getOrDefault(d, Map.of()))) {
            w.open(List.of(WEB0), 1);
            String[] values = {"2.50", "1e-400", "-1E-400", "1e400", "1e-310", "0e-400", "0.0", "-0.0", "3"};
            for (int i = 0; i < values.length; i++) {
                w.write(record(i, "2026-11-23T10:00:00Z", "{\"latency\":" + values[i] + "}"));
            }
            w.commit(Map.of(WEB0, (long) values.length), next -> { });
        }
        assertThat(rejected).as("no event refused").isEmpty();
        assertThat(rows("SELECT concat_ws('|', id, latency) FROM \"" + schema + "\".\"web\" ORDER BY kafka_offset"))
                .containsExactly("id-0|2.5", "id-1", "id-2", "id-3", "id-4|1e-310", "id-5|0", "id-6|0", "id-7|0",
                        "id-8|3");
    }

    @Test
    void the_search_order_index_is_made_with_the_table_and_added_to_a_table_from_before_it() throws Exception {
        try (PostgresStorageWriter w = writer("g", 0)) {
            w.open(List.of(WEB0, new DatasetPartition("api", 3)), 1);
            w.write(record(7, "2026-11-23T10:00:00Z", "{\"n\":1}"));
            w.write(new SinkRecord("api", 3, 42, Instant.parse("2026-11-24T10:00:00Z").toEpochMilli(), "id-42",
                    "{\"n\":2}".getBytes(UTF_8)));
            try (Connection c = TestPostgres.connect(); Statement s = c.createStatement()) {
                // the api table as the sink made it before the order columns
                s.execute("CREATE TABLE \"" + schema + "\".\"api\" (time timestamptz NOT NULL, id text NOT NULL, "
                        + "event jsonb NOT NULL) PARTITION BY RANGE (time)");
                s.execute("CREATE TABLE \"" + schema + "\".\"api_p20261123\" PARTITION OF \"" + schema + "\".\"api\" "
                        + "FOR VALUES FROM ('2026-11-23') TO ('2026-11-24')");
                s.execute("INSERT INTO \"" + schema + "\".\"api\" VALUES ('2026-11-23T10:00:00Z', 'old', '{}')");
            }
            w.commit(Map.of(WEB0, 8L, new DatasetPartition("api", 3), 43L), next -> { });
        }
        assertThat(rows("SELECT concat_ws(' ', id, kafka_partition, kafka_offset) FROM \"" + schema + "\".\"web\""))
                .containsExactly("id-7 0 458752");
        assertThat(rows("SELECT concat_ws(' ', id, kafka_partition, kafka_offset) FROM \"" + schema
                + "\".\"api\" ORDER BY time")).containsExactly("old -1 -1", "id-42 3 2752512");
        for (String table : List.of("web", "api")) {
            assertThat(rows("SELECT pg_get_indexdef(i.indexrelid) FROM pg_index i JOIN pg_class c ON c.oid = "
                    + "i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = '" + schema
                    + "' AND c.relname = '" + table + "$order'")).singleElement().asString()
                    .endsWith("USING btree (\"time\", kafka_partition, kafka_offset)");
        }
        // every daily partition has it, old and new
        assertThat(rows("SELECT c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid JOIN pg_namespace n "
                + "ON n.oid = c.relnamespace JOIN pg_class x ON x.oid = i.indexrelid WHERE n.nspname = '" + schema
                + "' AND c.relkind = 'r' AND pg_get_indexdef(i.indexrelid) LIKE '%(\"time\", kafka_partition, "
                + "kafka_offset)' ORDER BY 1")).containsExactly("api_p20261123", "api_p20261124", "web_p20261123");
    }

    @Test
    void drops_daily_partitions_older_than_the_retention() throws Exception {
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        try (PostgresStorageWriter w = writer("g", 3)) {
            w.open(List.of(WEB0), 1);
            w.write(record(0, today.minusDays(10) + "T10:00:00Z", "{\"old\":true}"));
            w.write(record(1, today + "T00:00:00Z", "{\"old\":false}"));
            w.commit(Map.of(WEB0, 2L), next -> { });
        }
        assertThat(rows("SELECT id FROM \"" + schema + "\".\"web\"")).containsExactly("id-1");
    }
}
