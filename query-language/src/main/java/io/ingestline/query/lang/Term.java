package io.ingestline.query.lang;

import java.math.BigDecimal;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A value to search for. A phrase ({@code "..."}) holds its literal text. A word holds a pattern: {@code *} and
 * {@code ?} are wildcards, and {@code \*}, {@code \?}, {@code \\} stand for the literal characters (every other escape
 * of the query text is already resolved).
 */
public record Term(String text, boolean phrase) {
    /** A decimal number as a query writes it: optional sign, digits with an optional fraction, optional exponent. */
    private static final Pattern NUMBER = Pattern.compile("[+-]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][+-]?\\d+)?");

    /**
     * Text as the language reads a number (a term, a range's bound), or null when it is not one: every store
     * compares numbers by this rule, as {@link Matcher} does.
     */
    public static BigDecimal decimal(String text) {
        if (!NUMBER.matcher(text).matches()) {
            return null;
        }
        try {
            return new BigDecimal(text);
        } catch (NumberFormatException | ArithmeticException outOfRange) {
            return null;
        }
    }

    public Term {
        Objects.requireNonNull(text, "text");
    }

    public static Term word(String pattern) {
        return new Term(pattern, false);
    }

    public static Term phrase(String text) {
        return new Term(text, true);
    }

    /** True for a word with an unescaped {@code *} or {@code ?}. */
    public boolean hasWildcard() {
        if (phrase) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == '*' || c == '?') {
                return true;
            }
        }
        return false;
    }

    /** The text without the pattern's escapes: what a word without wildcards stands for. */
    public String literal() {
        if (phrase) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\\' && i + 1 < text.length()) {
                c = text.charAt(++i);
            }
            out.append(c);
        }
        return out.toString();
    }
}
