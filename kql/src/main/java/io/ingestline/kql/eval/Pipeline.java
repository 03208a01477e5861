package io.ingestline.kql.eval;

import static io.ingestline.kql.eval.ExprCompiler.error;

import com.google.re2j.Pattern;
import io.ingestline.kql.syntax.Ast;
import io.ingestline.kql.syntax.Ast.Assign;
import io.ingestline.kql.syntax.Ast.Step;
import io.ingestline.kql.syntax.Token;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A parsed query compiled into steps over rows ({@code Object[]} in a schema's order): each step knows its output
 * schema when compiled, so column positions and types are fixed before the first event.
 */
public final class Pipeline {
    /** One tabular operator over one row; null drops the row. */
    @FunctionalInterface
    interface RowStep {
        Object[] apply(Object[] row);
    }

    /** The most time (the thread's CPU) folding a query's constants may take when it compiles. */
    static final Duration FOLD_BUDGET = Duration.ofSeconds(1);

    private final List<RowStep> steps;
    private final Schema output;
    private final boolean printSource;
    /** Whether the query calls {@code now()} or {@code ago()}: each run then reads the clock once. */
    private final boolean readsClock;

    private Pipeline(List<RowStep> steps, Schema output, boolean printSource, boolean readsClock) {
        this.steps = List.copyOf(steps);
        this.output = output;
        this.printSource = printSource;
        this.readsClock = readsClock;
    }

    public Schema output() {
        return output;
    }

    /** Whether the rows come from {@code print} rather than the event. */
    public boolean printSource() {
        return printSource;
    }

    /** Runs the steps; null when a step dropped the row. */
    public Object[] run(Object[] row) {
        Object[] r = row;
        if (readsClock) {
            EventClock.start();
        }
        for (RowStep s : steps) {
            Budget.check();
            r = s.apply(r);
            if (r == null) {
                return null;
            }
        }
        return r;
    }

    /**
     * {@link #run(Object[])} within a time budget, checked on entry (a pipeline without steps too), before each step
     * and while regular expressions read.
     *
     * @throws Budget.OverBudget when it is spent
     */
    public Object[] run(Object[] row, Budget budget) {
        Budget.enter(budget);
        try {
            Budget.check();
            return run(row);
        } finally {
            Budget.exit();
        }
    }

    /**
     * Compiles a query; the constant expressions it folds (a regular expression over a literal, say) share
     * {@link #FOLD_BUDGET}: one that runs over is left unfolded, to be computed per event within the events' budget.
     */
    public static Pipeline compile(Ast.Query q, Schema input) {
        Budget.enter(Budget.start(FOLD_BUDGET, FOLD_BUDGET));
        try {
            return compileSteps(q, input);
        } finally {
            Budget.exit();
        }
    }

    private static Pipeline compileSteps(Ast.Query q, Schema input) {
        Map<String, Scalar> lets = new HashMap<>();
        UserFunctions fns = UserFunctions.empty();
        for (Ast.Let let : q.lets()) {
            if (let.value() instanceof Ast.Function f) {
                fns = fns.define(let.name(), f, lets);
                lets.remove(let.name());
                continue;
            }
            fns = fns.without(let.name());
            if (let.value() instanceof Ast.Datatable d) {
                checkTable(d, lets, fns);
                lets.put(let.name(), null); // a table: ExprCompiler refuses it as a value
                continue;
            }
            // over no columns: a let reads no row; one that is not constant (ago(5h), as in the let page's example)
            // is computed where it is used
            // (each read checking the budget)
            lets.put(let.name(), ExprCompiler.checked(
                    new ExprCompiler(new Schema(List.of(), List.of()), lets, fns).compile(let.value())));
        }
        List<RowStep> steps = new ArrayList<>();
        Schema schema;
        boolean print = false;
        if (q.source() instanceof Ast.FromSource) {
            schema = input;
        } else if (q.source() instanceof Ast.Print p) {
            Schema empty = new Schema(List.of(), List.of());
            Projection proj = projection(p.columns(), empty, new ExprCompiler(empty, lets, fns), "print");
            steps.add(proj.step);
            schema = proj.schema;
            print = true;
        } else {
            throw error("a datatable as the source is not supported: a transformation reads source",
                    ((Ast.Datatable) q.source()).at());
        }
        for (Step step : q.steps()) {
            ExprCompiler x = new ExprCompiler(schema, lets, fns);
            if (step instanceof Ast.Where w) {
                Scalar p = ExprCompiler.bool(x.compile(w.predicate()), Ast.start(w.predicate()), "where");
                steps.add(row -> Boolean.TRUE.equals(Values.toBool(p.eval(row))) ? row : null);
            } else if (step instanceof Ast.Extend e) {
                Projection proj = extend(e, schema, lets, fns);
                steps.add(proj.step);
                schema = proj.schema;
            } else if (step instanceof Ast.Project p) {
                Projection proj = projection(p.columns(), schema, x, "project");
                steps.add(proj.step);
                schema = proj.schema;
            } else if (step instanceof Ast.ProjectAway a) {
                Projection proj = away(a, schema);
                steps.add(proj.step);
                schema = proj.schema;
            } else if (step instanceof Ast.ProjectRename r) {
                schema = rename(r, schema);
            } else if (step instanceof Ast.Parse p) {
                Projection proj = ParseStep.compile(p, schema, x);
                steps.add(proj.step);
                schema = proj.schema;
            } else {
                throw error("'" + step.at().text() + "' is allowed in transformations but not built in this version yet",
                        step.at());
            }
        }
        fns.checkUncalled();
        return new Pipeline(steps, schema, print, readsClock(q));
    }

    /** Whether a query calls {@code now()} or {@code ago()} anywhere. */
    private static boolean readsClock(Ast.Query q) {
        List<Ast.Expr> all = new ArrayList<>();
        q.lets().forEach(l -> all.add(l.value()));
        if (q.source() instanceof Ast.Print p) {
            p.columns().forEach(a -> all.add(a.value()));
        }
        for (Step step : q.steps()) {
            if (step instanceof Ast.Where w) {
                all.add(w.predicate());
            } else if (step instanceof Ast.Extend e) {
                e.columns().forEach(a -> all.add(a.value()));
            } else if (step instanceof Ast.Project p) {
                p.columns().forEach(a -> all.add(a.value()));
            } else if (step instanceof Ast.Parse p) {
                all.add(p.input());
            }
        }
        return all.stream().anyMatch(Pipeline::callsClock);
    }

    private static boolean callsClock(Ast.Expr e) {
        if (e instanceof Ast.Call c) {
            return c.function().equals("now") || c.function().equals("ago")
                    || c.args().stream().anyMatch(Pipeline::callsClock);
        } else if (e instanceof Ast.Unary u) {
            return callsClock(u.operand());
        } else if (e instanceof Ast.Binary b) {
            return callsClock(b.left()) || callsClock(b.right());
        } else if (e instanceof Ast.Member m) {
            return callsClock(m.target());
        } else if (e instanceof Ast.Index i) {
            return callsClock(i.target()) || callsClock(i.index());
        } else if (e instanceof Ast.In i) {
            return callsClock(i.left()) || i.items().stream().anyMatch(Pipeline::callsClock);
        } else if (e instanceof Ast.Between b) {
            return callsClock(b.left()) || callsClock(b.low()) || callsClock(b.high());
        } else if (e instanceof Ast.NamedArg n) {
            return callsClock(n.value());
        } else if (e instanceof Ast.Function f) {
            return callsClock(f.body()) || f.lets().stream().anyMatch(l -> callsClock(l.value()))
                    || f.params().stream().anyMatch(p -> p.defaultValue() != null && callsClock(p.defaultValue()));
        } else if (e instanceof Ast.Literal l) {
            // datetime(): the current time
            return l.token().kind() == Token.Kind.TYPED_LITERAL && KType.named(l.token().text()) == KType.DATETIME
                    && l.token().inner().isEmpty();
        }
        return false;
    }

    /**
     * A {@code let} bound to a {@code datatable}: its columns' types and values are checked, but a transformation has
     * no operator that reads a table ({@code join}, {@code lookup}, {@code union} are not allowed), so using the name
     * as a value is a compile error that says so.
     */
    private static void checkTable(Ast.Datatable d, Map<String, Scalar> lets, UserFunctions fns) {
        ExprCompiler constants = new ExprCompiler(new Schema(List.of(), List.of()), lets, fns);
        for (int i = 0; i < d.values().size(); i++) {
            Ast.ColumnDecl column = d.columns().get(i % d.columns().size());
            KType type = KType.named(column.type());
            if (type == null) {
                throw error("unknown type " + column.type() + " for datatable column " + column.name(), column.at());
            }
            Scalar s = constants.compile(d.values().get(i));
            if (!s.constant()) {
                throw error("datatable values must be constants", d.at());
            }
            Object v;
            try {
                v = s.value();
            } catch (KqlRuntimeException failed) {
                throw ExprCompiler.constantFailed(failed, Ast.start(d.values().get(i)));
            }
            if (v != null && Values.convert(v, type) == null) {
                throw error("datatable column " + column.name() + " is " + type.kustoName() + ", and "
                        + Values.toStringValue(v) + " is not", d.at());
            }
        }
    }

    record Projection(RowStep step, Schema schema) {
    }

    /**
     * {@code project} (and {@code print}): the listed expressions, in order, as the new row, each compiled against the
     * input's columns; an unnamed one is named as {@link #implicitName} says.
     */
    private static Projection projection(List<Assign> columns, Schema schema, ExprCompiler x, String what) {
        Map<String, Integer> seen = new LinkedHashMap<>();
        List<String> names = new ArrayList<>();
        List<KType> types = new ArrayList<>();
        List<Scalar> values = new ArrayList<>();
        for (Assign a : columns) {
            String name = a.name() != null ? a.name()
                    : what.equals("print") ? "print_" + names.size() : implicitName(a.value(), schema, names);
            if (seen.put(name, names.size()) != null) {
                throw error(what + " names column " + name + " twice", a.at());
            }
            Scalar s = x.compile(a.value());
            names.add(name);
            types.add(s.type());
            values.add(s);
        }
        Scalar[] v = values.toArray(new Scalar[0]);
        return new Projection(row -> {
            Object[] out = new Object[v.length];
            for (int i = 0; i < v.length; i++) {
                out[i] = v[i].eval(row);
            }
            return out;
        }, new Schema(names, types));
    }

    /**
     * {@code extend}: each column computed in order and appended; a column of the same name is removed first (the
     * extend page: "Column names noted by extend that already exist in the input are removed and appended as their
     * new calculated values"); a later column may use an earlier one ({@code extend a = 1, b = a + 1}).
     *
     * <p>The columns are computed into a working row: the input's columns, then one slot per computed column; a
     * column that is replaced keeps its slot, hidden from the expressions after it by a name no query can write. The
     * output is the working row's visible slots in order (the working row itself when nothing was replaced).
     */
    private static Projection extend(Ast.Extend e, Schema schema, Map<String, Scalar> lets, UserFunctions fns) {
        List<String> names = new ArrayList<>(schema.names());
        List<KType> types = new ArrayList<>();
        for (int i = 0; i < schema.size(); i++) {
            types.add(schema.type(i));
        }
        List<Scalar> values = new ArrayList<>();
        int hidden = 0;
        for (Assign a : e.columns()) {
            Schema working = new Schema(names, types);
            String name = a.name() != null ? a.name() : implicitName(a.value(), visible(working), List.of());
            Scalar s = new ExprCompiler(working, lets, fns).compile(a.value());
            int old = names.indexOf(name);
            if (old >= 0) {
                names.set(old, HIDDEN + hidden++);
            }
            names.add(name);
            types.add(s.type());
            values.add(s);
        }
        Scalar[] v = values.toArray(new Scalar[0]);
        int first = schema.size();
        int width = names.size();
        RowStep compute = row -> {
            Object[] next = java.util.Arrays.copyOf(row, width);
            for (int i = 0; i < v.length; i++) {
                next[first + i] = v[i].eval(next);
            }
            return next;
        };
        Schema out = visible(new Schema(names, types));
        if (hidden == 0) {
            return new Projection(compute, out);
        }
        int[] keep = new int[out.size()];
        for (int i = 0, k = 0; i < names.size(); i++) {
            if (!names.get(i).startsWith(HIDDEN)) {
                keep[k++] = i;
            }
        }
        return new Projection(row -> {
            Object[] working = compute.apply(row);
            Object[] next = new Object[keep.length];
            for (int i = 0; i < keep.length; i++) {
                next[i] = working[keep[i]];
            }
            return next;
        }, out);
    }

    /** The prefix of the working names of replaced columns: a NUL, which no name in a query holds. */
    private static final String HIDDEN = "\u0000replaced ";

    /** The schema without its hidden columns. */
    private static Schema visible(Schema s) {
        List<String> names = new ArrayList<>();
        List<KType> types = new ArrayList<>();
        for (int i = 0; i < s.size(); i++) {
            if (!s.name(i).startsWith(HIDDEN)) {
                names.add(s.name(i));
                types.add(s.type(i));
            }
        }
        return new Schema(names, types);
    }

    /** {@code project-away}: drops the named columns; a name may hold {@code *} wildcards. */
    private static Projection away(Ast.ProjectAway a, Schema schema) {
        List<Integer> keep = new ArrayList<>();
        boolean[] dropped = new boolean[schema.size()];
        for (int n = 0; n < a.patterns().size(); n++) {
            String pattern = a.patterns().get(n);
            boolean matched = false;
            Pattern p = Pattern.compile(("\\Q" + pattern + "\\E").replace("*", "\\E.*\\Q"));
            for (int i = 0; i < schema.size(); i++) {
                if (p.matcher(schema.name(i)).matches()) {
                    dropped[i] = true;
                    matched = true;
                }
            }
            if (!matched && !pattern.contains("*")) {
                throw error("project-away: there is no column '" + pattern + "' (columns: " + schema.names() + ")",
                        a.starts().get(n));
            }
        }
        List<String> names = new ArrayList<>();
        List<KType> types = new ArrayList<>();
        for (int i = 0; i < schema.size(); i++) {
            if (!dropped[i]) {
                keep.add(i);
                names.add(schema.name(i));
                types.add(schema.type(i));
            }
        }
        int[] k = keep.stream().mapToInt(Integer::intValue).toArray();
        return new Projection(row -> {
            Object[] out = new Object[k.length];
            for (int i = 0; i < k.length; i++) {
                out[i] = row[k[i]];
            }
            return out;
        }, new Schema(names, types));
    }

    /** {@code project-rename new = old}: only the schema changes. */
    private static Schema rename(Ast.ProjectRename r, Schema schema) {
        List<String> names = new ArrayList<>(schema.names());
        List<KType> types = new ArrayList<>();
        for (int i = 0; i < schema.size(); i++) {
            types.add(schema.type(i));
        }
        for (Ast.Rename rn : r.renames()) {
            int i = names.indexOf(rn.oldName());
            if (i < 0) {
                throw error("project-rename: there is no column '" + rn.oldName() + "' (columns: " + names + ")",
                        rn.at());
            }
            names.set(i, rn.newName());
        }
        if (names.stream().distinct().count() != names.size()) {
            throw error("project-rename would give two columns the same name", r.at());
        }
        return new Schema(names, types);
    }

    /**
     * Kusto's name for an unnamed column of {@code project} or {@code extend}: a column's own name; a member's path
     * joined by {@code _} ({@code d.k} and {@code d['k']} are {@code d_k}, {@code a[0]} is {@code a_0});
     * {@code columnifexists()}'s column, or its default's name; else {@code Column1}, {@code Column2}, ... the first
     * not taken by the input's columns or the names given before it.
     */
    static String implicitName(Ast.Expr e, Schema input, List<String> taken) {
        String name = pathName(e, input);
        if (name != null) {
            return name;
        }
        for (int n = 1; ; n++) {
            String column = "Column" + n;
            if (input.indexOf(column) < 0 && !taken.contains(column)) {
                return column;
            }
        }
    }

    private static String pathName(Ast.Expr e, Schema input) {
        if (e instanceof Ast.Name n) {
            return n.name();
        }
        if (e instanceof Ast.Member m) {
            String target = pathName(m.target(), input);
            return target == null ? null : target + "_" + m.name();
        }
        if (e instanceof Ast.Index i && i.index() instanceof Ast.Literal l
                && l.token().kind() == io.ingestline.kql.syntax.Token.Kind.LONG) {
            String target = pathName(i.target(), input);
            return target == null ? null : target + "_" + l.token().text();
        }
        if (e instanceof Ast.Call c && (c.function().equals("columnifexists") || c.function().equals("column_ifexists"))
                && c.args().size() == 2 && c.args().get(0) instanceof Ast.Literal l
                && l.token().kind() == io.ingestline.kql.syntax.Token.Kind.STRING) {
            return input.indexOf(l.token().text()) >= 0 ? l.token().text() : pathName(c.args().get(1), input);
        }
        return null;
    }
}
