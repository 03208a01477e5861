package io.ingestline.query.lang;

import java.util.Arrays;

/**
 * A wildcard pattern over code points: {@code *} any run (also empty), {@code ?} exactly one code point; escaped
 * {@code \*}, {@code \?}, {@code \\} are literal. Matching is the classic greedy scan that goes back to the last
 * {@code *}: at most pattern length times text length steps, no recursion.
 */
final class Glob {
    private static final int ANY_RUN = -1;
    private static final int ANY_ONE = -2;

    private final int[] items;

    private Glob(int[] items) {
        this.items = items;
    }

    /** The pattern as a {@link Term} word holds it. */
    static Glob of(String pattern) {
        int[] items = new int[pattern.length()];
        int n = 0;
        for (int i = 0; i < pattern.length(); ) {
            int cp = pattern.codePointAt(i);
            i += Character.charCount(cp);
            if (cp == '\\' && i < pattern.length()) {
                cp = pattern.codePointAt(i);
                i += Character.charCount(cp);
                items[n++] = cp;
            } else {
                items[n++] = cp == '*' ? ANY_RUN : cp == '?' ? ANY_ONE : cp;
            }
        }
        return new Glob(Arrays.copyOf(items, n));
    }

    /** A pattern without wildcards. */
    static Glob literal(String text) {
        return new Glob(text.codePoints().toArray());
    }

    boolean matches(String text) {
        int[] t = text.codePoints().toArray();
        int ti = 0;
        int pi = 0;
        int starP = -1;
        int starT = 0;
        while (ti < t.length) {
            if (pi < items.length && (items[pi] == ANY_ONE || items[pi] == t[ti])) {
                pi++;
                ti++;
            } else if (pi < items.length && items[pi] == ANY_RUN) {
                starP = pi++;
                starT = ti;
            } else if (starP >= 0) {
                pi = starP + 1;
                ti = ++starT;
            } else {
                return false;
            }
        }
        while (pi < items.length && items[pi] == ANY_RUN) {
            pi++;
        }
        return pi == items.length;
    }
}
