package io.ingestline.kql.eval;

import static io.ingestline.kql.eval.ExprCompiler.error;

import com.google.re2j.Matcher;
import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import io.ingestline.kql.syntax.Token;

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
