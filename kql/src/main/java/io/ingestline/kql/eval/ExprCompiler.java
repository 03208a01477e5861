package io.ingestline.kql.eval;

import com.fasterxml.jackson.databind.JsonNode;
import io.ingestline.kql.KqlCompileException;
import io.ingestline.kql.syntax.Ast;
import io.ingestline.kql.syntax.Ast.Expr;
import io.ingestline.kql.syntax.Token;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Compiles scalar expressions against a schema into {@link Scalar}s, with Kusto's static types: a column that does not
 * exist, operands that cannot be compared, a function with the wrong arguments are compile errors; nulls propagate
 * as Kusto documents (arithmetic with null is null; {@code ==} between a null and a value is false, {@code !=} true,
 * between two nulls null; {@code and}/{@code or} are three-valued).
 */
final class ExprCompiler {
    private final Schema schema;
    private final Map<String, Scalar> lets;
    private final UserFunctions functions;

    ExprCompiler(Schema schema, Map<String, Scalar> lets) {
        this(schema, lets, UserFunctions.NONE);
    }

    /** @param functions the user-defined functions ({@code let f = (a:long) { ... };}) in scope */
    ExprCompiler(Schema schema, Map<String, Scalar> lets, UserFunctions functions) {
        this.schema = schema;
        this.lets = lets;
        this.functions = functions;
    }

    Scalar compile(Expr e) {
        Scalar s;
        try {
            s = compileRaw(e);
        } catch (KqlRuntimeException failed) {
            // a constant argument read now (a regular expression, a kind, a rewrite) that did not fold: its error
            throw constantFailed(failed, Ast.start(e));
        }
        if (s.constant() && !(e instanceof Ast.Literal)) {
            // fold: evaluate once now, unless it fails (then it fails per event, with its reason)
            try {
                return Scalar.constant(s.type(), s.value());
            } catch (KqlRuntimeException ignored) {
                return s;
            }
        }
        return s;
    }

    private Scalar compileRaw(Expr e) {
        if (e instanceof Ast.Literal l) {
            return literal(l.token());
        }
        if (e instanceof Ast.Name n) {
            int i = schema.indexOf(n.name());
            if (i >= 0) {
                KType t = schema.type(i);
                return Scalar.of(t, row -> Values.read(row, i));
            }
            Scalar let = lets.get(n.name());
            if (let != null) {
                return let;
            }
            if (functions.defines(n.name()) && !lets.containsKey(n.name())) {
                // a function of no arguments may be called by its name alone
                return functions.call(new Ast.Call(n.name(), List.of(), n.at()), this);
            }
            if (lets.containsKey(n.name())) {
                throw error("'" + n.name() + "' is a datatable, and a transformation has no operator that reads a table"
                        + " (join, lookup and union are not allowed)", n.at());
            }
            throw error("there is no column or let name '" + n.name() + "' (columns: " + schema.names() + ")", n.at());
        }
        if (e instanceof Ast.Member m) {
            Scalar target = dynamic(compile(m.target()), m.at(), "member access");
            String name = m.name();
            return Scalar.of(KType.DYNAMIC, row -> {
                Object v = target.eval(row);
                return v instanceof JsonNode n && n.isObject() ? nullIfMissing(n.get(name)) : null;
            });
        }
        if (e instanceof Ast.Index x) {
            Scalar target = dynamic(compile(x.target()), x.at(), "indexing");
            Scalar index = compile(x.index());
            return Scalar.of(KType.DYNAMIC, row -> {
                Object v = target.eval(row);
                Object i = Values.scalar(index.eval(row));
                if (v instanceof JsonNode n) {
                    if (n.isArray() && (i instanceof Long || i instanceof Integer)) {
                        int at = ((Number) i).intValue();
                        return nullIfMissing(n.get(at < 0 ? n.size() + at : at));
                    }
                    if (n.isObject() && i instanceof String k) {
                        return nullIfMissing(n.get(k));
                    }
                }
                return null;
            });
        }
        if (e instanceof Ast.Unary u) {
            Scalar operand = compile(u.operand());
            if (u.op().equals("+")) {
                return operand;
            }
            return switch (operand.type()) {
                case INT -> derived(KType.INT, row -> {
                    Object v = operand.eval(row);
                    return v == null ? null : -((Integer) v);
                }, operand);
                case LONG -> derived(KType.LONG, row -> {
                    Object v = operand.eval(row);
                    return v == null ? null : -((Long) v);
                }, operand);
                case REAL, DYNAMIC -> derived(KType.REAL, row -> {
                    Double v = Values.toReal(operand.eval(row));
                    return v == null ? null : -v;
                }, operand);
                case TIMESPAN -> derived(KType.TIMESPAN, row -> {
                    Object v = operand.eval(row);
                    return v == null ? null : ((Duration) v).negated();
                }, operand);
                default -> throw error("'-' needs a number or a timespan, not " + operand.type().kustoName(), u.at());
            };
        }
        if (e instanceof Ast.Binary b) {
            return binary(b);
        }
        if (e instanceof Ast.In in) {
            return in(in);
        }
        if (e instanceof Ast.Between bt) {
            return between(bt);
        }
        if (e instanceof Ast.Call c) {
            if (functions.defines(c.function())) {
                return functions.call(c, this);
            }
            for (int i = 0; i < c.args().size(); i++) {
                if (c.args().get(i) instanceof Ast.NamedArg) {
                    throw argError(c.function() + "() takes no named arguments (only a user-defined function does)",
                            c, i);
                }
            }
            return Functions.compile(c, this);
        }
        if (e instanceof Ast.NamedArg n) {
            throw error("a named argument is only for a user-defined function's call", n.at());
        }
        if (e instanceof Ast.Function f) {
            throw error("a function is defined by a let statement, not used as a value", f.at());
        }
        if (e instanceof Ast.Datatable d) {
            throw error("a datatable is a table, not a value", d.at());
        }
        throw new IllegalStateException(e.getClass().getName());
    }

