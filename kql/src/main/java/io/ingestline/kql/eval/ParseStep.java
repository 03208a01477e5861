package io.ingestline.kql.eval;

import static io.ingestline.kql.eval.ExprCompiler.error;

import com.google.re2j.Matcher;
import com.google.re2j.Pattern;
import io.ingestline.kql.syntax.Ast;
import io.ingestline.kql.syntax.Ast.PatternColumn;
import io.ingestline.kql.syntax.Ast.PatternPart;
import io.ingestline.kql.syntax.Ast.PatternText;
import io.ingestline.kql.syntax.Ast.PatternWildcard;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * {@code parse [kind=simple|regex|relaxed [flags=...]] expr with ...}: extracts columns from a string by a pattern of
 * constants, columns ({@code name[:type]}) and {@code *} wildcards, compiled once into one regular expression
 * ({@link Regex}: the match reads at most the first {@value Regex#MAX_INPUT_CHARS} characters of the string). Each
 * column is a named group, so groups the pattern's own regexes hold do not shift the columns.
 *
 * <ul>
 * <li>{@code simple} (the default): constants are literal text; the whole string must match (a trailing {@code *}
 * ignores the rest); a column of type {@code int}/{@code long} takes digits, {@code real} a number, any other type
 * the shortest text up to the next constant (the last column, with nothing after it, the rest). When the string does
 * not match, or a column's text does not convert to its type, every extracted column is null ({@code ""} for
 * strings).</li>
 * <li>{@code regex}: the constants are regular expressions (RE2, as {@link Regex} says); a column that is not a
 * number takes the longest text that lets the rest match ({@code .*}, the page's "default mode is greedy"), or the
 * shortest under {@code flags=U}. {@code flags=} takes RE2's {@code U} (ungreedy), {@code i} (ignore case),
 * {@code m} (multi-line) and {@code s} ({@code .} matches a new line), for this kind only.</li>
 * <li>{@code relaxed}: like {@code simple}, but a typed column takes its type's text when it can and else the text
 * up to the next constant, and a text that does not convert to the column's type makes only that column null.</li>
 * </ul>
 */
final class ParseStep {
    private static final String FLAGS = "Uims";
    /** The group names of the columns: this prefix and the column's position (RE2 names are word characters). */
    private static final String GROUP = "parseColumn";

    private ParseStep() {
    }

    static Pipeline.Projection compile(Ast.Parse p, Schema schema, ExprCompiler x) {
        Scalar input = ExprCompiler.text(x.compile(p.input()));
        boolean regex = p.kind().equals("regex");
        boolean relaxed = p.kind().equals("relaxed");
        StringBuilder re = new StringBuilder(flags(p, regex)).append('^');
        List<String> names = new ArrayList<>();
        List<KType> types = new ArrayList<>();
        List<PatternPart> parts = p.pattern();
        for (int i = 0; i < parts.size(); i++) {
            PatternPart part = parts.get(i);
            if (part instanceof PatternWildcard) {
                re.append(i == parts.size() - 1 ? ".*" : ".*?");
            } else if (part instanceof PatternText t) {
                if (regex) {
                    // each text must be a whole expression: an unclosed '[' or '(' in one would swallow the columns'
                    // groups that follow it
                    Regex.compile("(?:" + t.text() + ")", "parse: the pattern's text '" + t.text() + "': ", p.at());
                }
                re.append(regex ? "(?:" + t.text() + ")" : Pattern.quote(t.text()));
            } else {
                PatternColumn c = (PatternColumn) part;
                KType type = KType.named(c.type());
                if (type == null) {
                    throw error("unknown type " + c.type() + " for parse column " + c.name(), c.at());
                }
                if (names.contains(c.name())) {
                    throw error("parse extracts column " + c.name() + " twice", c.at());
                }
                boolean last = i == parts.size() - 1;
                re.append("(?P<").append(GROUP).append(names.size()).append('>')
                        .append(columnPattern(type, last, p.kind())).append(')');
                names.add(c.name());
                types.add(type);
            }
        }
        if (!(parts.get(parts.size() - 1) instanceof PatternWildcard)) {
            re.append('$');
        }
        Regex pattern = Regex.compile(re.toString(), regex ? 0 : Pattern.DOTALL, "parse: ", p.at());
        int[] group = new int[names.size()];
        for (int i = 0; i < group.length; i++) {
            Integer g = pattern.namedGroups().get(GROUP + i);
            if (g == null) {
                throw error("parse: the pattern's texts hide the group of column " + names.get(i), p.at());
            }
            group[i] = g;
        }
        Schema out = schema;
        int[] at = new int[names.size()];
        for (int i = 0; i < names.size(); i++) {
            out = out.with(names.get(i), types.get(i));
        }
        for (int i = 0; i < names.size(); i++) {
            at[i] = out.indexOf(names.get(i));
        }
        int width = out.size();
        KType[] t = types.toArray(new KType[0]);
        return new Pipeline.Projection(row -> {
            Object[] next = Arrays.copyOf(row, width);
            Matcher m = pattern.matcher((String) input.eval(row));
            Object[] values = new Object[t.length];
            boolean ok = m.find();
            for (int i = 0; ok && i < t.length; i++) {
                String text = m.group(group[i]);
                values[i] = t[i] == KType.STRING ? text : Values.convert(text, t[i]);
                if (values[i] == null && !relaxed && text != null) {
                    ok = false;
                }
            }
            for (int i = 0; i < t.length; i++) {
                next[at[i]] = ok || relaxed ? values[i] : t[i] == KType.STRING ? "" : null;
                if (next[at[i]] == null && t[i] == KType.STRING) {
                    next[at[i]] = "";
                }
            }
            return next;
        }, out);
    }

    /** {@code flags=} as RE2's inline flags, for {@code kind=regex} only; a flag RE2 does not take is an error. */
    private static String flags(Ast.Parse p, boolean regex) {
        String f = p.flags();
        if (f.isEmpty()) {
            return "";
        }
        if (!regex) {
            throw error("parse: flags= is for kind=regex only (here kind=" + p.kind() + ")", p.at());
        }
        for (char ch : f.toCharArray()) {
            if (FLAGS.indexOf(ch) < 0) {
                throw error("parse: unknown regex flag '" + ch + "' in flags=" + f + " (RE2's flags are U, i, m, s)",
                        p.at());
            }
        }
        return "(?" + f + ")";
    }

    /**
     * A column's regular expression. Numbers always take their digits greedily (also under {@code flags=U}); in
     * regex mode other types take {@code .*} (which {@code U} makes lazy), elsewhere the shortest text
     * ({@code .*?}) unless last. A typed column of {@code relaxed} falls back on any text when its type's text does
     * not fit.
     */
    private static String columnPattern(KType type, boolean last, String kind) {
        String any = kind.equals("regex") || last ? ".*" : ".*?";
        String number = switch (type) {
            case INT, LONG -> "(?-U:[-+]?\\d+)";
            case REAL -> "(?-U:[-+]?(?:\\d+\\.?\\d*|\\.\\d+)(?:[eE][-+]?\\d+)?)";
            default -> null;
        };
        if (number == null) {
            return any;
        }
        return kind.equals("relaxed") ? number + "|" + any : number;
    }
}
