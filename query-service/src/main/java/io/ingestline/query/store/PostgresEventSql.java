package io.ingestline.query.store;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;

/**
 * The statements over one dataset's table, as {@code PostgresStorageWriter} makes it:
 * {@code (time timestamptz, id text, event jsonb, kafka_partition integer, kafka_offset bigint)} (or {@code event json},
 * read as {@code event::jsonb}), partitioned by day
 * on {@code time}, indexed on {@code (time, kafka_partition, kafka_offset)}: the order of a search, so that a page is a
 * range scan of that index that stops after {@code size + 1} matches.
 */
final class PostgresEventSql {
    private PostgresEventSql() {
    }

    /** One page: {@code size + 1} rows (the extra one tells that a next page exists), in the search's order. */
    static Sql page(String schema, Search search) {
        Sql sql = new Sql().append("SELECT time, kafka_partition, kafka_offset, event::text FROM ")
                .append(table(schema, search.dataset()));
        where(search, sql);
        Cursor after = search.after();
        String direction = search.order() == Order.ASC ? " ASC" : " DESC";
        if (after != null) {
            sql.append(" AND (time, kafka_partition, kafka_offset)").append(search.order() == Order.ASC ? " > " : " < ")
                    .append("(").param(time(after.timeMicros())).append(", ").param(partition(after)).append(", ")
                    .param(after.line()).append(")");
        }
        return sql.append(" ORDER BY time").append(direction).append(", kafka_partition").append(direction)
                .append(", kafka_offset").append(direction).append(" LIMIT ").param((long) search.size() + 1);
    }

    /**
     * The fields the search's events hold, as {@link EventStore#fields} defines them: key paths (a {@code text[]}) at
     * most {@link EventStore#MAX_FIELD_DEPTH} keys deep that end on a string, number or boolean, an array on the way
     * or at the end standing for its elements, empty keys left out; with how many events hold each, the
     * {@link EventStore#MAX_FIELDS} most frequent. The walk is a recursive query over each matching event.
     */
    static Sql fields(String schema, Search search) {
        Sql sql = new Sql().append("WITH RECURSIVE m AS MATERIALIZED (SELECT row_number() OVER () AS rid, "
                + "event::jsonb AS event FROM ")
                .append(table(schema, search.dataset()));
        where(search, sql);
        return sql.append("), w(rid, keys, value, depth) AS (SELECT rid, CAST(ARRAY[] AS text[]), event, 0 FROM m"
                + " UNION ALL SELECT w.rid, CASE WHEN c.k IS NULL THEN w.keys ELSE w.keys || c.k END, c.v,"
                + " CASE WHEN c.k IS NULL THEN w.depth ELSE w.depth + 1 END FROM w, LATERAL (SELECT e.key AS k,"
                + " e.value AS v FROM jsonb_each(CASE WHEN jsonb_typeof(w.value) = 'object' THEN w.value"
                + " ELSE '{}'::jsonb END) AS e WHERE e.key <> '' AND w.depth < ").append(Integer.toString(
                        EventStore.MAX_FIELD_DEPTH)).append(" UNION ALL SELECT NULL, a.value FROM jsonb_array_elements("
                + "CASE WHEN jsonb_typeof(w.value) = 'array' THEN w.value ELSE '[]'::jsonb END) AS a) AS c)"
                + " SELECT keys, count(DISTINCT rid) AS n FROM w WHERE depth > 0 AND jsonb_typeof(value) IN ('string',"
                + " 'number', 'boolean') GROUP BY keys ORDER BY n DESC, keys LIMIT ").param((long) EventStore.MAX_FIELDS);
    }

    /** The values of a field in the search's events as text, with how many events hold each, most frequent first. */
    static Sql facet(String schema, Search search, io.ingestline.query.lang.Field field, int limit) {
        Sql sql = new Sql().append("SELECT t, count(*) AS n FROM (SELECT DISTINCT e.tableoid, e.ctid, x.t FROM ")
                .append(table(schema, search.dataset())).append(" AS e, LATERAL (SELECT ").append(PostgresQuerySql.TEXT)
                .append(" AS t FROM ");
        PostgresQuerySql.values(field, sql);
        sql.append(" AS f(v)) AS x");
        where(search, sql);
        return sql.append(" AND x.t IS NOT NULL) AS d GROUP BY t ORDER BY n DESC, t COLLATE \"C\" LIMIT ")
                .param((long) limit);
    }

    static Sql count(String schema, Search search) {
        Sql sql = new Sql().append("SELECT count(*) FROM ").append(table(schema, search.dataset()));
        where(search, sql);
        return sql;
    }

    /**
     * The time range and the query. {@code time} holds microseconds at most, so the range's ends are rounded up to
     * the microsecond: {@code t >= from} and {@code t < until} stay exact.
     */
    private static void where(Search search, Sql sql) {
        sql.append(" WHERE time >= ").param(ceilMicros(search.from())).append(" AND time < ")
                .param(ceilMicros(search.until())).append(" AND ");
        PostgresQuerySql.condition(search.query(), sql);
    }

    /** A cursor of this store names the Kafka partition in {@code file}: anything else is another store's. */
    private static Integer partition(Cursor cursor) {
        try {
            return Integer.parseInt(cursor.file());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a cursor of the PostgreSQL store: " + cursor, e);
        }
    }

    static OffsetDateTime time(long micros) {
        return Instant.EPOCH.plus(micros, ChronoUnit.MICROS).atOffset(ZoneOffset.UTC);
    }

    static long micros(OffsetDateTime time) {
        return ChronoUnit.MICROS.between(Instant.EPOCH, time.toInstant());
    }

    private static OffsetDateTime ceilMicros(Instant instant) {
        Instant micros = instant.truncatedTo(ChronoUnit.MICROS);
        return (micros.equals(instant) ? micros : micros.plus(1, ChronoUnit.MICROS)).atOffset(ZoneOffset.UTC);
    }

    /**
     * The dataset's table: the sink's name for it (the dataset itself, or for one longer than 50 characters its first
     * 40, {@code _} and its hash in hex, within PostgreSQL's 63 bytes), quoted. {@link Search} has checked the
     * dataset's name ({@code [A-Za-z0-9_-]}).
     */
    static String table(String schema, String dataset) {
        String name = dataset.length() <= 50 ? dataset
                : dataset.substring(0, 40) + "_" + Integer.toHexString(dataset.hashCode());
        return quote(schema) + "." + quote(name);
    }

    static String quote(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }
}