    /** The schema, for {@code columnifexists}. */
    Schema schema() {
        return schema;
    }

    // --- literals

    /** The value of a number literal, with its sign ({@link Functions}' {@code real(-1)}). */
    static Object literalNumber(Expr e) {
        boolean minus = e instanceof Ast.Unary u && u.op().equals("-");
        Object v = literal(((Ast.Literal) (e instanceof Ast.Unary u ? u.operand() : e)).token()).value();
        return !minus ? v : v instanceof Long l ? (Object) (-l) : (Object) (-(Double) v);
    }

    static Scalar literal(Token t) {
        return switch (t.kind()) {
            case LONG -> Scalar.constant(KType.LONG, parseLong(t));
            case REAL -> Scalar.constant(KType.REAL, Double.parseDouble(t.text()));
            case STRING -> Scalar.constant(KType.STRING, t.text());
            case TIMESPAN -> Scalar.constant(KType.TIMESPAN, Values.parseTimespan(t.text()));
            case IDENT -> Scalar.constant(KType.BOOL, Boolean.parseBoolean(t.text()));
            case TYPED_LITERAL -> typed(t);
            default -> throw error("not a literal", t);
        };
    }

    private static long parseLong(Token t) {
        String text = t.text();
        try {
            return text.startsWith("0x") || text.startsWith("0X") ? Long.parseUnsignedLong(text.substring(2), 16)
                    : Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw error("the number does not fit in a long", t);
        }
    }

    private static Scalar typed(Token t) {
        String inner = t.inner();
        KType type = KType.named(t.text());
        if (inner.equals("null")) {
            return Scalar.constant(type, null);
        }
        if (inner.isEmpty() && type == KType.DATETIME) {
            // datetime(): the current time, as now() (the same instant)
            return Scalar.of(KType.DATETIME, row -> EventClock.now());
        }
        Object v = switch (type) {
            case DATETIME -> Literals.dateTime(unquote(inner));
            case TIMESPAN -> Literals.timespan(unquote(inner));
            case GUID -> Values.parseGuid(unquote(inner));
            case DYNAMIC -> dynamicLiteral(withTypedLiterals(inner, t), t);
            default -> Literals.scalar(type, inner);
        };
        if (v == null) {
            throw error("not a valid " + type.kustoName() + " literal" + (type.numeric() || type == KType.BOOL
                    ? "; to" + t.text() + "() converts a value" : ""), t);
        }
        return Scalar.constant(type, v);
    }

