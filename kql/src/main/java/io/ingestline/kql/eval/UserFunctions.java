package io.ingestline.kql.eval;

import static io.ingestline.kql.eval.ExprCompiler.argError;
import static io.ingestline.kql.eval.ExprCompiler.derived;
import static io.ingestline.kql.eval.ExprCompiler.error;

import io.ingestline.kql.KqlCompileException;
import io.ingestline.kql.syntax.Ast;
import io.ingestline.kql.syntax.Ast.Call;
import io.ingestline.kql.syntax.Ast.Param;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The user-defined functions of a query ({@code let f = (a:long, b:long = 2) { a * b };}), scalar ones only: Azure
 * allows no tabular operator that could take or give a table. A call is compiled in place: each argument once, bound
 * to its parameter (checked against the parameter's type, a number converted to the parameter's numeric type), then
 * the body against the names in scope where the function was defined, so a call costs per event what its body does.
 * A parameter or a body's {@code let} is computed where it is read, each read checking the budget
 * ({@link ExprCompiler#checked}).
 * Immutable: a {@code let} gives a new instance; the count of calls compiled is shared by a query's instances.
 */
final class UserFunctions {
    /** No functions. */
    static final UserFunctions NONE = new UserFunctions(Map.of(), new Compiled());
    /**
     * The most calls of user-defined functions one query may compile: a function calling an earlier one twice, and so
     * on, doubles the work with each level.
     */
    static final int MAX_CALLS = 2_000;
    /**
     * The most nodes of user-defined functions' bodies one query may compile through its calls: a call compiles its
     * function's body in place, so a large body called up to {@link #MAX_CALLS} times would compile millions of nodes
     * (seconds of the admin API's time, and the heap to hold them). Two thousand calls of 100-node bodies fit.
     */
    static final long MAX_NODES = 200_000;
    private static final Schema NO_COLUMNS = new Schema(List.of(), List.of());

    /**
     * A function, with the names and functions in scope where it was defined; the error its body gave when checked
     * with placeholder arguments (or null), and whether a call was compiled.
     */
    private record Definition(Ast.Function function, Map<String, Scalar> lets, UserFunctions scope,
            KqlCompileException unchecked, boolean[] called, long nodes) {
    }

    /** What a query's calls compiled: calls, and nodes of the bodies they compiled. */
    private static final class Compiled {
        int calls;
        long nodes;
    }

    private final Map<String, Definition> definitions;
    private final Compiled calls;

    private UserFunctions(Map<String, Definition> definitions, Compiled calls) {
        this.definitions = definitions;
        this.calls = calls;
    }

    /** Functions for a new query: none yet, and a fresh count of calls. */
    static UserFunctions empty() {
        return new UserFunctions(Map.of(), new Compiled());
    }

    boolean defines(String name) {
        return definitions.containsKey(name);
    }

    /**
     * These functions and {@code f} as {@code name}, its parameters checked now (types that exist, literal defaults
     * of their parameter's type), and its body compiled with a placeholder of each parameter's type: an error there
     * is reported by {@link #checkUncalled} if no call compiles the function.
     *
     * @param lets the scalar {@code let} names in scope (copied)
     */
    UserFunctions define(String name, Ast.Function f, Map<String, Scalar> lets) {
        Map<String, Scalar> scope = new HashMap<>(lets);
        scope.remove(name);
        Map<String, Scalar> params = new HashMap<>(scope);
        for (Param p : f.params()) {
            KType t = KType.named(p.type());
            if (t == null) {
                throw error("unknown type " + p.type() + " for parameter " + p.name(), p.at());
            }
            if (p.defaultValue() != null) {
                Scalar d = new ExprCompiler(NO_COLUMNS, scope, this).compile(p.defaultValue());
                if (!d.constant()) {
                    throw error("a parameter's default value must be a literal", Ast.start(p.defaultValue()));
                }
                convert(p, t, d, () -> error("the default value of " + p.name() + " is " + d.type().kustoName()
                        + ", not " + t.kustoName(), Ast.start(p.defaultValue())));
            }
            params.put(p.name(), Scalar.of(t, row -> null));
        }
        Map<String, Definition> all = new HashMap<>(definitions);
        all.remove(name);
        UserFunctions outer = new UserFunctions(Map.copyOf(all), calls);
        KqlCompileException unchecked = null;
        try {
            body(f, params, outer);
        } catch (KqlCompileException e) {
            // kept: a body may need a constant argument (a regular expression, say) that a call gives
            unchecked = e;
        }
        all.put(name, new Definition(f, java.util.Collections.unmodifiableMap(scope), outer, unchecked,
                new boolean[1], nodes(f)));
        return new UserFunctions(Map.copyOf(all), calls);
    }

    /**
     * Reports the error of a function whose body did not compile with placeholder arguments and that no call
     * compiled: its body is wrong whatever it is given. (A called function's errors came from its calls.)
     */
    void checkUncalled() {
        for (Definition d : definitions.values()) {
            if (d.unchecked() != null && !d.called()[0]) {
                throw d.unchecked();
            }
        }
    }

    /** These functions without {@code name}: a later scalar {@code let} of that name hides it. */
    UserFunctions without(String name) {
        if (!definitions.containsKey(name)) {
            return this;
        }
        Map<String, Definition> all = new HashMap<>(definitions);
        all.remove(name);
        return new UserFunctions(Map.copyOf(all), calls);
    }

    /** A call, compiled in place; its arguments are compiled by {@code caller}. */
    Scalar call(Call c, ExprCompiler caller) {
        Definition d = definitions.get(c.function());
        d.called()[0] = true;
        if (++calls.calls > MAX_CALLS) {
            throw error("more than " + MAX_CALLS + " calls of user-defined functions in one query", c.at());
        }
        calls.nodes += d.nodes();
        if (calls.nodes > MAX_NODES) {
            throw error("the calls compile more than " + MAX_NODES + " nodes of user-defined functions' bodies in one"
                    + " query (each call compiles its function's body)", c.at());
        }
        List<Param> params = d.function().params();
        Scalar[] bound = new Scalar[params.size()];
        boolean named = false;
        for (int i = 0; i < c.args().size(); i++) {
            Ast.Expr arg = c.args().get(i);
            int p;
            if (arg instanceof Ast.NamedArg n) {
                named = true;
                p = indexOf(params, n.name());
                if (p < 0) {
                    throw argError(c.function() + "() has no parameter " + n.name(), c, i);
                }
                arg = n.value();
            } else if (named) {
                throw argError("an argument without a name after a named one", c, i);
            } else if (i >= params.size()) {
                throw argError(c.function() + "() takes " + params.size() + " arguments, not " + c.args().size(), c, i);
            } else {
                p = i;
            }
            if (bound[p] != null) {
                throw argError(c.function() + "(): " + params.get(p).name() + " is given twice", c, i);
            }
            Param param = params.get(p);
            KType t = KType.named(param.type());
            Scalar v = caller.compile(arg);
            int at = i;
            bound[p] = convert(param, t, v, () -> argError(c.function() + "(): " + param.name() + " is "
                    + t.kustoName() + ", not " + v.type().kustoName(), c, at));
        }
        Map<String, Scalar> scope = new HashMap<>(d.lets());
        for (int p = 0; p < params.size(); p++) {
            Param param = params.get(p);
            if (bound[p] == null) {
                if (param.defaultValue() == null) {
                    throw error(c.function() + "() needs its argument " + param.name() + ":" + param.type(), c.at());
                }
                KType t = KType.named(param.type());
                Scalar v = new ExprCompiler(NO_COLUMNS, d.lets(), d.scope()).compile(param.defaultValue());
                bound[p] = convert(param, t, v, () -> new IllegalStateException("checked when defined"));
            }
            scope.put(param.name(), ExprCompiler.checked(bound[p]));
        }
        return body(d.function(), scope, d.scope());
    }

    /** The body: its own {@code let} statements in order, then its expression, over no columns. */
    private static Scalar body(Ast.Function f, Map<String, Scalar> scope, UserFunctions functions) {
        Map<String, Scalar> names = new HashMap<>(scope);
        UserFunctions fns = functions;
        for (Ast.Let let : f.lets()) {
            if (let.value() instanceof Ast.Function inner) {
                fns = fns.define(let.name(), inner, names);
                names.remove(let.name());
            } else {
                Scalar value = new ExprCompiler(NO_COLUMNS, names, fns).compile(let.value());
                names.put(let.name(), ExprCompiler.checked(value));
                fns = fns.without(let.name());
            }
        }
        return new ExprCompiler(NO_COLUMNS, names, fns).compile(f.body());
    }

    /** The value as the parameter's type: as it is, or a number converted to another numeric type. */
    private static Scalar convert(Param p, KType t, Scalar v, java.util.function.Supplier<RuntimeException> wrong) {
        if (v.type() == t) {
            return v;
        }
        if (t.numeric() && v.type().numeric()) {
            return derived(t, row -> Values.convert(v.eval(row), t), v);
        }
        throw wrong.get();
    }

    /** The nodes of a function's parameters' defaults, lets and body, inner functions' included. */
    private static long nodes(Ast.Expr root) {
        long n = 0;
        java.util.ArrayDeque<Ast.Expr> open = new java.util.ArrayDeque<>();
        open.push(root);
        while (!open.isEmpty()) {
            Ast.Expr e = open.pop();
            n++;
            if (e instanceof Ast.Function f) {
                f.params().stream().map(Param::defaultValue).filter(java.util.Objects::nonNull).forEach(open::push);
                f.lets().forEach(l -> open.push(l.value()));
                open.push(f.body());
            } else if (e instanceof Ast.Member m) {
                open.push(m.target());
            } else if (e instanceof Ast.Index i) {
                open.push(i.target());
                open.push(i.index());
            } else if (e instanceof Call c) {
                c.args().forEach(open::push);
            } else if (e instanceof Ast.Unary u) {
                open.push(u.operand());
            } else if (e instanceof Ast.Binary b) {
                open.push(b.left());
                open.push(b.right());
            } else if (e instanceof Ast.In in) {
                open.push(in.left());
                in.items().forEach(open::push);
            } else if (e instanceof Ast.Between b) {
                open.push(b.left());
                open.push(b.low());
                open.push(b.high());
            } else if (e instanceof Ast.Datatable d) {
                d.values().forEach(open::push);
            } else if (e instanceof Ast.NamedArg a) {
                open.push(a.value());
            }
        }
        return n;
    }

    private static int indexOf(List<Param> params, String name) {
        for (int i = 0; i < params.size(); i++) {
            if (params.get(i).name().equals(name)) {
                return i;
            }
        }
        return -1;
    }
}
