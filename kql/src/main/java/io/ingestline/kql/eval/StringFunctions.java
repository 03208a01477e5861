package io.ingestline.kql.eval;

import static io.ingestline.kql.eval.ExprCompiler.argError;
import static io.ingestline.kql.eval.ExprCompiler.derived;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.google.re2j.Matcher;
import io.ingestline.kql.syntax.Ast;
import io.ingestline.kql.syntax.Ast.Call;
import io.ingestline.kql.syntax.Ast.Expr;
import io.ingestline.model.Json;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

/**
 * The string functions whose arguments need more than a value: a regular expression compiled once with the rule
 * ({@code countof(.., 'regex')}, {@code extract}, {@code extract_all}, {@code replace_regex} and its deprecated alias
 * {@code replace}), a type ({@code extract(.., typeof(long))}), optional positions ({@code indexof}); and those whose
 * result depends on how Kusto writes a value ({@code hash_sha256}) or which bytes it takes
 * ({@code base64_decode_tostring}). Errors about an argument point at it.
 */
final class StringFunctions {
    /** How Kusto writes a datetime as text for hashing: always seven fractional digits. */
    private static final DateTimeFormatter TICKS =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSS'Z'").withZone(ZoneOffset.UTC);
    private static final Set<String> TYPED_NULLS = Set.of("int", "long", "real", "double", "bool", "boolean", "string");

    /**
     * The longest string a function builds: the project's longest JSON string ({@link Json#MAX_STRING_LENGTH}), as an
     * event's string could not be longer. Past it the event fails: a few steps of {@code strcat} or
     * {@code replace_string} would otherwise multiply a client's megabyte past what the heap (or a Java string) holds.
     */
    static final int MAX_STRING = Json.MAX_STRING_LENGTH;

    private StringFunctions() {
    }

    /** @throws KqlRuntimeException when a result of {@code length} characters would be past {@link #MAX_STRING} */
    static void checkLength(long length, String function) {
        if (length > MAX_STRING) {
            throw new KqlRuntimeException(function + "(): the result would be longer than " + MAX_STRING
                    + " characters, the longest string an event may have");
        }
    }

    /**
     * {@code toupper}/{@code tolower}: each character mapped on its own (Unicode's simple case mapping, as .NET's
     * invariant culture and so Kusto: {@code ß} stays {@code ß}), in one pass. Java's {@code toUpperCase} maps
     * {@code ß} to {@code SS} (its {@code toLowerCase}, {@code İ} to two characters) and grows its result one
     * character at a time for each: half a million of them ran for minutes. ASCII text goes to it as it is.
     */
    static String changeCase(String s, boolean upper) {
        int i = 0;
        while (i < s.length() && s.charAt(i) < 0x80) {
            i++;
        }
        if (i == s.length()) {
            return upper ? s.toUpperCase(java.util.Locale.ROOT) : s.toLowerCase(java.util.Locale.ROOT);
        }
        StringBuilder out = new StringBuilder(s.length());
        s.codePoints().forEach(cp -> out.appendCodePoint(upper ? Character.toUpperCase(cp) : Character.toLowerCase(cp)));
        return out.toString();
    }

    /** {@code replace_string}: each occurrence of {@code lookup}, not overlapping, replaced by {@code rewrite}. */
    static String replaceString(String s, String lookup, String rewrite) {
        int i = lookup.isEmpty() ? -1 : StringOps.indexOf(s, lookup, 0);
        if (i < 0) {
            return s;
        }
        StringBuilder out = new StringBuilder(s.length());
        int last = 0;
        do {
            checkLength((long) out.length() + (i - last) + rewrite.length(), "replace_string");
            out.append(s, last, i).append(rewrite);
            last = i + lookup.length();
            i = StringOps.indexOf(s, lookup, last);
        } while (i >= 0);
        checkLength((long) out.length() + (s.length() - last), "replace_string");
        return out.append(s, last, s.length()).toString();
    }

    /** The function compiled, or null when it is not one of these. */
    static Scalar compile(Call c, ExprCompiler x) {
        return switch (c.function()) {
            case "indexof" -> indexOf(c, args(c, x));
            case "countof" -> countOf(c, args(c, x));
            case "extract" -> extract(c, x);
            case "extract_all", "extractall" -> extractAll(c, args(c, x));
            case "replace_regex", "replace" -> replaceRegex(c, args(c, x));
            case "base64_decode_tostring", "base64_decodestring" -> base64Decode(c, args(c, x));
            case "hash_sha256" -> hashSha256(c, args(c, x));
            default -> null;
        };
    }