    /** How deep typed literals may nest inside a {@code dynamic(...)} literal (each level is read recursively). */
    private static final int MAX_LITERAL_NESTING = 20;

    /** A dynamic literal's text with the typed literals in it ({@code datetime(...)}, ...) as their JSON values. */
    private static String withTypedLiterals(String inner, Token t) {
        if (Literals.nestedTypedLiterals(inner) > MAX_LITERAL_NESTING) {
            throw error("typed literals nested more than " + MAX_LITERAL_NESTING + " deep in a dynamic literal", t);
        }
        return Literals.dynamicJson(inner,
                (word, in) -> typed(new Token(Token.Kind.TYPED_LITERAL, word, in, t.line(), t.column())).value());
    }

    private static String unquote(String s) {
        String t = s.strip();
        if (t.length() >= 2 && (t.charAt(0) == '"' || t.charAt(0) == '\'') && t.charAt(t.length() - 1) == t.charAt(0)) {
            return t.substring(1, t.length() - 1);
        }
        return t;
    }

    private static JsonNode dynamicLiteral(String inner, Token t) {
        try {
            // Kusto's dynamic literals also take single-quoted strings; their integers are long literals
            // (gettype(dynamic(4)) is long, where parse_json('4') gives int)
            return Values.MAPPER.reader().with(com.fasterxml.jackson.core.json.JsonReadFeature.ALLOW_SINGLE_QUOTES)
                    .with(com.fasterxml.jackson.databind.DeserializationFeature.USE_LONG_FOR_INTS).readTree(inner);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw error("not a valid dynamic literal: " + e.getOriginalMessage(), t);
        } catch (java.io.IOException e) {
            throw error("not a valid dynamic literal", t);
        }
    }

    // --- operators

    private Scalar binary(Ast.Binary b) {
        Scalar l = compile(b.left());
        Scalar r = compile(b.right());
        String op = b.op();
        return switch (op) {
            case "and", "or" -> logical(op, l, r, b.at());
            case "+", "-", "*", "/", "%" -> Arithmetic.compile(op, l, r, b.at());
            case "==", "!=", "<", "<=", ">", ">=" -> comparison(op, l, r, b.at());
            case "=~", "!~" -> {
                Scalar eq = stringOp(l, r, (a, c) -> a.equalsIgnoreCase(c));
                yield op.equals("=~") ? eq : not(eq);
            }
            case "matches regex" -> matches(l, r, b.at());
            default -> StringOps.compile(op, l, r, b.at());
        };
    }

    private static Scalar logical(String op, Scalar l, Scalar r, Token at) {
        Scalar a = bool(l, at, op);
        Scalar c = bool(r, at, op);
        boolean and = op.equals("and");
        return derived(KType.BOOL, row -> {
            Boolean x = Values.toBool(a.eval(row));
            if (x != null && x != and) {
                return !and; // false and ... / true or ...
            }
            Boolean y = Values.toBool(c.eval(row));
            if (y != null && y != and) {
                return !and;
            }
            return x == null || y == null ? null : and;
        }, l, r);
    }

    private Scalar comparison(String op, Scalar l, Scalar r, Token at) {
        KType common = Compare.common(l.type(), r.type());
        if (common == null) {
            throw error("cannot compare " + l.type().kustoName() + " with " + r.type().kustoName()
                    + "; convert one side (tostring(), tolong(), todatetime(), ...)", at);
        }
        return derived(KType.BOOL, row -> {
            Object x = Compare.as(l.eval(row), common);
            Object y = Compare.as(r.eval(row), common);
            if (x == null || y == null) {
                if (op.equals("==")) {
                    return x == null && y == null ? null : Boolean.FALSE;
                }
                if (op.equals("!=")) {
                    return x == null && y == null ? null : Boolean.TRUE;
                }
                return null;
            }
            int c = Compare.compare(x, y);
            return switch (op) {
                case "==" -> c == 0;
                case "!=" -> c != 0;
                case "<" -> c < 0;
                case "<=" -> c <= 0;
                case ">" -> c > 0;
                default -> c >= 0;
            };
        }, l, r);
    }

