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
        List<List<String>> words = term.phrase() ? phraseWords(term.text()) : patternWords(term.text());
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

    private static List<List<String>> phraseWords(String text) {
        List<List<String>> words = new ArrayList<>();
        List<String> word = new ArrayList<>();
        text.codePoints().forEach(cp -> {
            if (isWordChar(cp)) {
                word.add(literal(cp));
            } else {
                endWord(words, word);
            }
        });
        endWord(words, word);
        return words;
    }

    /** A word pattern's words: unescaped {@code *} and {@code ?} are wildcards inside a word, as in {@code Matcher}. */
    private static List<List<String>> patternWords(String pattern) {
        List<List<String>> words = new ArrayList<>();
        List<String> word = new ArrayList<>();
        for (int i = 0; i < pattern.length(); ) {
            int cp = pattern.codePointAt(i);
            i += Character.charCount(cp);
            boolean escaped = cp == '\\' && i < pattern.length();
            if (escaped) {
                cp = pattern.codePointAt(i);
                i += Character.charCount(cp);
            }
            if (isWordChar(cp)) {
                word.add(literal(cp));
            } else if (!escaped && (cp == '*' || cp == '?')) {
                word.add(cp == '*' ? ANY_RUN : ANY_ONE);
            } else {
                endWord(words, word);
            }
        }
        endWord(words, word);
        return words;
    }

    private static void endWord(List<List<String>> words, List<String> word) {
        if (!word.isEmpty()) {
            words.add(List.copyOf(word));
            word.clear();
        }
    }

    private static boolean isWordChar(int cp) {
        return cp == '_' || Character.isLetterOrDigit(cp);
    }

    private static String literal(int cp) {
        boolean plain = cp < 128 && (Character.isLetterOrDigit(cp) || cp == '_');
        return plain ? Character.toString(cp) : "\\x{" + Integer.toHexString(cp) + "}";
    }
}
