package io.ingestline.query.store;

import io.ingestline.query.lang.Field;
import io.ingestline.query.lang.Query;
import io.ingestline.query.lang.Term;
import java.math.BigDecimal;
import java.util.List;

/**
 * Translates a {@link Query} into a DuckDB condition on one event: {@code json} (its JSON) and {@code raw} (its text).
 * Every leaf is true or false, never NULL, so {@code NOT} means what {@code Matcher} means. The field helpers
 * ({@code q_values}, {@code q_text}, ...) are the macros of {@link #MACROS}.
 */
final class QuerySql {
    /**
     * A field's values: the JSON path walked key by key, where an array on the way or at the end stands for its
     * elements (arrays nested up to 3 deep; {@code Matcher} goes deeper), JSON nulls left out. A value's text is a
     * string's value or a number's or boolean's JSON text.
     */
    static final List<String> MACROS = List.of(
            "CREATE MACRO q_expand(l) AS flatten(list_transform(l, x -> CASE WHEN json_type(x) = 'ARRAY'"
                    + " THEN json_extract(x, '$[*]') ELSE [x] END))",
            "CREATE MACRO q_flat(l) AS q_expand(q_expand(q_expand(l)))",
            "CREATE MACRO q_step(l, k) AS list_filter(list_transform(q_flat(l), x -> CASE WHEN json_type(x) = 'OBJECT'"
                    + " THEN json_extract(x, k) END), x -> x IS NOT NULL)",
            "CREATE MACRO q_values(l) AS list_filter(q_flat(l), x -> json_type(x) <> 'NULL')",
            "CREATE MACRO q_tags(e) AS list_filter(json_extract(e, '$.tags[*]'), x -> json_type(x) = 'VARCHAR')",
            "CREATE MACRO q_is_number(v) AS json_type(v) IN ('BIGINT', 'UBIGINT', 'HUGEINT', 'DOUBLE')",
            "CREATE MACRO q_number(v) AS CASE WHEN q_is_number(v) THEN TRY_CAST(CAST(v AS VARCHAR) AS DOUBLE) END",
            "CREATE MACRO q_text(v) AS CASE WHEN json_type(v) = 'VARCHAR' THEN v ->> '$'"
                    + " WHEN q_is_number(v) OR json_type(v) = 'BOOLEAN' THEN CAST(v AS VARCHAR) END");

    private QuerySql() {
    }

    static void condition(Query query, Sql sql) {
        if (query instanceof Query.And and) {
            join(and.clauses(), " AND ", sql);
        } else if (query instanceof Query.Or or) {
            join(or.clauses(), " OR ", sql);
        } else if (query instanceof Query.Not not) {
            sql.append("(NOT ");
            condition(not.clause(), sql);
            sql.append(")");
        } else if (query instanceof Query.Text text) {
            freeText(text.term(), sql);
        } else if (query instanceof Query.FieldMatch match) {
            anyValue(match.field(), sql, () -> equal(match.term(), sql));
        } else if (query instanceof Query.Exists exists) {
            anyValue(exists.field(), sql, () -> sql.append("true"));
        } else if (query instanceof Query.Range range) {
            anyValue(range.field(), sql, () -> inRange(range, sql));
        } else {
            sql.append("true");
        }
    }

    private static void join(List<Query> clauses, String operator, Sql sql) {
        sql.append("(");
        for (int i = 0; i < clauses.size(); i++) {
            sql.append(i == 0 ? "" : operator);
            condition(clauses.get(i), sql);
        }
        sql.append(")");
    }

    private static void freeText(Term term, Sql sql) {
        String regex = WordRegex.of(term, WordRegex.Dialect.RE2);
        if (regex == null) {
            sql.append("true");
        } else {
            sql.append("regexp_matches(raw, ").param(regex).append(")");
        }
    }

    /** True when some value {@code v} of the field satisfies the predicate the callback writes. */
    private static void anyValue(Field field, Sql sql, Runnable predicate) {
        sql.append("coalesce(len(list_filter(");
        values(field, sql);
        sql.append(", v -> ");
        predicate.run();
        sql.append(")) > 0, false)");
    }

