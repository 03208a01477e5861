package io.ingestline.kql.syntax;

import io.ingestline.kql.KqlCompileException;
import io.ingestline.kql.syntax.Ast.Assign;
import io.ingestline.kql.syntax.Ast.Between;
import io.ingestline.kql.syntax.Ast.Binary;
import io.ingestline.kql.syntax.Ast.Call;
import io.ingestline.kql.syntax.Ast.ColumnDecl;
import io.ingestline.kql.syntax.Ast.Datatable;
import io.ingestline.kql.syntax.Ast.Expr;
import io.ingestline.kql.syntax.Ast.Extend;
import io.ingestline.kql.syntax.Ast.FromSource;
import io.ingestline.kql.syntax.Ast.In;
import io.ingestline.kql.syntax.Ast.Index;
import io.ingestline.kql.syntax.Ast.Let;
import io.ingestline.kql.syntax.Ast.Literal;
import io.ingestline.kql.syntax.Ast.Member;
import io.ingestline.kql.syntax.Ast.Name;
import io.ingestline.kql.syntax.Ast.Parse;
import io.ingestline.kql.syntax.Ast.PatternColumn;
import io.ingestline.kql.syntax.Ast.PatternPart;
import io.ingestline.kql.syntax.Ast.PatternText;
import io.ingestline.kql.syntax.Ast.PatternWildcard;
import io.ingestline.kql.syntax.Ast.Print;
import io.ingestline.kql.syntax.Ast.Project;
import io.ingestline.kql.syntax.Ast.ProjectAway;
import io.ingestline.kql.syntax.Ast.ProjectRename;
import io.ingestline.kql.syntax.Ast.Query;
import io.ingestline.kql.syntax.Ast.Rename;
import io.ingestline.kql.syntax.Ast.Source;
import io.ingestline.kql.syntax.Ast.Step;
import io.ingestline.kql.syntax.Ast.Unary;
import io.ingestline.kql.syntax.Ast.Where;
import io.ingestline.kql.syntax.Token.Kind;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Recursive-descent parser for the transformation subset. Precedence, loosest first: {@code or}; {@code and};
 * comparisons and string operators ({@code == != < <= > >= =~ !~ contains has startswith endswith matches regex in
 * between} and their {@code _cs} and {@code !} forms); {@code + -}; {@code * / %}; unary {@code - +}; member access,
 * indexing and calls. Every error names the line, the column and the token.
 */
public final class Parser {
    /** The tabular operators Azure allows in a transformation. */
    static final Set<String> SUPPORTED = Set.of("where", "extend", "project", "project-away", "project-rename", "parse");
    /** Kusto operators a transformation may not use: named as such rather than as unknown words. */
    static final Set<String> UNSUPPORTED = Set.of("summarize", "join", "union", "lookup", "sort", "order", "top", "take",
            "limit", "distinct", "count", "mv-expand", "mv-apply", "make-series", "evaluate", "render", "range", "as",
            "invoke", "serialize", "sample", "sample-distinct", "getschema", "fork", "facet", "partition", "scan",
            "find", "search", "externaldata", "top-nested", "top-hitters", "project-keep", "project-reorder",
            "parse-where", "parse-kv", "reduce", "consume", "materialize");
    /** String operators, besides comparisons; each also has a {@code !} form where Kusto gives one. */
    static final Set<String> STRING_OPERATORS = Set.of("contains", "contains_cs", "!contains", "!contains_cs", "has",
            "has_cs", "!has", "!has_cs", "hasprefix", "hasprefix_cs", "!hasprefix", "!hasprefix_cs", "hassuffix",
            "hassuffix_cs", "!hassuffix", "!hassuffix_cs", "startswith", "startswith_cs", "!startswith",
            "!startswith_cs", "endswith", "endswith_cs", "!endswith", "!endswith_cs", "has_any", "has_all");
    private static final Set<String> COMPARISONS = Set.of("==", "!=", "<>", "<", "<=", ">", ">=", "=~", "!~");

    /** How deep parentheses, calls, indexes, lists and signs may nest: the parser recurses once a level. */
    static final int MAX_NESTING = 100;
    /**
     * How deep an expression's tree may be, operator chains included ({@code a or b or ...} is as deep as it is
     * long): the compiler and the evaluator walk it recursively, about 1 KB of stack a level, and a thread's stack
     * is 1 MB by default (fuzzing found a 940-term {@code 1 + 1 + ...} overflowing the compiler at 1,000).
     */
    static final int MAX_TREE_DEPTH = 400;

