package io.ingestline.query.lang;

import java.util.Objects;

/**
 * A value to search for. A phrase ({@code "..."}) holds its literal text. A word holds a pattern: {@code *} and
 * {@code ?} are wildcards, and {@code \*}, {@code \?}, {@code \\} stand for the literal characters (every other escape
 * of the query text is already resolved).
 */
public record Term(String text, boolean phrase) {
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
