package io.ingestline.query.store;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

/**
 * The statements over a list of files: one {@code read_ndjson_objects} over the whole list (the paths bound as one
 * {@code VARCHAR[]}; DuckDB reads each file's compression from its name), the events of the time range and the query
 * kept.
 */
final class EventSql {
    private static final String TIME = "epoch_us(TRY_CAST(json ->> '$._time' AS TIMESTAMPTZ))";

    private EventSql() {
    }

    /**
     * Up to {@code limit} rows of a page (its {@code size + 1}: the extra one tells that a next page exists), in the
     * search's order, as {@code t, file, ordinality, raw}. {@code WITH ORDINALITY} numbers a list's lines one after the
     * other, files in the list's order: DuckDB plans it as a streaming window, which runs on one thread over the scan
     * in its order, so the numbering is the same at every run; {@code starts} (from {@link LineCounts}, for each
     * group) turns it into a line of the file, which no other file changes. Each group of files is a numbered scan of
     * its own, joined by {@code UNION ALL}, so that the groups are read on several threads.
     */
    static Sql page(List<List<DataFile>> groups, Search search, Map<String, Long> starts, int limit) {
        Sql sql = new Sql().append("SELECT t, file, ordinality, raw FROM (SELECT substr(filename, ")
                .param(prefix(groups.get(0)) + 1L).append(") AS file, ordinality, json, CAST(json AS VARCHAR) AS raw, ")
                .append(TIME).append(" AS t FROM (");
        for (int i = 0; i < groups.size(); i++) {
            sql.append(i == 0 ? "" : " UNION ALL ").append("SELECT filename, ordinality, json FROM read_ndjson_objects(")
                    .param(paths(groups.get(i))).append("::VARCHAR[], filename = true) WITH ORDINALITY");
        }
        sql.append("))");
        where(search, sql);
        cursor(search, starts, sql);
        String direction = search.order() == Order.ASC ? " ASC" : " DESC";
        sql.append(" ORDER BY t").append(direction).append(", file").append(direction).append(", ordinality")
                .append(direction).append(" LIMIT ").param((long) limit);
        return sql;
    }

    static Sql count(List<DataFile> files, Search search) {
        return matching(files, search, new Sql().append("SELECT count(*) FROM "));
    }

    /** Each file's number of lines, as {@code path, lines} (a file without lines is left out). */
    static Sql lines(List<DataFile> files) {
        return new Sql().append("SELECT filename, count(*) FROM read_ndjson_objects(").param(paths(files))
                .append("::VARCHAR[], filename = true) GROUP BY filename");
    }

    /**
     * Appends the matching events as a subquery with {@code json} and {@code raw}, unnumbered, so that DuckDB scans
     * the files on all its threads: for counts and aggregations, which need no line.
     */
    static Sql matching(List<DataFile> files, Search search, Sql sql) {
        sql.append("(SELECT json, raw FROM (SELECT json, CAST(json AS VARCHAR) AS raw, ").append(TIME)
                .append(" AS t FROM read_ndjson_objects(").param(paths(files)).append("::VARCHAR[]))");
        where(search, sql);
        return sql.append(")");
    }

    private static void where(Search search, Sql sql) {
        sql.append(" WHERE t >= ").param(micros(search.from())).append(" AND t < ").param(micros(search.until()))
                .append(" AND ");
        QuerySql.condition(search.query(), sql);
    }

    /** Only the events after the cursor in the search's order: time, then file name, then line. */
    private static void cursor(Search search, Map<String, Long> starts, Sql sql) {
        Cursor after = search.after();
        if (after == null) {
            return;
        }
        // a file no longer listed has no rows here: any number will do
        long ordinality = after.line() + starts.getOrDefault(after.file(), 0L);
        String beyond = search.order() == Order.ASC ? " > " : " < ";
        sql.append(" AND (t").append(beyond).param(after.timeMicros()).append(" OR (t = ").param(after.timeMicros())
                .append(" AND (file").append(beyond).param(after.file()).append(" OR (file = ").param(after.file())
                .append(" AND ordinality").append(beyond).param(ordinality).append("))))");
    }

    /** The length of the dataset directory's path and its {@code /}: every file's path starts with it. */
    private static long prefix(List<DataFile> files) {
        DataFile first = files.get(0);
        return first.path().toString().length() - first.name().length();
    }

    private static String[] paths(List<DataFile> files) {
        return files.stream().map(LineCounts::key).toArray(String[]::new);
    }

    static long micros(Instant instant) {
        return ChronoUnit.MICROS.between(Instant.EPOCH, instant);
    }
}
