package io.ingestline.query.store;

import io.ingestline.query.lang.Field;
import java.util.List;

/**
 * The aggregations over a search's events: the fields they have, the most frequent values of one field. DuckDB
 * aggregates on all its threads; what it holds is a row per distinct name or value, within its memory limit.
 */
final class FacetSql {
    /**
     * The macros walk an event level by level as lists of {@code {p: keys, v: value}}: an object's keys and values in
     * one parse each ({@code json_keys}, {@code $.*}), an array standing for its elements ({@code q_flat}, as a
     * query's field does). The keys are one text, each after a NUL (cheaper to carry and group than a list; a key
     * holding a NUL is left out). {@code q_name} writes them as a query names the field, escaping what
     * {@code QueryPrinter} escapes in a key (white space, {@code ()[]{}":\^~.*?}) and also the other Unicode
     * separators (harmless: a backslash escapes any character), so the name reads back as the same keys; it runs once
     * a distinct field, after the aggregation.
     */
    static final List<String> MACROS = List.of(
            "CREATE MACRO q_name(keys) AS 'json' || array_to_string(list_transform(string_split(substr(keys, 2), chr(0)),"
                    + " k -> '.' || regexp_replace(k,"
                    + " '([\\s\\x{0B}\\x{1C}-\\x{1F}\\pZ()\\[\\]{}\":\\\\^~.*?])', '\\\\\\1', 'g')), '')",
            "CREATE MACRO q_children(l) AS flatten(list_transform(l, x -> CASE WHEN json_type(x.v) = 'OBJECT'"
                    + " THEN list_transform(list_filter(list_zip(json_keys(x.v), json_extract(x.v, '$.*')),"
                    + " z -> z[1] <> '' AND NOT contains(z[1], chr(0))), z -> {'p': x.p || chr(0) || z[1], 'v': z[2]}) END))",
            "CREATE MACRO q_spread(l) AS flatten(list_transform(l, x -> CASE WHEN json_type(x.v) = 'ARRAY'"
                    + " THEN list_transform(q_flat([x.v]), e -> {'p': x.p, 'v': e}) ELSE [x] END))",
            "CREATE MACRO q_leaves(l, shape) AS list_transform(list_filter(l, x -> CASE WHEN shape"
                    + " THEN json_type(x.v) = 'VARCHAR' AND (x.v ->> '$') <> 'NULL'"
                    + " ELSE json_type(x.v) NOT IN ('OBJECT', 'ARRAY', 'NULL') END), x -> x.p)");

    private FacetSql() {
    }

    /**
     * The names of the fields with a value, and how many events have each: one level of keys a subquery, each
     * computed once, up to {@link EventStore#MAX_FIELD_DEPTH}. Most events of a dataset share a few shapes, so the
     * walk runs once a shape ({@code json_structure}: the event with each value replaced by its type, an array's
     * elements merged into one), weighted by its events; its leaves are the type names but {@code "NULL"}. A shape
     * holding {@code "JSON"} (an array of objects and scalars, an empty object, a repeated key) does not tell the
     * fields apart: its events are walked one by one (grouped by their text).
     */
    static Sql fields(List<DataFile> files, Search search) {
        Sql sql = new Sql().append("SELECT q_name(keys) AS name, sum(w) AS n FROM (SELECT unnest(list_distinct(acc))"
                + " AS keys, w FROM (SELECT list_concat(acc, q_leaves(e, shape)) AS acc, w FROM (");
        sql.append("SELECT list_concat(acc, q_leaves(e, shape)) AS acc, q_spread(q_children(e)) AS e, shape, w FROM ("
                .repeat(EventStore.MAX_FIELD_DEPTH - 1));
        sql.append("SELECT CAST([] AS VARCHAR[]) AS acc, q_spread(q_children([{'p': '', 'v': root}])) AS e, shape, w"
                + " FROM (SELECT root, shape, count(*) AS w FROM (SELECT CASE WHEN shape THEN s ELSE json END AS root,"
                + " shape FROM (SELECT json, s, NOT contains(CAST(s AS VARCHAR), '\"JSON\"') AS shape FROM"
                + " (SELECT json, json_structure(json) AS s FROM ");
        EventSql.matching(files, search, sql);
        sql.append("))) GROUP BY root, shape)").append(")".repeat(EventStore.MAX_FIELD_DEPTH - 1))
                .append("))) GROUP BY keys ORDER BY n DESC, name LIMIT ").param((long) EventStore.MAX_FIELDS);
        return sql;
    }

    /** The field's most frequent values (as text), each counted once an event. */
    static Sql facet(List<DataFile> files, Search search, Field field, int size) {
        Sql sql = new Sql().append("SELECT value, count(*) AS n FROM (SELECT unnest(list_distinct(list_transform(");
        QuerySql.values(field, sql);
        sql.append(", v -> q_text(v)))) AS value FROM ");
        EventSql.matching(files, search, sql);
        return sql.append(") GROUP BY value ORDER BY n DESC, value LIMIT ").param((long) size);
    }
}
