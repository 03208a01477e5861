package io.ingestline.kql.eval;

import static io.ingestline.kql.eval.ExprCompiler.derived;
import static io.ingestline.kql.eval.ExprCompiler.error;

import com.fasterxml.jackson.databind.JsonNode;
import io.ingestline.kql.syntax.Token;
import java.util.function.BiPredicate;

/**
 * The string operators. Without {@code _cs} they ignore case. {@code has} looks for a whole term: the match must not
 * have a letter or digit right before or after it; {@code hasprefix}/{@code hassuffix} for a term's start or end;
 * {@code has_any}/{@code has_all} take a list. A {@code !} form is the negation.
 */
final class StringOps {
    /** The longest needle searched without checking the budget ({@link #indexOf}). */
    static final int SHORT_SEARCH = 64;
    /** How many terms of a list {@code has_any}/{@code has_all} search for between two budget checks (a power of 2). */
    private static final int TERMS_PER_CHECK = 16;

    private StringOps() {
    }

    static Scalar compile(String op, Scalar left, Scalar right, Token at) {
        boolean negated = op.startsWith("!");
        String name = negated ? op.substring(1) : op;
        boolean cs = name.endsWith("_cs");
        String base = cs ? name.substring(0, name.length() - 3) : name;
        if (base.equals("has_any") || base.equals("has_all")) {
            return list(base.equals("has_all"), left, right);
        }
        BiPredicate<String, String> test = switch (base) {
            case "contains" -> cs ? (h, n) -> indexOf(h, n, 0) >= 0 : (h, n) -> indexOfIgnoreCase(h, n, 0) >= 0;
            case "startswith" -> cs ? String::startsWith : (h, n) -> h.regionMatches(true, 0, n, 0, n.length());
            case "endswith" -> cs ? String::endsWith
                    : (h, n) -> h.length() >= n.length() && h.regionMatches(true, h.length() - n.length(), n, 0, n.length());
            case "has" -> (h, n) -> term(h, n, cs, true, true);
            case "hasprefix" -> (h, n) -> term(h, n, cs, true, false);
            case "hassuffix" -> (h, n) -> term(h, n, cs, false, true);
            default -> throw error("unknown string operator '" + op + "'", at);
        };
        Scalar s = ExprCompiler.stringOp(left, right, test);
        return negated ? ExprCompiler.not(s) : s;
    }

    private static Scalar list(boolean all, Scalar left, Scalar right) {
        Scalar text = ExprCompiler.text(left);
        return derived(KType.BOOL, row -> {
            String h = (String) text.eval(row);
            Object items = right.eval(row);
            if (!(items instanceof JsonNode n) || !n.isArray() || n.isEmpty()) {
                return false;
            }
            Boolean found = terms(h, n, all, new int[1]);
            return found == null ? all : found;
        }, text, right);
    }

    /**
     * Whether {@code hay} has any (or all) of the terms of {@code items}; an item that is itself an array (the list
     * {@code has_any (states)} of a dynamic array) counts as its elements. Null when the answer is {@code all}.
     */
    private static Boolean terms(String hay, JsonNode items, boolean all, int[] searched) {
        for (JsonNode item : items) {
            if ((++searched[0] & (TERMS_PER_CHECK - 1)) == 0) {
                Budget.check(); // a client's array may hold many terms, each searched for in the whole text
            }
            if (item.isArray()) {
                Boolean found = terms(hay, item, all, searched);
                if (found != null) {
                    return found;
                }
                continue;
            }
            boolean found = term(hay, Values.toStringValue(item), false, true, true);
            if (found != all) {
                return found;
            }
        }
        return null;
    }

    /** Whether {@code needle} occurs in {@code hay} as a whole term, or at a term's start or end. */
    static boolean term(String hay, String needle, boolean cs, boolean atStart, boolean atEnd) {
        if (needle.isEmpty()) {
            return true;
        }
        int from = 0;
        while (true) {
            int i = cs ? indexOf(hay, needle, from) : indexOfIgnoreCase(hay, needle, from);
            if (i < 0) {
                return false;
            }
            int end = i + needle.length();
            boolean startOk = !atStart || i == 0 || !Character.isLetterOrDigit(hay.charAt(i - 1));
            boolean endOk = !atEnd || end == hay.length() || !Character.isLetterOrDigit(hay.charAt(end));
            if (startOk && endOk) {
                return true;
            }
            from = i + 1;
        }
    }

    /**
     * {@code hay.indexOf(needle, from)} within the budget. {@link String#indexOf} may compare the whole needle at each
     * position (a client's text and search string of half a megabyte of {@code a} each: 2^38 comparisons in one call);
     * a needle up to {@link #SHORT_SEARCH} characters is left to it (at most that many comparisons per position), a
     * longer one is compared at each position that starts with its first character, checking the budget there.
     */
    static int indexOf(String hay, String needle, int from) {
        int m = needle.length();
        if (m <= SHORT_SEARCH) {
            return hay.indexOf(needle, from);
        }
        char first = needle.charAt(0);
        int last = hay.length() - m;
        for (int i = hay.indexOf(first, Math.max(0, from)); i >= 0 && i <= last; i = hay.indexOf(first, i + 1)) {
            Budget.check();
            if (hay.regionMatches(i, needle, 0, m)) {
                return i;
            }
        }
        return -1;
    }

    static int indexOfIgnoreCase(String hay, String needle, int from) {
        int last = hay.length() - needle.length();
        boolean check = needle.length() > SHORT_SEARCH;
        for (int i = Math.max(0, from); i <= last; i++) {
            if (check) {
                Budget.check();
            }
            if (hay.regionMatches(true, i, needle, 0, needle.length())) {
                return i;
            }
        }
        return -1;
    }
}