    private static List<Scalar> args(Call c, ExprCompiler x) {
        List<Scalar> a = new ArrayList<>();
        for (Expr e : c.args()) {
            a.add(x.compile(e));
        }
        return a;
    }

    /**
     * {@code indexof(string, match[, start[, length[, occurrence]]])}: a negative start counts from the end; each
     * search looks at {@code length} characters from where it starts ({@code -1}: to the end), the next occurrence is
     * searched from the one before plus one (the page's example {@code idx8}). Null when an argument is null, the
     * occurrence is below 0 or the length below -1; -1 when not found.
     */
    private static Scalar indexOf(Call c, List<Scalar> a) {
        Functions.count(c, 2, 5);
        Scalar s = ExprCompiler.text(a.get(0));
        Scalar match = ExprCompiler.text(a.get(1));
        String[] names = {"start", "length", "occurrence"};
        Scalar[] opt = new Scalar[3];
        for (int i = 2; i < a.size(); i++) {
            opt[i - 2] = integer(c, a, i, names[i - 2]);
        }
        return derived(KType.LONG, row -> {
            Long start = opt[0] == null ? Long.valueOf(0) : Values.toLong(opt[0].eval(row));
            Long length = opt[1] == null ? Long.valueOf(-1) : Values.toLong(opt[1].eval(row));
            Long occurrence = opt[2] == null ? Long.valueOf(1) : Values.toLong(opt[2].eval(row));
            if (start == null || length == null || occurrence == null || occurrence < 0 || length < -1) {
                return null;
            }
            return indexOf((String) s.eval(row), (String) match.eval(row), start, length, Math.max(1, occurrence));
        }, a);
    }

    static long indexOf(String s, String match, long start, long length, long occurrence) {
        int n = s.length();
        long at = start < 0 ? Math.max(0, n + start) : start;
        int found = -1;
        for (long k = 0; k < occurrence; k++) {
            if (at > n) {
                return -1;
            }
            long end = length == -1 || length > n ? n : Math.min(n, at + length);
            int i = StringOps.indexOf(s, match, (int) at);
            if (i < 0 || i + match.length() > end) {
                return -1;
            }
            found = i;
            at = i + 1L;
        }
        return found;
    }

    private static Scalar integer(Call c, List<Scalar> a, int index, String what) {
        Scalar s = a.get(index);
        if (s.type() != KType.INT && s.type() != KType.LONG && s.type() != KType.DYNAMIC) {
            throw argError(c.function() + "(): " + what + " must be an int, not " + s.type().kustoName(), c, index);
        }
        return s;
    }

    /** {@code countof(source, search[, kind])}: plain matches may overlap, regex matches don't. */
    private static Scalar countOf(Call c, List<Scalar> a) {
        Functions.count(c, 2, 3);
        Scalar text = ExprCompiler.text(a.get(0));
        Scalar search = ExprCompiler.text(a.get(1));
        boolean regex = false;
        if (a.size() > 2) {
            Object kind = a.get(2).constant() ? a.get(2).value() : null;
            if (!"normal".equals(kind) && !"regex".equals(kind)) {
                throw argError("countof(): kind is the constant 'normal' or 'regex'", c, 2);
            }
            regex = kind.equals("regex");
        }
        Regex compiled = regex ? regex(c, a, 1) : null;
        return derived(KType.LONG, row -> {
            String t = (String) text.eval(row);
            String s = (String) search.eval(row);
            if (s.isEmpty()) {
                return 0L;
            }
            long n = 0;
            if (compiled != null) {
                Matcher m = compiled.matcher(t);
                while (m.find()) {
                    Budget.check();
                    n++;
                }
                return n;
            }
            for (int i = StringOps.indexOf(t, s, 0); i >= 0; i = StringOps.indexOf(t, s, i + 1)) {
                n++;
            }
            return n;
        }, text, search);
    }

    /** The constant regular expression of argument {@code index}, compiled once (errors point at it). */
    private static Regex regex(Call c, List<Scalar> a, int index) {
        Scalar s = a.get(index);
        if (!s.constant() || s.type() != KType.STRING) {
            throw argError(c.function() + "() takes the regular expression as a constant string", c, index);
        }
        return Regex.compile((String) s.value(), c.function() + "(): ", Ast.start(c.args().get(index)));
    }

