package io.ingestline.kql.eval;

import static io.ingestline.kql.eval.ExprCompiler.derived;
import static io.ingestline.kql.eval.ExprCompiler.error;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ingestline.kql.syntax.Ast;
import io.ingestline.kql.syntax.Ast.Call;
import io.ingestline.kql.syntax.Ast.Expr;
import io.ingestline.kql.syntax.Token;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The scalar functions: conversions, conditionals, null and type tests, strings, dynamic values (the rest of Azure's
 * list is in {@link MoreFunctions}). Each checks its argument count and types when the rule is compiled.
 */
final class Functions {
    private Functions() {
    }

    static Scalar compile(Call c, ExprCompiler x) {
        String f = c.function();
        Token at = c.at();
        if (f.equals("columnifexists") || f.equals("column_ifexists")) {
            return columnIfExists(c, x);
        }
        if (Set.of("int", "long", "real", "double", "bool", "boolean", "string").contains(f)) {
            return typedNull(c);
        }
        Scalar string = StringFunctions.compile(c, x);
        if (string != null) {
            return string;
        }
        List<Scalar> a = new ArrayList<>();
        for (Expr e : c.args()) {
            a.add(x.compile(e));
        }
        return switch (f) {
            case "iif", "iff" -> {
                count(c, 3, 3);
                yield conditional(c, List.of(bool(a.get(0), c, 1), a.get(1), a.get(2)));
            }
            case "case" -> {
                if (a.size() < 3 || a.size() % 2 == 0) {
                    throw error("case() takes pairs of condition and value, then a default", at);
                }
                for (int i = 0; i + 1 < a.size(); i += 2) {
                    bool(a.get(i), c, i + 1);
                }
                yield conditional(c, a);
            }
            case "not" -> {
                count(c, 1, 1);
                yield ExprCompiler.not(bool(a.get(0), c, 1));
            }
            case "isnull" -> test(c, a, v -> v == null);
            case "isnotnull" -> test(c, a, v -> v != null);
            case "isempty" -> test(c, a, Functions::empty);
            case "isnotempty", "notempty" -> test(c, a, v -> !empty(v));
            case "tostring" -> convert(c, a, KType.STRING);
            case "toint" -> convert(c, a, KType.INT);
            case "tolong" -> convert(c, a, KType.LONG);
            case "toreal", "todouble" -> convert(c, a, KType.REAL);
            case "tobool", "toboolean" -> convert(c, a, KType.BOOL);
            case "todatetime" -> convert(c, a, KType.DATETIME);
            case "totimespan", "totime" -> convert(c, a, KType.TIMESPAN);
            case "toguid" -> convert(c, a, KType.GUID);
            case "parse_json", "todynamic" -> {
                count(c, 1, 1);
                Scalar s = stringOrDynamic(c, a, 0);
                yield derived(KType.DYNAMIC, row -> {
                    Object v = s.eval(row);
                    return v == null ? null : v instanceof String str ? Values.parseJson(str) : Values.convert(v, KType.DYNAMIC);
                }, s);
            }
            case "gettype" -> {
                count(c, 1, 1);
                Scalar s = a.get(0);
                yield derived(KType.STRING, row -> typeName(s.eval(row), s.type()), s);
            }
            case "strlen" -> string(c, a, 1, 1, (s, rest) -> (long) s.codePointCount(0, s.length()), KType.LONG);
            case "tolower" -> string(c, a, 1, 1, (s, rest) -> StringFunctions.changeCase(s, false), KType.STRING);
            case "toupper" -> string(c, a, 1, 1, (s, rest) -> StringFunctions.changeCase(s, true), KType.STRING);
            case "strcat" -> {
                count(c, 1, 64);
                List<Scalar> parts = a.stream().map(ExprCompiler::text).toList();
                yield derived(KType.STRING, row -> {
                    StringBuilder b = new StringBuilder();
                    for (Scalar p : parts) {
                        String part = (String) p.eval(row);
                        StringFunctions.checkLength((long) b.length() + part.length(), "strcat");
                        b.append(part);
                    }
                    return b.toString();
                }, parts);
            }
            case "substring" -> {
                count(c, 2, 3);
                Scalar s = ExprCompiler.text(a.get(0));
                Scalar start = a.get(1);
                Scalar len = a.size() > 2 ? a.get(2) : null;
                yield derived(KType.STRING, row -> {
                    String str = (String) s.eval(row);
                    Long from = Values.toLong(start.eval(row));
                    Long n = len == null ? Long.valueOf(str.length()) : Values.toLong(len.eval(row));
                    if (from == null || n == null) {
                        return "";
                    }
                    int b = (int) Math.max(0, Math.min(str.length(), from < 0 ? str.length() + from : from));
                    int e = (int) Math.max(b, Math.min(str.length(), (long) b + Math.max(0, n)));
                    return str.substring(b, e);
                }, a);
            }
            case "replace_string" -> string(c, a, 3, 3, (s, rest) -> {
                return StringFunctions.replaceString(s, Values.toStringValue(rest[0]), Values.toStringValue(rest[1]));
            }, KType.STRING);
            case "split" -> {
                count(c, 2, 3);
                Scalar s = ExprCompiler.text(a.get(0));
                Scalar delim = ExprCompiler.text(a.get(1));
                Scalar index = a.size() > 2 ? a.get(2) : null;
                yield derived(KType.DYNAMIC, row -> {
                    String str = (String) s.eval(row);
                    String d = (String) delim.eval(row);
                    ArrayNode out = Values.NODES.arrayNode();
                    if (d.isEmpty()) {
                        out.add(str);
                    } else {
                        int from = 0;
                        for (int i = StringOps.indexOf(str, d, 0); i >= 0; i = StringOps.indexOf(str, d, from)) {
                            out.add(str.substring(from, i));
                            from = i + d.length();
                        }
                        out.add(str.substring(from));
                    }
                    if (index == null) {
                        return out;
                    }
                    Long i = Values.toLong(index.eval(row));
                    ArrayNode one = Values.NODES.arrayNode();
                    if (i != null && i >= 0 && i < out.size()) {
                        one.add(out.get(i.intValue()));
                    }
                    return one;
                }, a);
            }
            case "now" -> {
                count(c, 0, 1);
                Scalar offset = a.isEmpty() ? null : a.get(0);
                yield Scalar.of(KType.DATETIME, row -> {
                    Instant now = EventClock.now();
                    if (offset == null) {
                        return now;
                    }
                    Duration d = Values.toTimespan(offset.eval(row));
                    return d == null ? null : now.plus(d);
                });
            }
            case "ago" -> {
                count(c, 1, 1);
                Scalar span = a.get(0);
                yield Scalar.of(KType.DATETIME, row -> {
                    Duration d = Values.toTimespan(span.eval(row));
                    return d == null ? null : EventClock.now().minus(d);
                });
            }
            case "array_length" -> {
                count(c, 1, 1);
                Scalar s = dynamicArg(c, a, 0);
                yield derived(KType.LONG, row -> s.eval(row) instanceof JsonNode n && n.isArray() ? (Object) (long) n.size()
                        : null, s);
            }
            case "pack_array" -> {
                count(c, 1, 64);
                yield derived(KType.DYNAMIC, row -> {
                ArrayNode out = Values.NODES.arrayNode();
                for (Scalar s : a) {
                    out.add(Values.toJson(s.eval(row)));
                }
                return out;
            }, a);
            }
            case "pack", "bag_pack" -> {
                if (a.size() % 2 != 0) {
                    throw error(f + "() takes pairs of key and value", at);
                }
                for (int i = 0; i < a.size(); i += 2) {
                    if (a.get(i).type() != KType.STRING) {
                        throw ExprCompiler.argError(f + "(): argument " + (i + 1) + " is a key, which must be a string,"
                                + " not " + a.get(i).type().kustoName(), c, i);
                    }
                }
                yield derived(KType.DYNAMIC, row -> {
                    ObjectNode out = Values.NODES.objectNode();
                    for (int i = 0; i < a.size(); i += 2) {
                        out.set(Values.toStringValue(a.get(i).eval(row)), Values.toJson(a.get(i + 1).eval(row)));
                    }
                    return out;
                }, a);
            }
            case "abs" -> {
                count(c, 1, 1);
                Scalar s = a.get(0);
                yield switch (s.type()) {
                    case INT, LONG -> derived(KType.LONG, row -> {
                        Long v = Values.toLong(s.eval(row));
                        return v == null ? null : Math.abs(v);
                    }, s);
                    case TIMESPAN -> derived(KType.TIMESPAN, row -> {
                        Duration v = (Duration) s.eval(row);
                        return v == null ? null : v.abs();
                    }, s);
                    case REAL -> derived(KType.REAL, row -> {
                        Double v = (Double) s.eval(row);
                        return v == null ? null : Math.abs(v);
                    }, s);
                    default -> throw ExprCompiler.argError("abs(): argument 1 must be a number (int, long or real) or"
                            + " a timespan, not " + s.type().kustoName(), c, 0);
                };
            }
            case "parse_xml" -> {
                count(c, 1, 1);
                Scalar s = stringOrDynamic(c, a, 0);
                yield derived(KType.DYNAMIC, row -> {
                    Object v = s.eval(row);
                    String text = v instanceof String str ? str : v instanceof JsonNode n && n.isTextual() ? n.textValue() : null;
                    return text == null ? null : Xml.parse(text);
                }, s);
            }
            case "parse_cef_dictionary" -> {
                count(c, 1, 1);
                Scalar s = ExprCompiler.text(stringOrDynamic(c, a, 0));
                yield derived(KType.DYNAMIC, row -> Cef.parse((String) s.eval(row)), s);
            }
            case "geo_location" -> throw error("geo_location() is not supported: it needs an IP geolocation database,"
                    + " which this pipeline does not ship", at);
            default -> {
                Scalar more = MoreFunctions.compile(f, c, a);
                if (more != null) {
                    yield more;
                }
                throw error("unknown function " + f + "() (transformations allow the scalar functions Azure lists for"
                        + " them, and user-defined ones)", at);
            }
        };
    }

