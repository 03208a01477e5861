package io.ingestline.query.store;

import io.ingestline.query.lang.Field;
import io.ingestline.query.lang.Query;
import io.ingestline.query.lang.Term;
import java.math.BigDecimal;
import java.util.List;

/**
 * Translates a {@link Query} into a PostgreSQL condition on one row of a dataset table: {@code event} (read as
 * {@code jsonb}, which a {@code json} column is parsed into), whose text {@code event::text} is what free text searches
 * (a {@code json} column's text is the event's as it came, a {@code jsonb} one's PostgreSQL's). Every leaf is true or
 * false, never NULL, so {@code NOT} means what {@code Matcher} means; every value of the query is a bound parameter.
 *
 * <p>Case folding and the letters of free text are ICU's ({@link #ICU}), whatever the database's own collation: with
 * the {@code C} collation PostgreSQL's {@code lower()} and {@code [:alnum:]} know ASCII only. Comparisons of ranges
 * use {@code C}: byte-wise UTF-8, the code point order {@code Matcher} uses.
 */
final class PostgresQuerySql {
    /** The root ICU collation: Unicode's default case mapping and character classes. */
    static final String ICU = "\"und-x-icu\"";
    /** Arrays are searched this deep on a field's path and at its end, as the file store's {@code q_flat} does. */
    private static final String FLATTEN = "[*]".repeat(3);
    /** The event's tags: the string elements of its {@code tags} array (strict: a {@code tags} string is none). */
    private static final String TAGS = "jsonb_path_query(event::jsonb, 'strict $.\"tags\"[*] ? (@.type() == "
            + "\"string\")', '{}', true)";
    /** A value's text: a string's value, a number's or boolean's JSON text; null for containers. */
    static final String TEXT = "(CASE WHEN jsonb_typeof(v) IN ('string', 'number', 'boolean') THEN v #>> '{}'"
            + " END)";
    private static final String NUMBER = "(CASE WHEN jsonb_typeof(v) = 'number' THEN v::numeric END)";
    private static final String STRING = "(CASE WHEN jsonb_typeof(v) = 'string' THEN v #>> '{}' END)";
    /** The largest numbers PostgreSQL's {@code numeric} holds: digits before and after the decimal point. */
    private static final int MAX_INTEGER_DIGITS = 131_072;
    private static final int MAX_FRACTION_DIGITS = 16_383;

    private PostgresQuerySql() {
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
        String regex = WordRegex.of(term, WordRegex.Dialect.POSTGRES);
        if (regex == null) {
            sql.append("true");
        } else {
            sql.append("((event::text COLLATE ").append(ICU).append(") ~* ").param(regex).append(")");
        }
    }

    /**
     * True when some value {@code v} of the field (JSON nulls left out) satisfies the predicate the callback writes.
     * A predicate that is NULL for a value (a container's text) does not select it, and {@code EXISTS} is never NULL.
     */
    private static void anyValue(Field field, Sql sql, Runnable predicate) {
        sql.append("EXISTS (SELECT 1 FROM ");
        values(field, sql);
        sql.append(" AS f(v) WHERE jsonb_typeof(v) <> 'null' AND ");
        predicate.run();
        sql.append(")");
    }

    /** The set-returning expression of a field's values in {@code event} (a value per row, as {@code jsonb}). */
    static void values(Field field, Sql sql) {
        if (field.kind() == Field.Kind.TAG) {
            sql.append(TAGS);
        } else {
            sql.append("jsonb_path_query(event::jsonb, ").param(path(field.path())).append("::jsonpath, '{}', true)");
        }
    }

    /**
     * A field's values as a lax SQL/JSON path: each key taken from objects only, the arrays on the way and at the end
     * replaced by their elements. The keys are string literals whose only characters are ASCII letters, digits and
     * {@code _}, every other one a {@code \}{@code u{...}} escape: no key can end the literal.
     */
    static String path(List<String> keys) {
        StringBuilder out = new StringBuilder("lax $");
        for (int i = 0; i < keys.size(); i++) {
            out.append(i == 0 ? "" : " ? (@.type() == \"object\")").append(".\"");
            keys.get(i).codePoints().forEach(cp -> {
                if (cp < 128 && (Character.isLetterOrDigit(cp) || cp == '_')) {
                    out.appendCodePoint(cp);
                } else {
                    out.append("\\u{").append(Integer.toHexString(cp)).append('}');
                }
            });
            out.append('"').append(FLATTEN);
        }
        return out.toString();
    }

