package io.ingestline.query.store;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * The statements over a list of files: each file read by DuckDB's {@code read_ndjson_objects} (the file's name and
 * path bound as parameters), its lines numbered, the events of the time range and the query kept.
 */
final class EventSql {
    private EventSql() {
    }

    /** One page: {@code size + 1} rows (the extra one tells that a next page exists), in the search's order. */
    static Sql page(List<DataFile> files, Search search) {
        Sql sql = new Sql().append("SELECT t, file, line, raw FROM (");
        events(files, search, sql);
        sql.append(")");
        cursor(search, sql);
        String direction = search.order() == Order.ASC ? " ASC" : " DESC";
        sql.append(" ORDER BY t").append(direction).append(", file").append(direction).append(", line")
                .append(direction).append(" LIMIT ").param((long) search.size() + 1);
        return sql;
    }

    static Sql count(List<DataFile> files, Search search) {
        Sql sql = new Sql().append("SELECT count(*) FROM (");
        events(files, search, sql);
        return sql.append(")");
    }

    /** The events of the files in the time range that match the query, as {@code t, file, line, raw}. */
    private static void events(List<DataFile> files, Search search, Sql sql) {
        sql.append("SELECT t, file, line, raw FROM (SELECT file, line, json, CAST(json AS VARCHAR) AS raw,"
                + " epoch_us(TRY_CAST(json ->> '$._time' AS TIMESTAMPTZ)) AS t FROM (");
        for (int i = 0; i < files.size(); i++) {
            DataFile file = files.get(i);
            sql.append(i == 0 ? "" : " UNION ALL ").append("SELECT ").param(file.name())
                    .append(" AS file, ordinality AS line, json FROM read_ndjson_objects(")
                    .param(file.path().toString()).append(", compression = '").append(file.compression())
                    .append("') WITH ORDINALITY");
        }
        sql.append(")) WHERE t >= ").param(micros(search.from())).append(" AND t < ").param(micros(search.until()))
                .append(" AND ");
        QuerySql.condition(search.query(), sql);
    }

    /** Only the events after the cursor in the search's order: time, then file name, then line. */
    private static void cursor(Search search, Sql sql) {
        Cursor after = search.after();
        if (after == null) {
            return;
        }
        String beyond = search.order() == Order.ASC ? " > " : " < ";
        sql.append(" WHERE (t").append(beyond).param(after.timeMicros()).append(" OR (t = ").param(after.timeMicros())
                .append(" AND (file").append(beyond).param(after.file()).append(" OR (file = ").param(after.file())
                .append(" AND line").append(beyond).param(after.line()).append("))))");
    }

    static long micros(Instant instant) {
        return ChronoUnit.MICROS.between(Instant.EPOCH, instant);
    }
}
