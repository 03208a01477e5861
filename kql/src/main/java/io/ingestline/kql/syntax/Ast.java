package io.ingestline.kql.syntax;

import java.util.List;
import java.util.Objects;

/** The parsed form of a transformation: statements, a tabular source, and the steps piped after it. */
public final class Ast {
    private Ast() {
    }

    /** A whole transformation: {@code let} statements, then one tabular expression. */
    public record Query(List<Let> lets, Source source, List<Step> steps) {
        public Query {
            lets = List.copyOf(lets);
            steps = List.copyOf(steps);
        }
    }

    /** {@code let name = expression;} (a scalar, a {@code datatable} or a user-defined {@link Function}). */
    public record Let(String name, Expr value, Token at) {
    }

    /**
     * A user-defined function, {@code (a:long, b:string = "x") { let c = a * 2; strcat(c, b) }}: its scalar
     * parameters, the {@code let} statements of its body, and the expression it returns.
     */
    public record Function(List<Param> params, List<Let> lets, Expr body, Token at) implements Expr {
        public Function {
            params = List.copyOf(params);
            lets = List.copyOf(lets);
        }
    }

    /** A function's parameter: name, Kusto type name, and its default value (a literal) or null. */
    public record Param(String name, String type, Expr defaultValue, Token at) {
    }

    /** {@code name = value} as an argument of a call: only a user-defined function takes it. */
    public record NamedArg(String name, Expr value, Token at) implements Expr {
    }

    /** Where the rows come from. */
    public sealed interface Source {
    }

    /** {@code source}: the incoming event. */
    public record FromSource(Token at) implements Source {
    }

    /** {@code print a = 1, b = "x"}: one row of its own. */
    public record Print(List<Assign> columns, Token at) implements Source {
        public Print {
            columns = List.copyOf(columns);
        }
    }

    /** {@code datatable(a:long, b:string) [1, "x", 2, "y"]}. */
    public record Datatable(List<ColumnDecl> columns, List<Expr> values, Token at) implements Source, Expr {
        public Datatable {
            columns = List.copyOf(columns);
            values = List.copyOf(values);
        }
    }

    /** A declared column: name and Kusto type name. */
    public record ColumnDecl(String name, String type, Token at) {
    }

    /** {@code name = expression}, or an expression alone (its column name comes from the expression). */
    public record Assign(String name, Expr value, Token at) {
    }

    /** One tabular operator after a pipe. */
    public sealed interface Step {
        Token at();
    }

    public record Where(Expr predicate, Token at) implements Step {
    }

    public record Extend(List<Assign> columns, Token at) implements Step {
        public Extend {
            columns = List.copyOf(columns);
        }
    }

    public record Project(List<Assign> columns, Token at) implements Step {
        public Project {
            columns = List.copyOf(columns);
        }
    }

    /** {@code project-away a, b*}: names or wildcard patterns, and where each starts. */
    public record ProjectAway(List<String> patterns, List<Token> starts, Token at) implements Step {
        public ProjectAway {
            patterns = List.copyOf(patterns);
            starts = List.copyOf(starts);
        }
    }

    /** {@code project-rename new = old, ...}. */
    public record ProjectRename(List<Rename> renames, Token at) implements Step {
        public ProjectRename {
            renames = List.copyOf(renames);
        }
    }

    /** {@code newName = oldName}; {@code at} is the old name, where an error about it points. */
    public record Rename(String newName, String oldName, Token at) {
    }

    /**
     * {@code parse [kind=simple|regex|relaxed] [flags=...] expr with [*] "const" col[:type] "const" ... [*]}: the
     * pattern as alternating string constants, columns and {@code *} wildcards.
     */
    public record Parse(Expr input, String kind, String flags, List<PatternPart> pattern, Token at) implements Step {
        public Parse {
            pattern = List.copyOf(pattern);
        }
    }

    /** One part of a {@code parse} pattern. */
    public sealed interface PatternPart {
    }

    public record PatternText(String text) implements PatternPart {
    }

    /** A column to extract; {@code type} is {@code string} when not given. */
    public record PatternColumn(String name, String type, Token at) implements PatternPart {
    }

    public record PatternWildcard() implements PatternPart {
    }

    /** A scalar expression. */
    public sealed interface Expr {
    }

    /** The first token of an expression as written: where an error about the whole expression points. */
    public static Token start(Expr e) {
        if (e instanceof Literal l) {
            return l.token();
        } else if (e instanceof Name n) {
            return n.at();
        } else if (e instanceof Member m) {
            return start(m.target());
        } else if (e instanceof Index i) {
            return start(i.target());
        } else if (e instanceof Binary b) {
            return start(b.left());
        } else if (e instanceof In i) {
            return start(i.left());
        } else if (e instanceof Between b) {
            return start(b.left());
        } else if (e instanceof Call c) {
            return c.at();
        } else if (e instanceof Unary u) {
            return u.at();
        } else if (e instanceof Function f) {
            return f.at();
        } else if (e instanceof NamedArg n) {
            return n.at();
        }
        return ((Datatable) e).at();
    }

    /** A literal token: number, string, timespan, typed literal, {@code true}, {@code false}. */
    public record Literal(Token token) implements Expr {
    }

    /** A column or a {@code let} name. */
    public record Name(String name, Token at) implements Expr {
    }

    /** {@code target.name} or {@code target['name']}. */
    public record Member(Expr target, String name, Token at) implements Expr {
    }

    /** {@code target[index]} with a computed index. */
    public record Index(Expr target, Expr index, Token at) implements Expr {
    }

    public record Call(String function, List<Expr> args, Token at) implements Expr {
        public Call {
            args = List.copyOf(args);
        }
    }

    /** {@code -x} or {@code +x}. */
    public record Unary(String op, Expr operand, Token at) implements Expr {
    }

    /**
     * {@code left op right}: arithmetic ({@code + - * / %}), comparison ({@code == != < <= > >= =~ !~}), logic
     * ({@code and or}) and the string operators ({@code contains}, {@code has_cs}, {@code !startswith},
     * {@code matches regex}, ...), each by its name as written.
     */
    public record Binary(String op, Expr left, Expr right, Token at) implements Expr {
        public Binary {
            Objects.requireNonNull(op, "op");
        }
    }

    /** {@code left in (a, b)}, {@code !in}, {@code in~}, {@code !in~}. */
    public record In(Expr left, List<Expr> items, boolean negated, boolean ignoreCase, Token at) implements Expr {
        public In {
            items = List.copyOf(items);
        }
    }

    /** {@code left between (low .. high)} and {@code !between}. */
    public record Between(Expr left, Expr low, Expr high, boolean negated, Token at) implements Expr {
    }
}
