package io.ingestline.query.lang;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.util.Locale;

/** How one field value (a JSON scalar or a tag) compares with a term or a range. */
final class Values {
    private Values() {
    }

    /**
     * A term with wildcards matches the whole text of the value; otherwise a number term equals a JSON number by
     * numeric value, and any other term the whole text of a string, number or boolean; all in lower case.
     */
    static boolean equal(JsonNode value, Term term) {
        String text = text(value);
        if (text == null) {
            return false;
        }
        if (term.hasWildcard()) {
            return Glob.of(lower(term.text())).matches(lower(text));
        }
        String literal = term.literal();
        BigDecimal number = value.isNumber() ? number(literal) : null;
        if (number != null) {
            BigDecimal actual = decimal(value);
            return actual != null && actual.compareTo(number) == 0;
        }
        return lower(literal).equals(lower(text));
    }

    /**
     * A range of numbers (every closed end a number) holds JSON numbers only; any other range holds strings only
     * (JSON strings and tags), compared in lower case by code point; {@code [* TO *]} holds every scalar.
     */
    static boolean inRange(JsonNode value, Query.Range range) {
        Query.Bound lower = range.lower();
        Query.Bound upper = range.upper();
        if (text(value) == null) {
            return false;
        }
        if (lower.isOpen() && upper.isOpen()) {
            return true;
        }
        if (isNumeric(lower) && isNumeric(upper)) {
            BigDecimal actual = value.isNumber() ? decimal(value) : null;
            return actual != null && within(actual, lower, upper, (a, b) -> a.compareTo(number(b)));
        }
        return value.isTextual() && within(lower(value.textValue()), lower, upper,
                (a, b) -> compareCodePoints(a, lower(b)));
    }

    private interface Comparison<T> {
        int compare(T value, String bound);
    }

    private static <T> boolean within(T value, Query.Bound lower, Query.Bound upper, Comparison<T> comparison) {
        if (!lower.isOpen()) {
            int c = comparison.compare(value, lower.value());
            if (c < 0 || (c == 0 && !lower.inclusive())) {
                return false;
            }
        }
        if (!upper.isOpen()) {
            int c = comparison.compare(value, upper.value());
            return c < 0 || (c == 0 && upper.inclusive());
        }
        return true;
    }

    private static boolean isNumeric(Query.Bound bound) {
        return bound.isOpen() || number(bound.value()) != null;
    }

    /** The value's text: a string as it is, a number or boolean as Jackson writes it; null for containers. */
    private static String text(JsonNode value) {
        if (value.isTextual()) {
            return value.textValue();
        }
        return value.isNumber() || value.isBoolean() ? value.asText() : null;
    }

    static BigDecimal number(String text) {
        return Term.decimal(text);
    }

    private static BigDecimal decimal(JsonNode value) {
        if ((value.isDouble() || value.isFloat()) && !Double.isFinite(value.doubleValue())) {
            return null;
        }
        return value.decimalValue();
    }

    private static String lower(String text) {
        return text.toLowerCase(Locale.ROOT);
    }

    static int compareCodePoints(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int ca = a.codePointAt(i);
            int cb = b.codePointAt(j);
            if (ca != cb) {
                return Integer.compare(ca, cb);
            }
            i += Character.charCount(ca);
            j += Character.charCount(cb);
        }
        return Boolean.compare(i < a.length(), j < b.length());
    }
}