    private Scalar in(Ast.In in) {
        Scalar left = compile(in.left());
        List<Scalar> items = new ArrayList<>();
        for (Expr item : in.items()) {
            items.add(compile(item));
        }
        boolean ignoreCase = in.ignoreCase();
        boolean negated = in.negated();
        return derived(KType.BOOL, row -> {
            Object x = Values.scalar(left.eval(row));
            boolean found = false;
            if (x != null) {
                for (Scalar s : items) {
                    Object v = s.eval(row);
                    if (v instanceof JsonNode n && n.isArray()) {
                        for (JsonNode element : n) {
                            found |= same(x, Values.scalar(element), ignoreCase);
                        }
                    } else {
                        found |= same(x, Values.scalar(v), ignoreCase);
                    }
                    if (found) {
                        break;
                    }
                }
            }
            return found != negated;
        }, concat(left, items));
    }

    private static boolean same(Object x, Object y, boolean ignoreCase) {
        if (y == null) {
            return false;
        }
        if (x instanceof String || y instanceof String) {
            String a = Values.toStringValue(x);
            String b = Values.toStringValue(y);
            return ignoreCase ? a.equalsIgnoreCase(b) : a.equals(b);
        }
        KType t = Compare.common(Compare.typeOf(x), Compare.typeOf(y));
        return t != null && Compare.compare(Compare.as(x, t), Compare.as(y, t)) == 0;
    }

    private Scalar between(Ast.Between b) {
        Scalar x = compile(b.left());
        Scalar low = compile(b.low());
        Scalar high = compile(b.high());
        Scalar ge = comparison(">=", x, low, b.at());
        Scalar le = comparison("<=", x, high, b.at());
        Scalar both = logical("and", ge, le, b.at());
        return b.negated() ? not(both) : both;
    }

    private static Scalar matches(Scalar l, Scalar r, Token at) {
        if (!r.constant() || r.type() != KType.STRING) {
            throw error("matches regex needs a constant string pattern", at);
        }
        Regex p = Regex.compile((String) r.value(), "", at);
        if (p.groupCount() > 16) {
            throw error("matches regex: a regular expression has at most 16 groups, not " + p.groupCount(), at);
        }
        Scalar s = text(l);
        return derived(KType.BOOL, row -> p.matcher((String) s.eval(row)).find(), l);
    }

    // --- helpers shared with the functions

    /** A string operand: strings as they are, other values as {@code tostring} gives them. */
    static Scalar text(Scalar s) {
        if (s.type() == KType.STRING) {
            return s;
        }
        return derived(KType.STRING, row -> Values.toStringValue(s.eval(row)), s);
    }

    static Scalar stringOp(Scalar l, Scalar r, java.util.function.BiPredicate<String, String> test) {
        Scalar a = text(l);
        Scalar b = text(r);
        return derived(KType.BOOL, row -> test.test((String) a.eval(row), (String) b.eval(row)), a, b);
    }

    static Scalar not(Scalar s) {
        return derived(KType.BOOL, row -> {
            Object v = s.eval(row);
            return v == null ? null : !(Boolean) v;
        }, s);
    }

    static Scalar bool(Scalar s, Token at, String what) {
        if (s.type() != KType.BOOL && s.type() != KType.DYNAMIC) {
            throw error("'" + what + "' needs bool operands, not " + s.type().kustoName(), at);
        }
        return s;
    }

    static Scalar dynamic(Scalar s, Token at, String what) {
        if (s.type() != KType.DYNAMIC) {
            throw error(what + " needs a dynamic value, not " + s.type().kustoName()
                    + " (parse_json() or todynamic() makes one)", at);
        }
        return s;
    }

