package io.ingestline.query.store;

import io.ingestline.query.lang.Term;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.IntFunction;

/**
 * A free-text term as a regex over the event's raw text, with {@code Matcher}'s meaning: the term's words,
 * case-insensitive, as consecutive whole words of the text. A word character is a letter, a decimal digit or
 * {@code _} (Java's {@code Character.isLetterOrDigit}). Only word characters reach the pattern as literals, each
 * written as itself (ASCII letters and digits) or as an escape of its code point, so no character of the user's text
 * is ever a regex operator. {@link Dialect} says how each engine writes the classes and escapes.
 */
final class WordRegex {
    private static final String ANY_RUN = "*";
    private static final String ANY_ONE = "?";

    /**
     * One regex engine's spelling.
     *
     * @param flags     what the pattern starts with (case-insensitivity where the engine takes it in the pattern)
     * @param wordChar  the class of word characters
     * @param separator the class of the other characters
     * @param escape    a code point written as an escape
     */
    record Dialect(String flags, String wordChar, String separator, IntFunction<String> escape) {
        /** DuckDB's {@code regexp_matches}: RE2, {@code \pL} letters and {@code \p{Nd}} decimal digits. */
        static final Dialect RE2 = new Dialect("(?i)", "[\\pL\\p{Nd}_]", "[^\\pL\\p{Nd}_]",
                cp -> "\\x{" + Integer.toHexString(cp) + "}");
        /**
         * PostgreSQL's {@code ~*} (case-insensitive by the operator) under an ICU collation, where {@code [:alnum:]}
         * is ICU's {@code u_isalnum}: letters and decimal digits, as Java's.
         */
        static final Dialect POSTGRES = new Dialect("", "[[:alnum:]_]", "[^[:alnum:]_]",
                cp -> String.format(Locale.ROOT, "\\U%08x", cp));
    }

    private WordRegex() {
    }

    /** The pattern, or null when the term has no word (it then matches every event, as in {@code Matcher}). */
    static String of(Term term, Dialect dialect) {
        List<List<String>> words = items(term, dialect);
        if (words.isEmpty()) {
            return null;
        }
        String separator = dialect.separator();
        StringBuilder out = new StringBuilder(dialect.flags()).append("(?:^|").append(separator).append(")");
        for (int i = 0; i < words.size(); i++) {
            out.append(i == 0 ? "" : separator + "+").append(word(words.get(i), dialect.wordChar()));
        }
        return out.append("(?:").append(separator).append("|$)").toString();
    }

    /** One word's regex: a word of wildcards only must still be a word of one character or more. */
    private static String word(List<String> items, String wordChar) {
        if (items.stream().allMatch(ANY_RUN::equals)) {
            return wordChar + "+";
        }
        StringBuilder out = new StringBuilder();
        for (String item : items) {
            out.append(item.equals(ANY_RUN) ? wordChar + "*" : item.equals(ANY_ONE) ? wordChar : item);
        }
        return out.toString();
    }

    /** The term's words ({@link Term#words}, the split {@code Matcher} uses), each as regex items. */
    private static List<List<String>> items(Term term, Dialect dialect) {
        List<List<String>> words = new ArrayList<>();
        for (String w : term.words()) {
            List<String> items = new ArrayList<>();
            w.codePoints().forEach(cp -> items.add(!term.phrase() && cp == '*' ? ANY_RUN
                    : !term.phrase() && cp == '?' ? ANY_ONE : literal(cp, dialect)));
            words.add(items);
        }
        return words;
    }

    private static String literal(int cp, Dialect dialect) {
        boolean plain = cp < 128 && (Character.isLetterOrDigit(cp) || cp == '_');
        return plain ? Character.toString(cp) : dialect.escape().apply(cp);
    }
}