    /**
     * The field's values in an event ({@code json}), as a list of JSON values. Each JSON function parses the event
     * again, and the general walk ({@code q_step}, {@code q_values}) takes about ten such parses a field; so when the
     * path runs through objects only and ends on no array (most events, most fields), its one value is read directly
     * by a JSON pointer: the same values, in two to four parses.
     */
    static void values(Field field, Sql sql) {
        if (field.kind() == Field.Kind.TAG) {
            sql.append("q_tags(json)");
            return;
        }
        List<String> keys = field.path();
        sql.append("CASE WHEN json_type(json) = 'OBJECT'");
        for (int i = 1; i < keys.size(); i++) {
            sql.append(" AND coalesce(json_type(json, ").param(pointer(keys.subList(0, i))).append(") = 'OBJECT', false)");
        }
        sql.append(" AND coalesce(json_type(json, ").param(pointer(keys)).append(") <> 'ARRAY', true)")
                .append(" THEN list_filter([json_extract(json, ").param(pointer(keys))
                .append(")], v -> json_type(v) <> 'NULL') ELSE q_values(");
        sql.append("q_step(".repeat(keys.size())).append("[json]");
        for (String key : keys) {
            sql.append(", ").param(pointer(key)).append(")");
        }
        sql.append(") END");
    }

    /** A JSON pointer (RFC 6901) to one key: DuckDB reads paths starting with {@code /} as pointers. */
    private static String pointer(String key) {
        return "/" + key.replace("~", "~0").replace("/", "~1");
    }

    /** A JSON pointer through several keys. */
    private static String pointer(List<String> keys) {
        StringBuilder out = new StringBuilder();
        keys.forEach(key -> out.append(pointer(key)));
        return out.toString();
    }

    /**
     * A wildcard word: the whole text, {@code LIKE} with {@code %}, {@code _} and {@code \} escaped. A number: a JSON
     * number by value, anything else by text. Otherwise the whole text. All in lower case.
     */
    private static void equal(Term term, Sql sql) {
        if (term.hasWildcard()) {
            sql.append("lower(q_text(v)) LIKE lower(").param(like(term.text())).append(") ESCAPE '\\'");
            return;
        }
        String literal = term.literal();
        BigDecimal number = number(literal);
        if (number != null) {
            sql.append("CASE WHEN q_is_number(v) THEN q_number(v) = ").param(number.doubleValue())
                    .append(" ELSE lower(q_text(v)) = lower(").param(literal).append(") END");
        } else {
            sql.append("lower(q_text(v)) = lower(").param(literal).append(")");
        }
    }

    /** A range of numbers holds JSON numbers, any other range JSON strings (and tags), in lower case. */
    private static void inRange(Query.Range range, Sql sql) {
        Query.Bound lower = range.lower();
        Query.Bound upper = range.upper();
        if (lower.isOpen() && upper.isOpen()) {
            sql.append("q_text(v) IS NOT NULL");
        } else if (isNumeric(lower) && isNumeric(upper)) {
            sql.append("q_is_number(v)");
            bound(lower, " >", "q_number(v)", sql, value -> number(value).doubleValue());
            bound(upper, " <", "q_number(v)", sql, value -> number(value).doubleValue());
        } else {
            sql.append("json_type(v) = 'VARCHAR'");
            bound(lower, " >", "lower(v ->> '$')", sql, value -> value);
            bound(upper, " <", "lower(v ->> '$')", sql, value -> value);
        }
    }

    private static void bound(Query.Bound bound, String operator, String value, Sql sql,
                              java.util.function.Function<String, Object> param) {
        if (bound.isOpen()) {
            return;
        }
        sql.append(" AND ").append(value).append(operator).append(bound.inclusive() ? "= " : " ");
        Object p = param.apply(bound.value());
        if (p instanceof String) {
            sql.append("lower(").param(p).append(")");
        } else {
            sql.param(p);
        }
    }

    private static boolean isNumeric(Query.Bound bound) {
        return bound.isOpen() || number(bound.value()) != null;
    }

    /** A number as the query language reads it ({@link Term#decimal}), so that this SQL and Matcher agree. */
    private static BigDecimal number(String text) {
        return Term.decimal(text);
    }

    /** A wildcard word as a LIKE pattern: {@code *} and {@code ?} become {@code %} and {@code _}, the rest literal. */
    static String like(String pattern) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (c == '\\' && i + 1 < pattern.length()) {
                literalLike(pattern.charAt(++i), out);
            } else if (c == '*' || c == '?') {
                out.append(c == '*' ? '%' : '_');
            } else {
                literalLike(c, out);
            }
        }
        return out.toString();
    }

    private static void literalLike(char c, StringBuilder out) {
        if (c == '%' || c == '_' || c == '\\') {
            out.append('\\');
        }
        out.append(c);
    }
}
