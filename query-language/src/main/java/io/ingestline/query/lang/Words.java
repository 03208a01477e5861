package io.ingestline.query.lang;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Free text as words: a word is a run of letters, digits and {@code _} (by code point, {@link Character#isLetterOrDigit});
 * everything else separates words. Words are compared in lower case ({@link Locale#ROOT}).
 */
final class Words {
    private Words() {
    }

    static boolean isWordChar(int cp) {
        return Term.isWordChar(cp);
    }

    /** The words of a text, lower-cased. */
    static List<String> of(String text) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        text.codePoints().forEach(cp -> {
            if (isWordChar(cp)) {
                word.appendCodePoint(cp);
            } else if (word.length() > 0) {
                words.add(word.toString().toLowerCase(Locale.ROOT));
                word.setLength(0);
            }
        });
        if (word.length() > 0) {
            words.add(word.toString().toLowerCase(Locale.ROOT));
        }
        return words;
    }

    /**
     * The word patterns of a {@link Term}: a phrase's words, or a word's pattern cut the same way with its unescaped
     * {@code *} and {@code ?} counting as word characters ({@code err*} is one pattern, {@code 10.0.*} three).
     */
    static List<Glob> patterns(Term term) {
        return term.words().stream().map(w -> w.toLowerCase(Locale.ROOT))
                .map(w -> term.phrase() ? Glob.literal(w) : Glob.of(w)).toList();
    }

    /** True when the patterns match consecutive words of the text, in order. */
    static boolean containsSequence(List<String> words, List<Glob> patterns) {
        for (int start = 0; start + patterns.size() <= words.size(); start++) {
            if (matchesAt(words, start, patterns)) {
                return true;
            }
        }
        return false;
    }

    private static boolean matchesAt(List<String> words, int start, List<Glob> patterns) {
        for (int i = 0; i < patterns.size(); i++) {
            if (!patterns.get(i).matches(words.get(start + i))) {
                return false;
            }
        }
        return true;
    }
}