    private final List<Token> tokens;
    private int at;
    private int nesting;
    /** How deep function definitions nest ({@code let f = () { let g = () { ... }; ... };}). */
    private int functionNesting;

    private Parser(List<Token> tokens) {
        this.tokens = tokens;
    }

    /** @throws KqlCompileException naming what is wrong and where */
    public static Query parse(String text) {
        Parser p = new Parser(Lexer.tokens(text));
        Query q = p.query();
        if (p.peek().kind() != Kind.END) {
            throw p.error("unexpected text after the end of the query", p.peek());
        }
        return q;
    }

    // --- statements and tabular operators

    private Query query() {
        List<Let> lets = new ArrayList<>();
        while (peek().isWord("let")) {
            lets.add(letStatement());
        }
        while (peek().isPunct(";")) {
            next();
        }
        Source source = source();
        List<Step> steps = new ArrayList<>();
        while (peek().isPunct("|")) {
            next();
            steps.add(step());
        }
        while (peek().isPunct(";")) {
            next();
        }
        return new Query(lets, source, steps);
    }

    /** {@code let name = value;} after {@code let}: a scalar, a {@code datatable} or a function. */
    private Let letStatement() {
        Token let = next();
        Token name = name("a name after let");
        expectPunct("=", "after the name in a let statement");
        Expr value;
        if (peek().isWord("view") && peekAt(1).isPunct("(")) {
            throw error("a view is a tabular function; transformations have no use for one", peek());
        } else if (peek().isWord("datatable")) {
            value = datatable();
        } else if (startsFunction()) {
            value = function();
        } else {
            value = expression();
        }
        expectPunct(";", "to end the let statement");
        return new Let(name.text(), value, let);
    }

    /** Whether a {@code (} starts a function's parameters: {@code () {} or {@code (name:}. */
    private boolean startsFunction() {
        if (!peek().isPunct("(")) {
            return false;
        }
        if (peekAt(1).isPunct(")")) {
            return peekAt(2).isPunct("{");
        }
        int width = nameWidth(1);
        return width > 0 && peekAt(1 + width).isPunct(":");
    }

    /** {@code (a:long, b:string = "x") { [let ...;] expression }}: scalar parameters only. */
    private Ast.Function function() {
        Token open = next();
        if (++functionNesting > MAX_NESTING) {
            throw error("functions nested more than " + MAX_NESTING + " levels deep", open);
        }
        List<Ast.Param> params = new ArrayList<>();
        if (!peek().isPunct(")")) {
            do {
                Token name = name("a parameter name");
                expectPunct(":", "between a parameter's name and its type");
                if (peek().isPunct("(")) {
                    throw error("a tabular parameter: transformations allow only functions of scalar arguments",
                            peek());
                }
                Token type = name("a parameter type");
                Expr defaultValue = acceptPunct("=") ? expression() : null;
                params.add(new Ast.Param(name.text(), type.text(), defaultValue, name));
            } while (acceptPunct(","));
        }
        expectPunct(")", "to close the function's parameters");
        expectPunct("{", "to open the function's body");
        List<Let> lets = new ArrayList<>();
        while (peek().isWord("let")) {
            lets.add(letStatement());
        }
        Expr body = expression();
        acceptPunct(";");
        expectPunct("}", "to close the function's body");
        functionNesting--;
        return new Ast.Function(params, lets, body, open);
    }

    private Source source() {
        Token t = peek();
        if (t.isWord("source")) {
            next();
            return new FromSource(t);
        }
        if (t.isWord("print")) {
            next();
            return new Print(assignments(), t);
        }
        if (t.isWord("datatable")) {
            return datatable();
        }
        if (t.kind() == Kind.IDENT && UNSUPPORTED.contains(t.text())) {
            throw error("'" + t.text() + "' is not supported in transformations", t);
        }
        throw error("a transformation starts with source (or print, datatable)", t);
    }

    private Step step() {
        Token t = next();
        if (t.kind() != Kind.IDENT) {
            throw error("expected an operator after |", t);
        }
        return switch (t.text()) {
            case "where", "filter" -> new Where(expression(), t);
            case "extend" -> new Extend(assignments(), t);
            case "project" -> new Project(assignments(), t);
            case "project-away" -> {
                List<Token> starts = new ArrayList<>();
                yield new ProjectAway(namePatterns(starts), starts, t);
            }
            case "project-rename" -> projectRename(t);
            case "parse" -> parseStep(t);
            default -> throw error(UNSUPPORTED.contains(t.text())
                    ? "'" + t.text() + "' is not supported in transformations (allowed: where, extend, project, "
                            + "project-away, project-rename, parse)"
                    : "unknown operator '" + t.text() + "'", t);
        };
    }

