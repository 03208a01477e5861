package io.ingestline.kql.eval;

import static io.ingestline.kql.eval.ExprCompiler.error;

import com.google.re2j.Matcher;
import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import io.ingestline.kql.syntax.Token;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * A rule's regular expression ({@code matches regex}, {@code extract}, {@code extract_all}, {@code countof(..,
 * 'regex')}, {@code parse}): RE2 syntax, which is what Kusto documents for its own, run by RE2/J, whose time grows
 * linearly with the text it reads, never by backtracking. Compiled once with the rule; what RE2 lacks
 * (backreferences, lookaround, atomic groups, possessive quantifiers) is refused then, naming the construct.
 *
 * <p>Each match reads at most {@link #MAX_INPUT_CHARS} characters of its input: a longer text is matched on its
 * first {@value #MAX_INPUT_CHARS} characters (so {@code $} matches at the cut, and an extracted group ends there at
 * the latest). While it reads, it checks the event's time {@link Budget} every few characters, fewer for larger
 * patterns, whose characters cost more.
 */
final class Regex {
    /** The most characters of its input one match reads (256 Ki). */
    static final int MAX_INPUT_CHARS = 256 * 1024;
    /**
     * The largest pattern, in steps of its program with its counted repetitions expanded ({@code (ab){3}} is six):
     * RE2/J builds the whole program when it compiles, so {@code ((a{0,1000}){0,1000}){0,1000}} would fill the heap
     * (RE2 itself refuses such patterns by the memory they take). Patterns people write are a few hundred.
     */
    static final int MAX_EXPANDED_SIZE = 50_000;
    /** About how many steps of the pattern's program run between two budget checks (each reads the clock). */
    private static final int STEPS_PER_CHECK = 16 * 1024;
    private static final String DIALECT = " (rules' regular expressions are RE2, as Kusto's are: no backreferences, "
            + "lookaround, atomic groups or possessive quantifiers)";

    private final Pattern pattern;
    /** Characters read between two budget checks. */
    private final int stride;

    private Regex(Pattern pattern) {
        this.pattern = pattern;
        this.stride = Math.max(1, STEPS_PER_CHECK / Math.max(1, pattern.programSize()));
    }

    /**
     * @param what the operator, to start the message with ({@code "extract(): "}, or empty)
     * @throws io.ingestline.kql.KqlCompileException when RE2 does not take the pattern
     */
    static Regex compile(String source, int flags, String what, Token at) {
        long size = expandedSize(source);
        if (size > MAX_EXPANDED_SIZE) {
            throw error(what + "the regular expression is too large with its repetitions expanded (about " + size
                    + " steps, at most " + MAX_EXPANDED_SIZE + "): nest fewer counted repetitions", at);
        }
        try {
            return new Regex(Pattern.compile(source, flags));
        } catch (PatternSyntaxException e) {
            throw error(what + "invalid regular expression: " + e.getDescription() + " `" + e.getPattern() + "`"
                    + DIALECT, at);
        }
    }

    static Regex compile(String source, String what, Token at) {
        return compile(source, 0, what, at);
    }

    /**
     * About how many steps the pattern compiles to, its counted repetitions expanded; past {@link #MAX_EXPANDED_SIZE}
     * it stops counting. A scan of the text, not a parse: escapes, classes and {@code \Q...\E} are skipped whole.
     */
    static long expandedSize(String p) {
        Deque<Long> outer = new ArrayDeque<>(); // the size of each enclosing group so far
        long size = 0;
        long last = 0; // the size of the last atom, which a repetition repeats
        for (int i = 0; i < p.length() && size <= MAX_EXPANDED_SIZE; i++) {
            char c = p.charAt(i);
            long atom = 1;
            long n = c == '{' ? count(p, i) : 0;
            if (c == '\\') {
                i = escapeEnd(p, i);
            } else if (c == '[') {
                i = classEnd(p, i);
            } else if (c == '(') {
                outer.push(size);
                size = 0;
                last = 0;
                continue;
            } else if (c == ')' && !outer.isEmpty()) {
                atom = size + 1;
                size = outer.pop();
            } else if (n > 0) {
                size += last * (n - 1);
                last *= n;
                i = p.indexOf('}', i);
                continue;
            }
            size += atom;
            last = atom;
        }
        while (!outer.isEmpty()) {
            size += outer.pop();
        }
        return size;
    }

    /** The most times {@code {n}}, {@code {n,}} or {@code {n,m}} at {@code i} repeats; 0 when it is not one. */
    private static long count(String p, int i) {
        int end = p.indexOf('}', i);
        if (end < 0 || end - i > 12) {
            return 0;
        }
        String[] nm = p.substring(i + 1, end).split(",", -1);
        try {
            long n = Long.parseLong(nm[0]);
            return nm.length == 1 ? n : nm.length == 2 ? (nm[1].isEmpty() ? n + 1 : Long.parseLong(nm[1])) : 0;
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static int escapeEnd(String p, int i) {
        if (i + 2 < p.length() && "pPx".indexOf(p.charAt(i + 1)) >= 0 && p.charAt(i + 2) == '{') {
            int end = p.indexOf('}', i);
            return end < 0 ? p.length() : end;
        }
        if (i + 1 < p.length() && p.charAt(i + 1) == 'Q') {
            int end = p.indexOf("\\E", i);
            return end < 0 ? p.length() : end + 1;
        }
        return i + 1;
    }

    private static int classEnd(String p, int i) {
        int j = i + 1;
        j += j < p.length() && p.charAt(j) == '^' ? 1 : 0;
        j += j < p.length() && p.charAt(j) == ']' ? 1 : 0;
        while (j < p.length() && p.charAt(j) != ']') {
            int posix = p.startsWith("[:", j) ? p.indexOf(":]", j) : -1;
            j = p.charAt(j) == '\\' ? j + 2 : posix > 0 ? posix + 2 : j + 1;
        }
        return j;
    }

    /** The number of capture groups. */
    int groupCount() {
        return pattern.groupCount();
    }

    /** The named capture groups and their numbers. */
    java.util.Map<String, Integer> namedGroups() {
        return pattern.namedGroups();
    }

    /** A matcher over the first {@link #MAX_INPUT_CHARS} characters of {@code text}, checking the budget. */
    Matcher matcher(String text) {
        Budget.check();
        return pattern.matcher(new Checked(text, Math.min(text.length(), MAX_INPUT_CHARS), stride));
    }

    /** The first characters of a text, checking the budget every {@code stride} characters read. */
    private static final class Checked implements CharSequence {
        private final String text;
        private final int length;
        private final int stride;
        private int left;

        Checked(String text, int length, int stride) {
            this.text = text;
            this.length = length;
            this.stride = stride;
            this.left = stride;
        }

        @Override
        public int length() {
            return length;
        }

        @Override
        public char charAt(int index) {
            if (--left == 0) {
                left = stride;
                Budget.check();
            }
            return text.charAt(index);
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            return text.substring(start, end);
        }

        @Override
        public String toString() {
            return text.substring(0, length);
        }
    }
}
