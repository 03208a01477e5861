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
 * {@code parse [kind=simple|regex|relaxed] expr with ...}: extracts columns from a string by a pattern of constants,
 * columns ({@code name[:type]}) and {@code *} wildcards, compiled once into one regular expression ({@link Regex}: the
 * match reads at most the first {@value Regex#MAX_INPUT_CHARS} characters of the string).
 *
 * <ul>
 * <li>{@code simple} (the default): constants are literal text; the whole string must match (a trailing {@code *}
 * ignores the rest); a column of type {@code int}/{@code long} takes digits, {@code real} a number, any other type
 * the shortest text up to the next constant (the last column, with nothing after it, the rest). When the string does
 * not match, every extracted column is null ({@code ""} for strings).</li>
 * <li>{@code regex}: the constants are regular expressions (RE2, as {@link Regex} says).</li>
 * <li>{@code relaxed}: like {@code simple}, but a column's text that does not convert to its type makes only that
 * column null.</li>
 * </ul>
 */
final class ParseStep {
    private ParseStep() {
    }

    static Pipeline.Projection compile(Ast.Parse p, Schema schema, ExprCompiler x) {
        Scalar input = ExprCompiler.text(x.compile(p.input()));
        boolean regex = p.kind().equals("regex");
        boolean relaxed = p.kind().equals("relaxed");
        StringBuilder re = new StringBuilder("^");
        List<String> names = new ArrayList<>();
        List<KType> types = new ArrayList<>();
        List<PatternPart> parts = p.pattern();
        for (int i = 0; i < parts.size(); i++) {
            PatternPart part = parts.get(i);
            if (part instanceof PatternWildcard) {
                re.append(i == parts.size() - 1 ? ".*" : ".*?");
            } else if (part instanceof PatternText t) {
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
                names.add(c.name());
                types.add(type);
                boolean last = i == parts.size() - 1;
                re.append('(').append(relaxed ? (last ? ".*" : ".*?") : columnPattern(type, last)).append(')');
            }
        }
        if (!(parts.get(parts.size() - 1) instanceof PatternWildcard)) {
            re.append('$');
        }
        Regex pattern = Regex.compile(re.toString(), Pattern.DOTALL, "parse: ", p.at());
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
                String text = m.group(i + 1);
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

    private static String columnPattern(KType type, boolean last) {
        return switch (type) {
            case INT, LONG -> "[-+]?\\d+";
            case REAL -> "[-+]?(?:\\d+\\.?\\d*|\\.\\d+)(?:[eE][-+]?\\d+)?";
            default -> last ? ".*" : ".*?";
        };
    }
}