    private List<Assign> assignments() {
        List<Assign> out = new ArrayList<>();
        do {
            Token start = peek();
            int width = nameWidth(0);
            if (width > 0 && peekAt(width).isPunct("=")) {
                Token name = name("a column name");
                next();
                out.add(new Assign(name.text(), expression(), name));
            } else {
                out.add(new Assign(null, expression(), start));
            }
        } while (acceptPunct(","));
        return out;
    }

    /** Names with {@code *} wildcards, separated by commas; {@code starts} gets each one's first token. */
    private List<String> namePatterns(List<Token> starts) {
        List<String> out = new ArrayList<>();
        do {
            StringBuilder pattern = new StringBuilder();
            Token first = peek();
            starts.add(first);
            // a name with * wildcards: Col*, *_id, *
            while (true) {
                Token t = peek();
                if (t.isPunct("*")) {
                    pattern.append('*');
                    next();
                } else if (nameWidth(0) > 0
                        && (pattern.isEmpty() || pattern.charAt(pattern.length() - 1) == '*')) {
                    pattern.append(name("a column name").text());
                } else {
                    break;
                }
            }
            if (pattern.isEmpty()) {
                throw error("expected a column name", first);
            }
            out.add(pattern.toString());
        } while (acceptPunct(","));
        return out;
    }

    private Step projectRename(Token t) {
        List<Rename> renames = new ArrayList<>();
        do {
            Token newName = name("the new column name");
            expectPunct("=", "in project-rename new = old");
            Token oldName = name("the column to rename");
            renames.add(new Rename(newName.text(), oldName.text(), oldName));
        } while (acceptPunct(","));
        return new ProjectRename(renames, t);
    }

    private Step parseStep(Token t) {
        String kind = "simple";
        String flags = "";
        while (peek().kind() == Kind.IDENT && peekAt(1).isPunct("=")
                && (peek().text().equals("kind") || peek().text().equals("flags"))) {
            String option = next().text();
            next();
            Token value = next();
            if (option.equals("kind")) {
                if (!Set.of("simple", "regex", "relaxed").contains(value.text())) {
                    throw error("parse kind must be simple, regex or relaxed", value);
                }
                kind = value.text();
            } else {
                flags = value.text();
            }
        }
        Expr input = expression();
        Token with = next();
        if (!with.isWord("with")) {
            throw error("expected 'with' and a pattern after the parsed expression", with);
        }
        List<PatternPart> parts = new ArrayList<>();
        while (true) {
            Token p = peek();
            if (p.isPunct("*")) {
                next();
                parts.add(new PatternWildcard());
            } else if (p.kind() == Kind.STRING) {
                next();
                parts.add(new PatternText(p.text()));
            } else if (nameWidth(0) > 0) {
                Token column = name("a column name");
                String type = "string";
                if (acceptPunct(":")) {
                    type = name("a type after ':'").text();
                }
                parts.add(new PatternColumn(column.text(), type, column));
            } else {
                break;
            }
        }
        if (parts.stream().noneMatch(x -> x instanceof PatternColumn)) {
            throw error("the parse pattern extracts no column", peek());
        }
        return new Parse(input, kind, flags, parts, t);
    }

    private Datatable datatable() {
        Token t = next();
        expectPunct("(", "after datatable");
        List<ColumnDecl> columns = new ArrayList<>();
        do {
            Token name = name("a column name");
            expectPunct(":", "between a datatable column's name and type");
            Token type = name("a column type");
            columns.add(new ColumnDecl(name.text(), type.text(), name));
        } while (acceptPunct(","));
        expectPunct(")", "to close the datatable's columns");
        expectPunct("[", "to open the datatable's values");
        List<Expr> values = new ArrayList<>();
        while (!peek().isPunct("]")) {
            values.add(expression());
            if (!acceptPunct(",")) {
                break; // a trailing comma is allowed, as in the datatable page's example
            }
        }
        expectPunct("]", "to close the datatable's values");
        if (values.size() % columns.size() != 0) {
            throw error("datatable has " + values.size() + " values for " + columns.size() + " columns", t);
        }
        return new Datatable(columns, values, t);
    }

    // --- scalar expressions

    private Expr expression() {
        Token start = peek();
        deeper(start);
        Expr e = or();
        nesting--;
        if (nesting == 0) {
            checkDepth(e, MAX_TREE_DEPTH, start);
        }
        return e;
    }