    /**
     * A wildcard word: the whole text, {@code LIKE} with {@code %}, {@code _} and {@code \} escaped. A number: a JSON
     * number by exact decimal value, anything else by text. Otherwise the whole text. All in lower case.
     */
    private static void equal(Term term, Sql sql) {
        if (term.hasWildcard()) {
            sql.append(lower(TEXT)).append(" LIKE ");
            lowerParam(QuerySql.like(term.text()), sql).append(" ESCAPE '\\'");
            return;
        }
        String literal = term.literal();
        BigDecimal number = number(literal);
        if (number != null) {
            sql.append("CASE WHEN jsonb_typeof(v) = 'number' THEN ").append(NUMBER).append(" = ").param(number)
                    .append(" ELSE ").append(lower(TEXT)).append(" = ");
            lowerParam(literal, sql).append(" END");
        } else {
            sql.append(lower(TEXT)).append(" = ");
            lowerParam(literal, sql);
        }
    }

    /** A range of numbers holds JSON numbers, any other range JSON strings (and tags), in lower case. */
    private static void inRange(Query.Range range, Sql sql) {
        Query.Bound lower = range.lower();
        Query.Bound upper = range.upper();
        if (lower.isOpen() && upper.isOpen()) {
            sql.append(TEXT).append(" IS NOT NULL");
        } else if (isNumeric(lower) && isNumeric(upper)) {
            sql.append("jsonb_typeof(v) = 'number'");
            numberBound(lower, " >", sql);
            numberBound(upper, " <", sql);
        } else {
            sql.append("jsonb_typeof(v) = 'string'");
            stringBound(lower, " >", sql);
            stringBound(upper, " <", sql);
        }
    }

    private static void numberBound(Query.Bound bound, String operator, Sql sql) {
        if (!bound.isOpen()) {
            sql.append(" AND ").append(NUMBER).append(operator).append(bound.inclusive() ? "= " : " ")
                    .param(number(bound.value()));
        }
    }

    private static void stringBound(Query.Bound bound, String operator, Sql sql) {
        if (!bound.isOpen()) {
            sql.append(" AND ").append(lower(STRING)).append(" COLLATE \"C\"").append(operator)
                    .append(bound.inclusive() ? "= " : " ");
            lowerParam(bound.value(), sql).append(" COLLATE \"C\"");
        }
    }

    private static String lower(String text) {
        return "lower(" + text + " COLLATE " + ICU + ")";
    }

    /** {@code lower(?::text COLLATE ICU)}, bound to the user's text. */
    private static Sql lowerParam(String value, Sql sql) {
        return sql.append("lower(").param(value).append("::text COLLATE ").append(ICU).append(")");
    }

    private static boolean isNumeric(Query.Bound bound) {
        return bound.isOpen() || number(bound.value()) != null;
    }

    /**
     * A number as the query language reads it ({@link Term#decimal}), bound as {@code numeric}; one that
     * {@code numeric} cannot hold (more than 131,072 digits before the point or 16,383 after) is refused, as no stored
     * value (all held by {@code numeric}) could be compared with it the way {@code Matcher} compares.
     */
    static BigDecimal number(String text) {
        BigDecimal number = Term.decimal(text);
        if (number == null) {
            return null;
        }
        // bound without its trailing zeros (1E+2, not 100 or 1.000...0), so that its text fits numeric too
        BigDecimal stripped = number.stripTrailingZeros();
        long integerDigits = (long) stripped.precision() - stripped.scale();
        if (stripped.scale() > MAX_FRACTION_DIGITS || integerDigits > MAX_INTEGER_DIGITS) {
            throw new IllegalArgumentException("the number " + abbreviate(text) + " is outside what PostgreSQL's "
                    + "numeric holds (131,072 digits before the decimal point, 16,383 after)");
        }
        return stripped;
    }

    private static String abbreviate(String text) {
        return text.length() <= 40 ? text : text.substring(0, 40) + "...";
    }
}
