package io.ingestline.bench;

import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

/**
 * A way of loading the same events into PostgreSQL, for {@link PostgresLoadBudget}: the sink's own ({@link #SINK}:
 * a table partitioned by day, the order index, the rule's typed columns, {@code event} as jsonb, text {@code COPY}
 * into the parent, synchronous commits, as {@code PostgresStorageWriter} creates and loads it) and variants that each
 * leave one thing out or change it, so that the differences price each part.
 */
enum LoadVariant {
    SINK("a", "as the sink was until binary COPY: partitioned by day, order index, typed columns, jsonb, text COPY "
            + "into the parent"),
    NO_INDEX("b", "without the order index"),
    NO_TYPED("c", "without the typed columns"),
    TEXT_EVENT("d", "event as text instead of jsonb"),
    INTO_PARTITION("e", "COPY straight into the day's partition (no routing; each row checked against its bounds)"),
    ASYNC_COMMIT("f", "as a, each transaction with SET LOCAL synchronous_commit = off"),
    BINARY("g", "as a, loaded with COPY BINARY"),
    JSON_EVENT("h", "event as json (checked, kept as its text) instead of jsonb");

    /** The dataset table's name, as the sink names the dataset {@link LoadDialect#AXIOM} reaches. */
    static final String TABLE = LoadDialect.AXIOM.dataset;
    /** The benchmark rule's typed columns ({@link LoadDialect#datasetRule()}) as the sink types them. */
    static final List<String[]> TYPED = List.of(new String[] {"status", "integer"},
            new String[] {"latency_ms", "double precision"}, new String[] {"bytes", "bigint"},
            new String[] {"level", "text"}, new String[] {"slow", "boolean"}, new String[] {"failed", "boolean"});

    final String letter;
    final String label;

    LoadVariant(String letter, String label) {
        this.letter = letter;
        this.label = label;
    }

    static LoadVariant ofLetter(String letter) {
        for (LoadVariant v : values()) {
            if (v.letter.equals(letter.trim().toLowerCase(Locale.ROOT))) {
                return v;
            }
        }
        throw new IllegalArgumentException("no variant " + letter + " (a to h)");
    }

    boolean index() {
        return this != NO_INDEX;
    }

    boolean typed() {
        return this != NO_TYPED;
    }

    boolean binary() {
        return this == BINARY;
    }

    /**
     * Creates, in {@code schema}, the dataset's table with its day's partition (autovacuum off on it, so that no
     * vacuum of an earlier round runs into a measurement; {@link PostgresLoadBudget} vacuums apart) and the sink's
     * offsets table with a row per Kafka partition.
     */
    void create(Statement s, String schema, LocalDate day, int kafkaPartitions) throws SQLException {
        String q = quote(schema);
        s.execute("CREATE SCHEMA " + q);
        String event = this == TEXT_EVENT ? "text" : this == JSON_EVENT ? "json" : "jsonb";
        StringBuilder cols = new StringBuilder("time timestamptz NOT NULL, id text NOT NULL, event " + event
                + " NOT NULL, kafka_partition integer NOT NULL, kafka_offset bigint NOT NULL");
        if (typed()) {
            TYPED.forEach(c -> cols.append(", ").append(quote(c[0])).append(' ').append(c[1]));
        }
        s.execute("CREATE TABLE " + table(schema) + " (" + cols + ") PARTITION BY RANGE (time)");
        if (index()) {
            s.execute("CREATE INDEX " + quote(TABLE + "$order") + " ON " + table(schema)
                    + " (time, kafka_partition, kafka_offset)");
        }
        s.execute("CREATE TABLE " + q + "." + quote(partition(day)) + " PARTITION OF " + table(schema)
                + " FOR VALUES FROM ('" + day + "') TO ('" + day.plusDays(1) + "') WITH (autovacuum_enabled = false)");
        s.execute("CREATE TABLE " + q + ".sink_offsets (consumer_group text NOT NULL, dataset text NOT NULL, "
                + "kafka_partition int NOT NULL, next_offset bigint NOT NULL, updated_at timestamptz NOT NULL "
                + "DEFAULT now(), PRIMARY KEY (consumer_group, dataset, kafka_partition))");
        s.execute("INSERT INTO " + q + ".sink_offsets (consumer_group, dataset, kafka_partition, next_offset) "
                + "SELECT 'bench', '" + TABLE + "', p, 0 FROM generate_series(0, " + (kafkaPartitions - 1) + ") p");
    }

    /** The COPY statement of one commit's events. */
    String copySql(String schema, LocalDate day) {
        StringBuilder b = new StringBuilder("COPY ").append(this == INTO_PARTITION
                ? quote(schema) + "." + quote(partition(day)) : table(schema))
                .append(" (time, id, event, kafka_partition, kafka_offset");
        if (typed()) {
            TYPED.forEach(c -> b.append(", ").append(quote(c[0])));
        }
        return b.append(") FROM STDIN").append(binary() ? " (FORMAT binary)" : "").toString();
    }

    static String partition(LocalDate day) {
        return TABLE + "_p" + DateTimeFormatter.BASIC_ISO_DATE.format(day);
    }

    static String table(String schema) {
        return quote(schema) + "." + quote(TABLE);
    }

    static String quote(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }
}