    private void deeper(Token t) {
        if (++nesting > MAX_NESTING) {
            throw error("expression nested more than " + MAX_NESTING + " levels deep", t);
        }
    }

    /** Walks the tree no deeper than {@code budget} levels (so the walk itself cannot overflow the stack). */
    private void checkDepth(Expr e, int budget, Token start) {
        if (budget == 0) {
            throw error("expression more than " + MAX_TREE_DEPTH + " levels deep (operators included)", start);
        }
        List<Expr> children = List.of();
        if (e instanceof Member m) {
            children = List.of(m.target());
        } else if (e instanceof Index i) {
            children = List.of(i.target(), i.index());
        } else if (e instanceof Call c) {
            children = c.args();
        } else if (e instanceof Unary u) {
            children = List.of(u.operand());
        } else if (e instanceof Binary b) {
            children = List.of(b.left(), b.right());
        } else if (e instanceof In in) {
            children = concat(in.left(), in.items());
        } else if (e instanceof Between b) {
            children = List.of(b.left(), b.low(), b.high());
        } else if (e instanceof Datatable d) {
            children = d.values();
        } else if (e instanceof Ast.NamedArg n) {
            children = List.of(n.value());
        }
        for (Expr child : children) {
            checkDepth(child, budget - 1, start);
        }
    }

    private static List<Expr> concat(Expr first, List<Expr> rest) {
        List<Expr> all = new ArrayList<>(rest.size() + 1);
        all.add(first);
        all.addAll(rest);
        return all;
    }

    private Expr or() {
        Expr left = and();
        while (peek().isWord("or")) {
            Token op = next();
            left = new Binary("or", left, and(), op);
        }
        return left;
    }

    private Expr and() {
        Expr left = comparison();
        while (peek().isWord("and")) {
            Token op = next();
            left = new Binary("and", left, comparison(), op);
        }
        return left;
    }

    private Expr comparison() {
        Expr left = additive();
        while (true) {
            Token op = peek();
            if (op.kind() == Kind.PUNCT && COMPARISONS.contains(op.text())) {
                next();
                left = new Binary(op.text().equals("<>") ? "!=" : op.text(), left, additive(), op);
            } else if (op.kind() == Kind.IDENT && STRING_OPERATORS.contains(op.text())) {
                next();
                left = new Binary(op.text(), left, op.text().startsWith("has_a") ? list(op) : additive(), op);
            } else if (op.isWord("matches")) {
                next();
                Token regex = next();
                if (!regex.isWord("regex")) {
                    throw error("expected 'regex' after 'matches'", regex);
                }
                left = new Binary("matches regex", left, additive(), op);
            } else if (op.kind() == Kind.IDENT && Set.of("in", "!in", "in~", "!in~").contains(op.text())) {
                next();
                left = new In(left, listItems(op), op.text().startsWith("!"), op.text().endsWith("~"), op);
            } else if (op.isWord("between") || op.isWord("!between")) {
                next();
                expectPunct("(", "after between");
                Expr low = additive();
                expectPunct("..", "between the bounds of between (low .. high)");
                Expr high = additive();
                expectPunct(")", "to close between");
                left = new Between(left, low, high, op.text().startsWith("!"), op);
            } else {
                return left;
            }
        }
    }

    /** The right side of {@code has_any}: a parenthesised list, as a call to {@code pack_array}. */
    private Expr list(Token op) {
        return new Call("pack_array", listItems(op), op);
    }

    private List<Expr> listItems(Token op) {
        expectPunct("(", "after " + op.text());
        List<Expr> items = new ArrayList<>();
        if (!peek().isPunct(")")) {
            do {
                items.add(expression());
            } while (acceptPunct(","));
        }
        expectPunct(")", "to close the list after " + op.text());
        return items;
    }

    private Expr additive() {
        Expr left = multiplicative();
        while (peek().isPunct("+") || peek().isPunct("-")) {
            Token op = next();
            left = new Binary(op.text(), left, multiplicative(), op);
        }
        return left;
    }

    private Expr multiplicative() {
        Expr left = unary();
        while (peek().isPunct("*") || peek().isPunct("/") || peek().isPunct("%")) {
            Token op = next();
            left = new Binary(op.text(), left, unary(), op);
        }
        return left;
    }

    private Expr unary() {
        if (peek().isPunct("-") || peek().isPunct("+")) {
            Token op = next();
            deeper(op);
            Expr operand = unary();
            nesting--;
            return new Unary(op.text(), operand, op);
        }
        return postfix(primary());
    }

