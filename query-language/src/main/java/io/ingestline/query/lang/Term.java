package io.ingestline.query.lang;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
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

    /** A word character of free text: a letter, a digit (by code point) or {@code _}; anything else separates words. */
    public static boolean isWordChar(int cp) {
        return cp == '_' || Character.isLetterOrDigit(cp);
    }

    /**
     * The words free text is searched for, as written (not lower-cased): a phrase's runs of word characters, or a
     * word's, where its unescaped {@code *} and {@code ?} count as word characters and stay wildcards ({@code err*} is
     * one word, {@code 10.0.*} three). The one rule every search of free text splits terms by.
     */
    public List<String> words() {
        List<String> out = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            i += Character.charCount(cp);
            boolean escaped = !phrase && cp == '\\' && i < text.length();
            if (escaped) {
                cp = text.codePointAt(i);
                i += Character.charCount(cp);
            }
            if (isWordChar(cp) || !phrase && !escaped && (cp == '*' || cp == '?')) {
                word.appendCodePoint(cp);
            } else if (word.length() > 0) {
                out.add(word.toString());
                word.setLength(0);
            }
        }
        if (word.length() > 0) {
            out.add(word.toString());
        }
        return out;
    }
}
