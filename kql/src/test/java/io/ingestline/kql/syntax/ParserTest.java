package io.ingestline.kql.syntax;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ingestline.kql.KqlCompileException;
import io.ingestline.kql.syntax.Ast.Binary;
import io.ingestline.kql.syntax.Ast.Call;
import io.ingestline.kql.syntax.Ast.Extend;
import io.ingestline.kql.syntax.Ast.In;
import io.ingestline.kql.syntax.Ast.Literal;
import io.ingestline.kql.syntax.Ast.Member;
import io.ingestline.kql.syntax.Ast.Parse;
import io.ingestline.kql.syntax.Ast.PatternColumn;
import io.ingestline.kql.syntax.Ast.PatternText;
import io.ingestline.kql.syntax.Ast.PatternWildcard;
import io.ingestline.kql.syntax.Ast.ProjectAway;
import io.ingestline.kql.syntax.Ast.ProjectRename;
import io.ingestline.kql.syntax.Ast.Query;
import io.ingestline.kql.syntax.Ast.Rename;
import io.ingestline.kql.syntax.Ast.Where;
import io.ingestline.kql.syntax.Token.Kind;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class ParserTest {

    @Test
    void reads_the_shapes_of_azures_transformation_samples() {
        for (String rule : List.of(
                "source",
                "source | where severity == \"Critical\"",
                "source | extend TimeGenerated = now()",
                "source\n| extend TimeGenerated = todatetime(Time)\n| project-away Time",
                "source | extend d = parse_json(AdditionalContext) | extend Level = tostring(d.Level) | project-away d",
                "source | project TimeGenerated, Computer, Message = iif(isnotempty(Msg), Msg, 'none')",
                "source | extend Sev = case(Level == 1, 'low', Level == 2, 'mid', 'high')",
                "let threshold = 5;\nsource | where Count > threshold and Computer !in ('a', 'b')",
                "print x = 1, y = 'two'",
                "source | where Message has_cs 'error' or Message matches regex @'\\d+' // a comment",
                "source | extend Age = now() - TimeGenerated | where Age between (0d .. 1d)",
                "source | extend s = split(Path, '/')[1], k = d['key'].inner")) {
            assertThat(Parser.parse(rule)).as(rule).isNotNull();
        }
    }

    @Test
    void reads_a_user_defined_function_and_a_call_with_a_named_argument() {
        Query q = Parser.parse("let f = (a:long, b:string = 'x') { let c = a * 2; strcat(c, b) };\nprint f(1, b='y')");
        Ast.Function f = (Ast.Function) q.lets().get(0).value();
        assertThat(f.params()).extracting(Ast.Param::name, Ast.Param::type).containsExactly(
                org.assertj.core.groups.Tuple.tuple("a", "long"), org.assertj.core.groups.Tuple.tuple("b", "string"));
        assertThat(f.params().get(1).defaultValue()).isInstanceOf(Literal.class);
        assertThat(f.lets()).extracting(Ast.Let::name).containsExactly("c");
        assertThat(f.body()).isInstanceOf(Call.class);
        Call call = (Call) ((Ast.Print) q.source()).columns().get(0).value();
        Ast.NamedArg b = (Ast.NamedArg) call.args().get(1);
        assertThat(b.name()).isEqualTo("b");
        assertThat(b.at().line() + ":" + b.at().column()).isEqualTo("2:12");
    }

    @Test
    void joins_adjacent_string_literals_and_reads_typed_literals_whole() {
        Query q = Parser.parse("print s = 'a' // c\n \"b\" h@'\\c', n = int(-2)");
        List<Ast.Assign> columns = ((Ast.Print) q.source()).columns();
        Token s = ((Literal) columns.get(0).value()).token();
        assertThat(s.text()).isEqualTo("ab\\c");
        assertThat(s.line() + ":" + s.column()).isEqualTo("1:11");
        Token n = ((Literal) columns.get(1).value()).token();
        assertThat(n.kind()).isEqualTo(Kind.TYPED_LITERAL);
        assertThat(n.text() + "(" + n.inner() + ")").isEqualTo("int(-2)");
    }

    @Test
    void refuses_function_definitions_nested_past_the_limit() {
        String rule = "let f = " + "(a:long) { let g = ".repeat(200) + "1";
        assertThatThrownBy(() -> Parser.parse(rule)).isInstanceOf(KqlCompileException.class)
                .hasMessageContaining("levels deep");
    }

    @Test
    void refuses_nesting_deeper_than_its_limits_with_a_compile_error_not_a_stack_overflow() {
        String parens = "source | where " + "(".repeat(20_000) + "1" + ")".repeat(20_000);
        String signs = "source | extend x = " + "-".repeat(50_000) + "1";
        String chain = "source | extend x = 1" + " + 1".repeat(50_000);
        for (String rule : List.of(parens, signs, chain)) {
            assertThatThrownBy(() -> Parser.parse(rule)).isInstanceOf(KqlCompileException.class)
                    .hasMessageContaining("levels deep");
        }
        String longOr = "source | where " + String.join(" or ", java.util.Collections.nCopies(350, "Level == 1"));
        assertThat(Parser.parse(longOr)).isNotNull();
        String nested = "source | where " + "(".repeat(99) + "1" + ")".repeat(99);
        assertThat(Parser.parse(nested)).isNotNull();
    }

    @Test
    void binds_operators_as_kusto_does() {
        Where w = (Where) Parser.parse("source | where a + b * 2 > 3 and c == 'x' or d").steps().get(0);
        Binary or = (Binary) w.predicate();
        assertThat(or.op()).isEqualTo("or");
        Binary and = (Binary) or.left();
        assertThat(and.op()).isEqualTo("and");
        Binary gt = (Binary) and.left();
        assertThat(gt.op()).isEqualTo(">");
        Binary plus = (Binary) gt.left();
        assertThat(plus.op()).isEqualTo("+");
        assertThat(((Binary) plus.right()).op()).isEqualTo("*");
    }

    @Test
    void reads_literals_of_every_kind() {
        Extend e = (Extend) Parser.parse("source | extend a = 0x1F, b = 1.5e3, c = 90s, d = 1.5h, "
                + "e = datetime(2024-05-31 15:30:45), f = dynamic({\"k\": [1, \"x)\"]}), g = @'C:\\path', "
                + "h = 'it\\'s', i = guid(74be27de-1e4e-49d9-b579-fe0b331d3642), j = true").steps().get(0);
        List<Token> t = e.columns().stream().map(c -> ((Literal) c.value()).token()).toList();
        assertThat(t).extracting(Token::kind).containsExactly(Kind.LONG, Kind.REAL, Kind.TIMESPAN, Kind.TIMESPAN,
                Kind.TYPED_LITERAL, Kind.TYPED_LITERAL, Kind.STRING, Kind.STRING, Kind.TYPED_LITERAL, Kind.IDENT);
        assertThat(t.get(4).inner()).isEqualTo("2024-05-31 15:30:45");
        assertThat(t.get(5).inner()).isEqualTo("{\"k\": [1, \"x)\"]}");
        assertThat(t.get(6).text()).isEqualTo("C:\\path");
        assertThat(t.get(7).text()).isEqualTo("it's");
    }

    @Test
    void reads_parse_patterns_renames_wildcards_and_negated_operators() {
        Query q = Parser.parse("source | parse kind=regex RawData with * 'user=' User:string ' took ' Ms:long 'ms' *"
                + " | project-rename Host = Computer, ['my col'] = x | project-away Temp*, *_raw, Other"
                + " | where Host !contains_cs 'test' and Host in~ ('A', 'b')");
        Parse p = (Parse) q.steps().get(0);
        assertThat(p.kind()).isEqualTo("regex");
        assertThat(p.pattern()).containsExactly(new PatternWildcard(), new PatternText("user="),
                new PatternColumn("User", "string", ((PatternColumn) p.pattern().get(2)).at()), new PatternText(" took "),
                new PatternColumn("Ms", "long", ((PatternColumn) p.pattern().get(4)).at()), new PatternText("ms"),
                new PatternWildcard());
        assertThat(((ProjectRename) q.steps().get(1)).renames()).extracting(Rename::newName, Rename::oldName)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("Host", "Computer"),
                        org.assertj.core.groups.Tuple.tuple("my col", "x"));
        assertThat(((ProjectAway) q.steps().get(2)).patterns()).containsExactly("Temp*", "*_raw", "Other");
        Binary and = (Binary) ((Where) q.steps().get(3)).predicate();
        assertThat(((Binary) and.left()).op()).isEqualTo("!contains_cs");
        In in = (In) and.right();
        assertThat(in.ignoreCase()).isTrue();
        assertThat(in.negated()).isFalse();
        assertThat(in.items()).hasSize(2);
    }

    @Test
    void member_access_by_name_and_by_string_index_are_the_same() {
        Extend e = (Extend) Parser.parse("source | extend a = d.k, b = d['k'], c = f(x)[0]").steps().get(0);
        assertThat(e.columns().get(0).value()).isInstanceOf(Member.class);
        assertThat(e.columns().get(1).value()).isInstanceOf(Member.class);
        assertThat(((Member) e.columns().get(1).value()).name()).isEqualTo("k");
        assertThat(e.columns().get(2).value()).isInstanceOf(Ast.Index.class);
        assertThat(((Ast.Index) e.columns().get(2).value()).target()).isInstanceOf(Call.class);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiterString = " ~ ", quoteCharacter = '"', value = {
        "source | summarize count() by Computer ~ 1 ~ 10 ~ summarize ~ 'summarize' is not supported in transformations",
        "source | join (other) on id ~ 1 ~ 10 ~ join ~ 'join' is not supported in transformations",
        "take 10 ~ 1 ~ 1 ~ take ~ 'take' is not supported in transformations",
        "source | frobnicate ~ 1 ~ 10 ~ frobnicate ~ unknown operator 'frobnicate'",
        "source | where ~ 1 ~ 15 ~ \"\" ~ the query ends where a value was expected",
        "source | extend x = (1 + 2 ~ 1 ~ 27 ~ \"\" ~ expected ')' to close the parenthesis",
        "source | where x == 1 extra ~ 1 ~ 23 ~ extra ~ unexpected text after the end of the query",
        "mytable ~ 1 ~ 1 ~ mytable ~ a transformation starts with source",
        "source | where a == 12abc ~ 1 ~ 21 ~ 12abc ~ a number cannot be followed by letters",
        "source | project-rename a ~ 1 ~ 26 ~ \"\" ~ expected '=' in project-rename new = old",
        "source | parse Raw with 'x' 'y' ~ 1 ~ 32 ~ \"\" ~ the parse pattern extracts no column",
        "source | where a == 1 # 2 ~ 1 ~ 23 ~ # ~ unexpected character",
    })
    void names_the_problem_and_where_it_is(String rule, int line, int column, String token, String problem) {
        assertThatThrownBy(() -> Parser.parse(rule)).isInstanceOfSatisfying(KqlCompileException.class, e -> {
            assertThat(e.problem()).startsWith(problem);
            assertThat(e.line()).isEqualTo(line);
            assertThat(e.column()).isEqualTo(column);
            assertThat(e.token()).isEqualTo(token == null ? "" : token);
        });
    }

    @Test
    void counts_lines_and_columns_across_line_breaks() {
        assertThatThrownBy(() -> Parser.parse("source\n| where a == 1\n| where b == 'open"))
                .isInstanceOfSatisfying(KqlCompileException.class, e -> {
                    assertThat(e.problem()).isEqualTo("unterminated string");
                    assertThat(e.line()).isEqualTo(3);
                    assertThat(e.column()).isEqualTo(14);
                    assertThat(e.getMessage()).isEqualTo("line 3, column 14 at ''': unterminated string");
                });
    }
}