    /** Argument {@code i}, which must be dynamic. */
    static Scalar dynamicArg(Call c, List<Scalar> a, int i) {
        Scalar s = a.get(i);
        if (s.type() != KType.DYNAMIC) {
            throw ExprCompiler.argError(c.function() + "(): argument " + (i + 1) + " must be dynamic, not "
                    + s.type().kustoName(), c, i);
        }
        return s;
    }

    /** Argument {@code i}, which must be a string or dynamic. */
    private static Scalar stringOrDynamic(Call c, List<Scalar> a, int i) {
        Scalar s = a.get(i);
        if (s.type() != KType.STRING && s.type() != KType.DYNAMIC) {
            throw ExprCompiler.argError(c.function() + "(): argument " + (i + 1) + " must be a string or dynamic, not "
                    + s.type().kustoName(), c, i);
        }
        return s;
    }

    private static Scalar columnIfExists(Call c, ExprCompiler x) {
        count(c, 2, 2);
        if (!(c.args().get(0) instanceof Ast.Literal l) || l.token().kind() != Token.Kind.STRING) {
            throw ExprCompiler.argError(c.function() + "() takes the column name as a string literal", c, 0);
        }
        Scalar fallback = x.compile(c.args().get(1));
        int i = x.schema().indexOf(l.token().text());
        if (i < 0) {
            return fallback;
        }
        KType t = x.schema().type(i);
        if (t != fallback.type() && fallback.type() != KType.DYNAMIC) {
            Scalar.Eval read = row -> Values.convert(Values.read(row, i), fallback.type());
            return Scalar.of(fallback.type(), read);
        }
        return Scalar.of(t, row -> Values.read(row, i));
    }