    /**
     * {@code extract(regex, captureGroup, source[, typeLiteral])}: the group's text of the first match, converted to
     * {@code typeof(T)} when given; null when nothing matches or the conversion fails (an empty string as a string).
     */
    private static Scalar extract(Call c, ExprCompiler x) {
        Functions.count(c, 3, 4);
        List<Scalar> a = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            a.add(x.compile(c.args().get(i)));
        }
        KType type = c.args().size() > 3 ? typeArgument(c, 3) : KType.STRING;
        Regex p = regex(c, a, 0);
        Scalar group = integer(c, a, 1, "captureGroup");
        Scalar text = ExprCompiler.text(a.get(2));
        Object none = type == KType.STRING ? "" : null;
        return derived(type, row -> {
            Long g = Values.toLong(group.eval(row));
            Matcher m = p.matcher((String) text.eval(row));
            if (g == null || g < 0 || !m.find() || g > m.groupCount() || m.group(g.intValue()) == null) {
                return none;
            }
            Object v = Values.convert(m.group(g.intValue()), type);
            return v == null ? none : v;
        }, a.subList(1, 3));
    }

    /** The type of argument {@code index}: {@code typeof(T)}, or a typed null such as {@code long(null)}. */
    private static KType typeArgument(Call c, int index) {
        Expr e = c.args().get(index);
        if (e instanceof Call t && t.args().size() == 1 && t.args().get(0) instanceof Ast.Name n
                && (t.function().equals("typeof") || TYPED_NULLS.contains(t.function()) && n.name().equals("null"))) {
            KType type = KType.named(t.function().equals("typeof") ? n.name() : t.function());
            if (type == null) {
                throw argError(c.function() + "(): unknown type " + n.name(), c, index);
            }
            return type;
        }
        throw argError(c.function() + "(): the type to convert to is written typeof(T), as typeof(long)", c, index);
    }

    /**
     * {@code extract_all(regex, [captureGroups,] source)}: every match's groups, one dimension when one group is taken,
     * else one array per match; null when nothing matches. The regex has 1 to 16 groups; {@code captureGroups} is a
     * constant array of group numbers and names.
     */
    private static Scalar extractAll(Call c, List<Scalar> a) {
        Functions.count(c, 2, 3);
        Regex p = regex(c, a, 0);
        int count = p.groupCount();
        if (count < 1 || count > 16) {
            throw argError("extract_all(): the regular expression must have 1 to 16 capture groups, not " + count,
                    c, 0);
        }
        int[] groups = a.size() > 2 ? groups(c, a.get(1), p) : null;
        if (groups == null) {
            groups = new int[count];
            Arrays.setAll(groups, i -> i + 1);
        }
        int[] selected = groups;
        Scalar text = ExprCompiler.text(a.get(a.size() - 1));
        return derived(KType.DYNAMIC, row -> {
            Matcher m = p.matcher((String) text.eval(row));
            ArrayNode out = Values.NODES.arrayNode();
            while (m.find()) {
                Budget.check();
                if (selected.length == 1) {
                    out.add(m.group(selected[0]));
                } else {
                    ArrayNode one = out.addArray();
                    for (int g : selected) {
                        one.add(m.group(g));
                    }
                }
            }
            return out.isEmpty() ? null : out;
        }, text);
    }

    /** The group numbers a constant {@code captureGroups} array names (numbers from 1, or names). */
    private static int[] groups(Call c, Scalar s, Regex p) {
        if (!s.constant() || !(s.value() instanceof JsonNode n) || !n.isArray() || n.isEmpty()) {
            throw argError("extract_all(): captureGroups is a constant array such as dynamic([1, 'name'])", c, 1);
        }
        int[] out = new int[n.size()];
        for (int i = 0; i < out.length; i++) {
            JsonNode g = n.get(i);
            Integer number = g.isIntegralNumber() ? Integer.valueOf(g.intValue()) : p.namedGroups().get(g.asText());
            if (number == null || number < 1 || number > p.groupCount()) {
                throw argError("extract_all(): the regular expression has no capture group " + g + " (it has "
                        + p.groupCount() + ")", c, 1);
            }
            out[i] = number;
        }
        return out;
    }

    /**
     * {@code replace_regex(source, lookup_regex, rewrite_pattern)} (deprecated alias {@code replace}): every match,
     * not overlapping, replaced by the rewrite, where {@code \0} is the whole match and {@code \1}..{@code \9} its
     * groups ({@code \\} a backslash); a group that took no part in the match gives nothing.
     */
    private static Scalar replaceRegex(Call c, List<Scalar> a) {
        Functions.count(c, 3, 3);
        Scalar text = ExprCompiler.text(a.get(0));
        Regex p = regex(c, a, 1);
        Scalar rewrite = ExprCompiler.text(a.get(2));
        if (rewrite.constant()) {
            Object[] parts = rewrite((String) rewrite.value());
            for (Object part : parts) {
                if (part instanceof Integer g && g > p.groupCount()) {
                    throw argError(c.function() + "(): the rewrite refers to group \\" + g + ", the regular expression "
                            + "has " + p.groupCount() + " capture groups", c, 2);
                }
            }
            return derived(KType.STRING, row -> replace(p, (String) text.eval(row), parts), text);
        }
        return derived(KType.STRING, row -> replace(p, (String) text.eval(row), rewrite((String) rewrite.eval(row))),
                text, rewrite);
    }

    /** A rewrite as its parts: literal strings and group numbers. */
    static Object[] rewrite(String r) {
        List<Object> parts = new ArrayList<>();
        StringBuilder literal = new StringBuilder();
        for (int i = 0; i < r.length(); i++) {
            char ch = r.charAt(i);
            if (ch == '\\' && i + 1 < r.length() && Character.isDigit(r.charAt(i + 1)) && r.charAt(i + 1) < 128) {
                if (literal.length() > 0) {
                    parts.add(literal.toString());
                    literal.setLength(0);
                }
                parts.add(r.charAt(++i) - '0');
            } else if (ch == '\\' && i + 1 < r.length() && r.charAt(i + 1) == '\\') {
                literal.append('\\');
                i++;
            } else {
                literal.append(ch);
            }
        }
        if (literal.length() > 0) {
            parts.add(literal.toString());
        }
        return parts.toArray();
    }

    private static String replace(Regex p, String s, Object[] parts) {
        Matcher m = p.matcher(s);
        if (!m.find()) {
            return s;
        }
        StringBuilder out = new StringBuilder(s.length() + 16);
        int last = 0;
        do {
            Budget.check();
            out.append(s, last, m.start());
            for (Object part : parts) {
                String v;
                if (part instanceof String literal) {
                    v = literal;
                } else {
                    int g = (Integer) part;
                    v = g <= m.groupCount() ? m.group(g) : null;
                }
                if (v != null) {
                    // a rewrite from the event may repeat the match many times: checked part by part
                    checkLength((long) out.length() + v.length(), "replace_regex");
                    out.append(v);
                }
            }
            last = m.end();
        } while (m.find());
        checkLength((long) out.length() + (s.length() - last), "replace_regex");
        return out.append(s, last, s.length()).toString();
    }

    /** {@code base64_decode_tostring(s)}: the UTF-8 text of the bytes; empty (Kusto's null string) when not UTF-8. */
    private static Scalar base64Decode(Call c, List<Scalar> a) {
        Functions.count(c, 1, 1);
        Scalar s = ExprCompiler.text(a.get(0));
        return derived(KType.STRING, row -> {
            byte[] bytes;
            try {
                bytes = Base64.getDecoder().decode((String) s.eval(row));
            } catch (IllegalArgumentException e) {
                return "";
            }
            String text = new String(bytes, StandardCharsets.UTF_8);
            // malformed input decodes to U+FFFD: only then is a second look needed
            return text.indexOf('\uFFFD') >= 0 && !Arrays.equals(text.getBytes(StandardCharsets.UTF_8), bytes) ? ""
                    : text;
        }, s);
    }

    /** {@code hash_sha256(x)}: SHA-256 of the value's text (a datetime with seven fractional digits), in hex. */
    private static Scalar hashSha256(Call c, List<Scalar> a) {
        Functions.count(c, 1, 1);
        Scalar s = a.get(0);
        boolean datetime = s.type() == KType.DATETIME;
        return derived(KType.STRING, row -> {
            Object v = s.eval(row);
            String text = datetime && v instanceof Instant i ? TICKS.format(i) : Values.toStringValue(v);
            try {
                return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                        .digest(text.getBytes(StandardCharsets.UTF_8)));
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }, s);
    }
}