    /** A scalar computed from others: constant when they all are. */
    static Scalar derived(KType type, Scalar.Eval eval, Scalar... from) {
        boolean constant = true;
        for (Scalar f : from) {
            constant &= f.constant();
        }
        return new Scalar(type, eval, constant);
    }

    /**
     * A name's value (a {@code let}, a user-defined function's parameter) as read where the name is used: computed
     * there each time, so names that read the one before twice, or nested calls of a function that reads its
     * parameter twice, do work exponential in the rule's text. Each read checks the budget; a constant is as it is.
     */
    static Scalar checked(Scalar s) {
        if (s == null || s.constant()) {
            return s;
        }
        return new Scalar(s.type(), row -> {
            Budget.check();
            return s.eval(row);
        }, false);
    }

    static Scalar derived(KType type, Scalar.Eval eval, List<Scalar> from) {
        return derived(type, eval, from.toArray(new Scalar[0]));
    }

    private static List<Scalar> concat(Scalar first, List<Scalar> rest) {
        List<Scalar> all = new ArrayList<>(rest.size() + 1);
        all.add(first);
        all.addAll(rest);
        return all;
    }

    private static Object nullIfMissing(JsonNode n) {
        return n == null || n.isNull() || n.isMissingNode() ? null : n;
    }

    /** A constant that a compile needed and that could not be computed, as the compile's error at {@code at}. */
    static KqlCompileException constantFailed(KqlRuntimeException failed, Token at) {
        return error(failed instanceof Budget.OverBudget
                ? "the rule's constants take more than " + Pipeline.FOLD_BUDGET.toMillis() + " ms to compute"
                : "a constant here cannot be computed: " + failed.getMessage(), at);
    }

    static KqlCompileException error(String problem, Token at) {
        return new KqlCompileException(problem, at.line(), at.column(), at.shown());
    }

    /** An error about the {@code index}th (from 0) argument of a call, at that argument's first token. */
    static KqlCompileException argError(String problem, Ast.Call c, int index) {
        return error(problem, index < c.args().size() ? Ast.start(c.args().get(index)) : c.at());
    }

    /** Comparison rules: which types compare, and how. */
    static final class Compare {
        private Compare() {
        }

        /** The type both sides are compared as, or null when Kusto refuses to compare them. */
        static KType common(KType a, KType b) {
            if (a == KType.DYNAMIC && b == KType.DYNAMIC) {
                return KType.DYNAMIC;
            }
            if (a == KType.DYNAMIC) {
                return b;
            }
            if (b == KType.DYNAMIC) {
                return a;
            }
            if (a.numeric() && b.numeric()) {
                return KType.widerNumber(a, b);
            }
            return a == b ? a : null;
        }

        static KType typeOf(Object v) {
            if (v instanceof Boolean) {
                return KType.BOOL;
            }
            if (v instanceof Integer) {
                return KType.INT;
            }
            if (v instanceof Long) {
                return KType.LONG;
            }
            if (v instanceof Double) {
                return KType.REAL;
            }
            if (v instanceof String) {
                return KType.STRING;
            }
            if (v instanceof Instant) {
                return KType.DATETIME;
            }
            if (v instanceof Duration) {
                return KType.TIMESPAN;
            }
            if (v instanceof java.util.UUID) {
                return KType.GUID;
            }
            return KType.DYNAMIC;
        }

        static Object as(Object v, KType t) {
            if (v == null) {
                return null;
            }
            if (t == KType.DYNAMIC) {
                Object s = Values.scalar(v);
                return s instanceof JsonNode n ? n.toString() : s;
            }
            return Values.convert(v, t == KType.INT ? KType.LONG : t);
        }

        @SuppressWarnings({"unchecked", "rawtypes"})
        static int compare(Object x, Object y) {
            if (x instanceof Number a && y instanceof Number b && !(x.getClass().equals(y.getClass()))) {
                return Double.compare(a.doubleValue(), b.doubleValue());
            }
            if (x instanceof Comparable c && x.getClass().equals(y.getClass())) {
                return c.compareTo(y);
            }
            return Objects.equals(x, y) ? 0 : Values.toStringValue(x).compareTo(Values.toStringValue(y));
        }
    }
}