    /**
     * {@code int(null)}, {@code string(null)}...; and a number literal of a numeric type, {@code real(1)},
     * {@code int(-2)}, {@code long(-1)} (the type pages' literals).
     */
    private static Scalar typedNull(Call c) {
        KType t = KType.named(c.function());
        if (c.args().size() == 1 && t.numeric() && numberLiteral(c.args().get(0))) {
            return Scalar.constant(t, Values.convert(ExprCompiler.literalNumber(c.args().get(0)), t));
        }
        if (c.args().size() != 1 || !(c.args().get(0) instanceof Ast.Name n) || !n.name().equals("null")) {
            throw error(c.function() + "(...) takes null or a literal; use to" + c.function() + "() to convert", c.at());
        }
        return Scalar.constant(t, t == KType.STRING ? "" : null);
    }

    /** A number literal, or one with a unary minus or plus. */
    private static boolean numberLiteral(Expr e) {
        Expr inner = e instanceof Ast.Unary u ? u.operand() : e;
        return inner instanceof Ast.Literal l
                && (l.token().kind() == Token.Kind.LONG || l.token().kind() == Token.Kind.REAL);
    }

    /**
     * {@code iif} and {@code case}: the values' common type, dynamic ones left out (Kusto's "common non-dynamic"
     * type: {@code iif(c, d.x, "a")} is a string), or dynamic when all are; values of other types are an error at
     * the first that differs.
     */
    private static Scalar conditional(Call c, List<Scalar> a) {
        KType type = null;
        for (int i = 1; i < a.size(); i += 2) {
            type = unify(type, a.get(i).type(), c, i);
        }
        type = unify(type, a.get(a.size() - 1).type(), c, a.size() - 1);
        KType result = type;
        return derived(result, row -> {
            for (int i = 0; i + 1 < a.size(); i += 2) {
                if (Boolean.TRUE.equals(Values.toBool(a.get(i).eval(row)))) {
                    return Values.convert(a.get(i + 1).eval(row), result);
                }
            }
            return Values.convert(a.get(a.size() - 1).eval(row), result);
        }, a);
    }

