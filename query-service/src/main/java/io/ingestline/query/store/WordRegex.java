package io.ingestline.query.store;

import io.ingestline.query.lang.Term;
import java.util.ArrayList;
import java.util.List;

/**
 * A free-text term as an RE2 pattern (DuckDB's {@code regexp_matches}) over the event's raw text, with
 * {@code Matcher}'s meaning: the term's words, case-insensitive, as consecutive whole words of the text. A word
 * character is a letter, a decimal digit or {@code _} ({@code \pL}, {@code \p{Nd}}: Java's
 * {@code Character.isLetterOrDigit}). Only word characters reach the pattern as literals, each written as itself (ASCII
 * letters and digits) or as {@code \x{...}}, so no character of the user's text is ever a regex operator.
 */
final class WordRegex {
    private static final String WORD_CHAR = "[\\pL\\p{Nd}_]";
    private static final String SEPARATOR = "[^\\pL\\p{Nd}_]";
    private static final String ANY_RUN = "*";
    private static final String ANY_ONE = "?";

    private WordRegex() {
    }

    /** The pattern, or null when the term has no word (it then matches every event, as in {@code Matcher}). */
    static String of(Term term) {
        List<List<String>> words = items(term);
        if (words.isEmpty()) {
            return null;
        }
        StringBuilder out = new StringBuilder("(?i)(?:^|" + SEPARATOR + ")");
        for (int i = 0; i < words.size(); i++) {
            out.append(i == 0 ? "" : SEPARATOR + "+").append(word(words.get(i)));
        }
        return out.append("(?:").append(SEPARATOR).append("|$)").toString();
    }

    /** One word's regex: a word of wildcards only must still be a word of one character or more. */
    private static String word(List<String> items) {
        if (items.stream().allMatch(ANY_RUN::equals)) {
            return WORD_CHAR + "+";
        }
        StringBuilder out = new StringBuilder();
        for (String item : items) {
            out.append(item.equals(ANY_RUN) ? WORD_CHAR + "*" : item.equals(ANY_ONE) ? WORD_CHAR : item);
        }
        return out.toString();
    }

    /** The term's words ({@link Term#words}, the split {@code Matcher} uses), each as regex items. */
    private static List<List<String>> items(Term term) {
        List<List<String>> words = new ArrayList<>();
        for (String w : term.words()) {
            List<String> items = new ArrayList<>();
            w.codePoints().forEach(cp -> items.add(!term.phrase() && cp == '*' ? ANY_RUN
                    : !term.phrase() && cp == '?' ? ANY_ONE : literal(cp)));
            words.add(items);
        }
        return words;
    }

    private static String literal(int cp) {
        boolean plain = cp < 128 && (Character.isLetterOrDigit(cp) || cp == '_');
        return plain ? Character.toString(cp) : "\\x{" + Integer.toHexString(cp) + "}";
    }
}