    private Expr postfix(Expr e) {
        while (true) {
            Token t = peek();
            if (t.isPunct(".")) {
                next();
                Token member = name("a member name after '.'");
                e = new Member(e, member.text(), member);
            } else if (t.isPunct("[")) {
                next();
                Expr index = expression();
                expectPunct("]", "to close the index");
                e = index instanceof Literal l && l.token().kind() == Kind.STRING
                        ? new Member(e, l.token().text(), t) : new Index(e, index, t);
            } else {
                return e;
            }
        }
    }

    private Expr primary() {
        Token t = next();
        switch (t.kind()) {
            case STRING -> {
                return new Literal(adjacentStrings(t));
            }
            case LONG, REAL, TIMESPAN, TYPED_LITERAL -> {
                return new Literal(t);
            }
            case QUOTED_IDENT -> {
                return new Name(t.text(), t);
            }
            case PUNCT -> {
                if (t.text().equals("[") && peek().kind() == Kind.STRING && peekAt(1).isPunct("]")) {
                    Token quoted = next();
                    next();
                    return new Name(quoted.text(), t);
                }
                if (t.text().equals("(")) {
                    Expr inner = expression();
                    expectPunct(")", "to close the parenthesis");
                    return inner;
                }
                throw error("expected a value, a column or a function call", t);
            }
            case IDENT -> {
                if (t.text().equals("true") || t.text().equals("false")) {
                    return new Literal(t);
                }
                if (peek().isPunct("(")) {
                    next();
                    List<Expr> args = new ArrayList<>();
                    if (!peek().isPunct(")")) {
                        do {
                            args.add(argument());
                        } while (acceptPunct(","));
                    }
                    expectPunct(")", "to close the arguments of " + t.text());
                    return new Call(t.text(), args, t);
                }
                if (t.text().startsWith("!") || Set.of("and", "or", "with", "by").contains(t.text())) {
                    throw error("expected a value, a column or a function call", t);
                }
                return new Name(t.text(), t);
            }
            default -> throw error("the query ends where a value was expected", t);
        }
    }

    /** A call's argument: an expression, or {@code name = expression} (for a user-defined function). */
    private Expr argument() {
        if (nameWidth(0) == 1 && peekAt(1).isPunct("=")) {
            Token name = next();
            next();
            return new Ast.NamedArg(name.text(), expression(), name);
        }
        return expression();
    }

    /**
     * String literals with only whitespace or comments between them are one literal ({@code 'a' "b"} is
     * {@code "ab"}), as the string data type's page says.
     */
    private Token adjacentStrings(Token first) {
        if (peek().kind() != Kind.STRING) {
            return first;
        }
        StringBuilder b = new StringBuilder(first.text());
        while (peek().kind() == Kind.STRING) {
            b.append(next().text());
        }
        return new Token(Kind.STRING, b.toString(), null, first.line(), first.column());
    }

    // --- helpers

    private Token peek() {
        return tokens.get(at);
    }

    private Token peekAt(int ahead) {
        return tokens.get(Math.min(at + ahead, tokens.size() - 1));
    }

    private Token next() {
        Token t = tokens.get(at);
        if (t.kind() != Kind.END) {
            at++;
        }
        return t;
    }

    private boolean acceptPunct(String p) {
        if (peek().isPunct(p)) {
            next();
            return true;
        }
        return false;
    }

    private void expectPunct(String p, String why) {
        Token t = next();
        if (!t.isPunct(p)) {
            throw error("expected '" + p + "' " + why, t);
        }
    }

    /** Tokens that a name takes from {@code ahead} tokens on: 1 for a plain name, 3 for {@code ['quoted']}, else 0. */
    private int nameWidth(int ahead) {
        Token t = peekAt(ahead);
        if (t.kind() == Kind.IDENT && !t.text().startsWith("!")) {
            return 1;
        }
        return t.isPunct("[") && peekAt(ahead + 1).kind() == Kind.STRING && peekAt(ahead + 2).isPunct("]") ? 3 : 0;
    }

    /** A plain or quoted name ({@code ['my col']}, returned as one {@code QUOTED_IDENT} token). */
    private Token name(String what) {
        int width = nameWidth(0);
        if (width == 0) {
            throw error("expected " + what, peek());
        }
        Token t = next();
        if (width == 1) {
            return t;
        }
        Token quoted = next();
        next();
        return new Token(Kind.QUOTED_IDENT, quoted.text(), null, t.line(), t.column());
    }

    private KqlCompileException error(String problem, Token t) {
        return new KqlCompileException(t.kind() == Kind.END ? problem + " (the query ends here)" : problem, t.line(),
                t.column(), t.shown());
    }
}
