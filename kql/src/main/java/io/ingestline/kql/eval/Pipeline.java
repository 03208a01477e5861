package io.ingestline.kql.eval;

import static io.ingestline.kql.eval.ExprCompiler.error;

import com.google.re2j.Pattern;
import io.ingestline.kql.syntax.Ast;
import io.ingestline.kql.syntax.Ast.Assign;
import io.ingestline.kql.syntax.Ast.Step;
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
        for (Ast.Let let : q.lets()) {
            if (let.value() instanceof Ast.Datatable d) {
                checkTable(d, lets);
                lets.put(let.name(), null); // a table: ExprCompiler refuses it as a value
                continue;
            }
            // a constant, or one of the clock's (now(), ago()): the only calls that are not, without columns
            Scalar s = new ExprCompiler(new Schema(List.of(), List.of()), lets).compile(let.value());
            if (!s.constant() && !callsClock(let.value())) {
                throw error("a let statement must be a constant value here", let.at());
            }
            lets.put(let.name(), s);
        }
        List<RowStep> steps = new ArrayList<>();
        Schema schema;
        boolean print = false;
        if (q.source() instanceof Ast.FromSource) {
            schema = input;
        } else if (q.source() instanceof Ast.Print p) {
            Schema empty = new Schema(List.of(), List.of());
            Projection proj = projection(p.columns(), empty, lets, "print");
            steps.add(proj.step);
            schema = proj.schema;
            print = true;
        } else {
            throw error("a datatable as the source is not supported: a transformation reads source",
                    ((Ast.Datatable) q.source()).at());
        }
        for (Step step : q.steps()) {
            ExprCompiler x = new ExprCompiler(schema, lets);
            if (step instanceof Ast.Where w) {
                Scalar p = ExprCompiler.bool(x.compile(w.predicate()), w.at(), "where");
                steps.add(row -> Boolean.TRUE.equals(Values.toBool(p.eval(row))) ? row : null);
            } else if (step instanceof Ast.Extend e) {
                Projection proj = extend(e, schema, lets);
                steps.add(proj.step);
                schema = proj.schema;
            } else if (step instanceof Ast.Project p) {
                Projection proj = projection(p.columns(), schema, lets, "project");
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
        }
        return false;
    }

    /**
     * A {@code let} bound to a {@code datatable}: its columns' types and values are checked, but a transformation has
     * no operator that reads a table ({@code join}, {@code lookup}, {@code union} are not allowed), so using the name
     * as a value is a compile error that says so.
     */
    private static void checkTable(Ast.Datatable d, Map<String, Scalar> lets) {
        ExprCompiler constants = new ExprCompiler(new Schema(List.of(), List.of()), lets);
        for (int i = 0; i < d.values().size(); i++) {
            Ast.ColumnDecl column = d.columns().get(i % d.columns().size());
            KType type = KType.named(column.type());
            if (type == null) {
                throw error("unknown type " + column.type() + " for datatable column " + column.name(), column.at());
            }
            Scalar v = constants.compile(d.values().get(i));
            if (!v.constant()) {
                throw error("datatable values must be constants", d.at());
            }
            if (v.value() != null && Values.convert(v.value(), type) == null) {
                throw error("datatable column " + column.name() + " is " + type.kustoName() + ", and "
                        + Values.toStringValue(v.value()) + " is not", d.at());
            }
        }
    }

    record Projection(RowStep step, Schema schema) {
    }

    /** {@code project}: the listed expressions, in order, as the new row. */
    private static Projection projection(List<Assign> columns, Schema schema, Map<String, Scalar> lets, String what) {
        ExprCompiler x = new ExprCompiler(schema, lets);
        Map<String, Integer> seen = new LinkedHashMap<>();
        List<String> names = new ArrayList<>();
        List<KType> types = new ArrayList<>();
        List<Scalar> values = new ArrayList<>();
        for (Assign a : columns) {
            String name = a.name() != null ? a.name()
                    : what.equals("print") ? printName(a.value(), names.size()) : implicitName(a.value(), names.size());
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
     * {@code extend}: each column computed in order, replaced or appended; a later column may use an earlier one
     * ({@code extend a = 1, b = a + 1}).
     */
    private static Projection extend(Ast.Extend e, Schema schema, Map<String, Scalar> lets) {
        Schema out = schema;
        List<Integer> targets = new ArrayList<>();
        List<Scalar> values = new ArrayList<>();
        for (Assign a : e.columns()) {
            String name = a.name() != null ? a.name() : implicitName(a.value(), out.size());
            Scalar s = new ExprCompiler(out, lets).compile(a.value());
            out = out.with(name, s.type());
            targets.add(out.indexOf(name));
            values.add(s);
        }
        int width = out.size();
        int[] at = targets.stream().mapToInt(Integer::intValue).toArray();
        Scalar[] v = values.toArray(new Scalar[0]);
        return new Projection(row -> {
            Object[] next = java.util.Arrays.copyOf(row, width);
            for (int i = 0; i < v.length; i++) {
                next[at[i]] = v[i].eval(next);
            }
            return next;
        }, out);
    }

    /** {@code project-away}: drops the named columns; a name may hold {@code *} wildcards. */
    private static Projection away(Ast.ProjectAway a, Schema schema) {
        List<Integer> keep = new ArrayList<>();
        boolean[] dropped = new boolean[schema.size()];
        for (String pattern : a.patterns()) {
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
                        a.at());
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

    /** Kusto's name for an unnamed column of {@code print}: {@code print_<n>} from 0, as the reference pages show. */
    private static String printName(Ast.Expr e, int position) {
        String name = implicitName(e, position);
        return name.equals("Column" + (position + 1)) ? "print_" + position : name;
    }

    /** Kusto's name for an unnamed column: a column's own name, a member's name, else {@code Column<n>}. */
    private static String implicitName(Ast.Expr e, int position) {
        if (e instanceof Ast.Name n) {
            return n.name();
        }
        if (e instanceof Ast.Member m) {
            String prefix = m.target() instanceof Ast.Name n ? n.name() + "_" : "";
            return prefix + m.name();
        }
        return "Column" + (position + 1);
    }
}