    private static KType unify(KType a, KType b, Call c, int index) {
        if (a == null || a == b || a == KType.DYNAMIC) {
            return b;
        }
        if (b == KType.DYNAMIC) {
            return a;
        }
        if (a.numeric() && b.numeric()) {
            return KType.widerNumber(a, b);
        }
        throw ExprCompiler.argError("the branches have different types: " + a.kustoName() + " and " + b.kustoName(),
                c, index);
    }

    /** Null, an empty string, or a dynamic null or empty string ({@code parse_json("")}). */
    private static boolean empty(Object v) {
        return v == null || (v instanceof String s && s.isEmpty()) || (v instanceof JsonNode n
                && (n.isNull() || n.isMissingNode() || n.isTextual() && n.textValue().isEmpty()));
    }

    private static Scalar test(Call c, List<Scalar> a, java.util.function.Predicate<Object> p) {
        count(c, 1, 1);
        Scalar s = a.get(0);
        return derived(KType.BOOL, row -> p.test(s.eval(row)), s);
    }

    private static Scalar convert(Call c, List<Scalar> a, KType to) {
        count(c, 1, 1);
        Scalar s = a.get(0);
        return derived(to, row -> Values.convert(s.eval(row), to), s);
    }

    private interface StringFn {
        Object apply(String s, Object[] rest);
    }

    private static Scalar string(Call c, List<Scalar> a, int min, int max, StringFn fn, KType result) {
        count(c, min, max);
        Scalar s = ExprCompiler.text(a.get(0));
        List<Scalar> rest = a.subList(1, a.size());
        return derived(result, row -> {
            Object[] r = new Object[rest.size()];
            for (int i = 0; i < r.length; i++) {
                r[i] = rest.get(i).eval(row);
            }
            return fn.apply((String) s.eval(row), r);
        }, a);
    }

    private static Scalar bool(Scalar s, Call c, int position) {
        if (s.type() != KType.BOOL && s.type() != KType.DYNAMIC) {
            throw ExprCompiler.argError(c.function() + "(): argument " + position + " must be a bool, not "
                    + s.type().kustoName(), c, position - 1);
        }
        return s;
    }

    static void count(Call c, int min, int max) {
        int n = c.args().size();
        if (n < min || n > max) {
            throw error(c.function() + "() takes " + (min == max ? min : min + " to " + max) + " argument"
                    + (max == 1 ? "" : "s") + ", not " + n, c.at());
        }
    }

    private static String typeName(Object v, KType declared) {
        if (declared != KType.DYNAMIC) {
            return declared.kustoName();
        }
        if (v == null) {
            return "null";
        }
        JsonNode n = (JsonNode) v;
        if (n.isArray()) {
            return "array";
        }
        if (n.isObject()) {
            return "dictionary";
        }
        if (n.isIntegralNumber()) {
            // as the value came: JSON text's small integers are int (gettype(parse_json('1')) is int on Kusto's
            // page), a long put in a dynamic stays long (dynamic(4) holds the long literal 4)
            return n.isInt() ? "int" : "long";
        }
        if (n.isNumber()) {
            return "real";
        }
        if (n.isBoolean()) {
            return "bool";
        }
        return "string";
    }
}
