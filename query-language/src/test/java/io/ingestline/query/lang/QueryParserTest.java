package io.ingestline.query.lang;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ingestline.query.lang.Query.And;
import io.ingestline.query.lang.Query.Bound;
import io.ingestline.query.lang.Query.Exists;
import io.ingestline.query.lang.Query.FieldMatch;
import io.ingestline.query.lang.Query.MatchAll;
import io.ingestline.query.lang.Query.Not;
import io.ingestline.query.lang.Query.Or;
import io.ingestline.query.lang.Query.Range;
import io.ingestline.query.lang.Query.Text;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@Timeout(10)
class QueryParserTest {

    private static Query parse(String query) {
        return QueryParser.parse(query);
    }

    private static Text word(String pattern, int column) {
        return new Text(Term.word(pattern), column);
    }

    @Test
    void a_word_is_free_text_at_its_column() {
        assertThat(parse("  error")).isEqualTo(word("error", 3));
    }

    @Test
    void a_quoted_phrase_keeps_its_spaces_and_resolves_escapes() {
        assertThat(parse("\"connection \\\"refused\\\" now\""))
                .isEqualTo(new Text(Term.phrase("connection \"refused\" now"), 1));
    }

    @Test
    void a_star_alone_matches_everything() {
        assertThat(parse("*")).isEqualTo(new MatchAll(1));
    }

    @Test
    void words_side_by_side_are_joined_by_and_the_default_operator() {
        assertThat(parse("error timeout")).isEqualTo(new And(List.of(word("error", 1), word("timeout", 7)), 1));
    }

    @Test
    void and_binds_tighter_than_or() {
        assertThat(parse("a AND b OR c d")).isEqualTo(new Or(List.of(
                new And(List.of(word("a", 1), word("b", 7)), 1),
                new And(List.of(word("c", 12), word("d", 14)), 12)), 1));
    }

    @Test
    void not_minus_and_plus_prefix_a_clause() {
        assertThat(parse("a NOT b -c +d")).isEqualTo(new And(List.of(word("a", 1), new Not(word("b", 7), 3),
                new Not(word("c", 10), 9), word("d", 13)), 1));
    }

    @Test
    void a_minus_inside_a_word_is_part_of_it() {
        assertThat(parse("x-ray")).isEqualTo(word("x-ray", 1));
    }

    @Test
    void parentheses_group_and_leave_no_node_of_their_own() {
        assertThat(parse("(a OR b) c")).isEqualTo(new And(List.of(
                new Or(List.of(word("a", 2), word("b", 7)), 2), word("c", 10)), 2));
    }

    @Test
    void operators_are_upper_case_only_and_lower_case_ones_are_words() {
        assertThat(parse("a and b")).isEqualTo(new And(List.of(word("a", 1), word("and", 3), word("b", 7)), 1));
    }

    @Test
    void to_outside_a_range_is_a_word() {
        assertThat(parse("TO")).isEqualTo(word("TO", 1));
    }

    @Test
    void wildcards_stay_in_the_pattern_and_escaped_ones_are_literal() {
        assertThat(parse("err*r?")).isEqualTo(word("err*r?", 1));
        assertThat(parse("a\\*b")).isEqualTo(word("a\\*b", 1));
        assertThat(((Text) parse("a\\*b")).term().hasWildcard()).isFalse();
        assertThat(((Text) parse("a\\*b")).term().literal()).isEqualTo("a*b");
    }

    @Test
    void a_backslash_escapes_any_character_of_a_word() {
        assertThat(parse("a\\ b\\:c\\(d\\)")).isEqualTo(word("a b:c(d)", 1));
    }

    @Test
    void a_json_field_holds_a_dotted_path() {
        assertThat(parse("json.http.status:404"))
                .isEqualTo(new FieldMatch(Field.json("http", "status"), Term.word("404"), 1));
    }

    @Test
    void an_escaped_dot_stays_inside_a_key() {
        assertThat(parse("json.a\\.b.c:x")).isEqualTo(new FieldMatch(Field.json("a.b", "c"), Term.word("x"), 1));
    }

    @Test
    void a_field_takes_a_phrase_or_a_wildcard_value() {
        assertThat(parse("json.msg:\"disk full\"")).isEqualTo(
                new FieldMatch(Field.json("msg"), Term.phrase("disk full"), 1));
        assertThat(parse("json.host:web-*")).isEqualTo(new FieldMatch(Field.json("host"), Term.word("web-*"), 1));
    }

    @Test
    void a_tag_is_searched_with_tag() {
        assertThat(parse("tag:prod")).isEqualTo(new FieldMatch(Field.tag(), Term.word("prod"), 1));
    }

    @Test
    void a_star_value_asks_whether_the_field_exists() {
        assertThat(parse("NOT json.user:*")).isEqualTo(new Not(new Exists(Field.json("user"), 5), 1));
    }

    @Test
    void square_brackets_include_the_ends_and_curly_ones_exclude_them() {
        assertThat(parse("json.status:[400 TO 499]")).isEqualTo(new Range(Field.json("status"),
                new Bound("400", true), new Bound("499", true), 1));
        assertThat(parse("json.status:{400 TO 499]")).isEqualTo(new Range(Field.json("status"),
                new Bound("400", false), new Bound("499", true), 1));
        assertThat(parse("json.status:[400 TO 499}")).isEqualTo(new Range(Field.json("status"),
                new Bound("400", true), new Bound("499", false), 1));
    }

    @Test
    void a_range_end_may_be_open_quoted_or_negative() {
        assertThat(parse("json.t:[* TO -1.5]")).isEqualTo(new Range(Field.json("t"),
                Bound.open(true), new Bound("-1.5", true), 1));
        assertThat(parse("json.name:{\"a b\" TO *}")).isEqualTo(new Range(Field.json("name"),
                new Bound("a b", false), Bound.open(false), 1));
    }

    @Test
    void a_value_may_start_with_a_sign() {
        assertThat(parse("json.delta:-5")).isEqualTo(new FieldMatch(Field.json("delta"), Term.word("-5"), 1));
    }

    @Test
    void nesting_up_to_the_bound_is_read() {
        String query = "(".repeat(QueryParser.MAX_DEPTH) + "a" + ")".repeat(QueryParser.MAX_DEPTH);
        assertThat(parse(query)).isEqualTo(word("a", QueryParser.MAX_DEPTH + 1));
    }

    @Test
    void a_long_flat_query_is_read_in_one_node() {
        String query = "a OR ".repeat(10_000) + "a";
        assertThat(((Or) parse(query)).clauses()).hasSize(10_001);
    }

    @ParameterizedTest(name = "{0} -> column {1}: {2}")
    @CsvSource(delimiter = '|', quoteCharacter = '\'', value = {
        "''                 | 1  | expected a term, a \"phrase\", field:value, '(' or '*', found an empty query",
        "'   '              | 1  | expected a term, a \"phrase\", field:value, '(' or '*', found an empty query",
        "a AND              | 6  | expected a term, a \"phrase\", field:value, '(' or '*', found the end of the query",
        "a OR OR b          | 6  | expected a term, a \"phrase\", field:value, '(' or '*', found OR",
        "AND a              | 1  | expected a term, a \"phrase\", field:value, '(' or '*', found AND",
        "NOT                | 4  | expected a term, a \"phrase\", field:value, '(' or '*', found the end of the query",
        "(a OR b            | 8  | expected ')' to close the '(' at column 1, found the end of the query",
        "a)                 | 2  | expected AND, OR, NOT, a term, a \"phrase\", field:value, '(' or '*' or the end of the query, found ')'",
        "()                 | 2  | expected a term, a \"phrase\", field:value, '(' or '*' inside the parentheses, found ')'",
        "- a                | 2  | expected a term right after '-', found ' '",
        "a +                | 4  | expected a term right after '+', found the end of the query",
        "-NOT a             | 2  | expected a term, a \"phrase\", field:value, '(' or '*', found NOT",
        "json.a:b c:d       | 10 | the field 'c' is not supported: search json.<path> or tag",
        "json.a:[1 TO 2] x] | 18 | expected a term, a \"phrase\", field:value, '(' or '*', found ']'",
        "'\"open phrase'    | 13 | expected '\"' to close the phrase opened at column 1, found the end of the query",
        "a\\                | 2  | expected a character after '\\', found the end of the query",
        "json.a:            | 8  | expected a value, a \"phrase\", a range or '*' right after ':', found the end of the query",
        "json.a: b          | 8  | expected a value, a \"phrase\", a range or '*' right after ':', found ' '",
        "json.a:)           | 8  | expected a value, a \"phrase\", a range or '*' after ':', found ')'",
        "json.t:12:30       | 10 | a ':' in a value must be escaped (\\:) or the value quoted",
        "json.a:(x OR y)    | 8  | field groups are not supported: write field:a OR field:b",
        "json.a:[1 2]       | 11 | expected TO in the range, found '2'",
        "json.a:[1 TO ]     | 14 | expected a value or '*' in the range, found ']'",
        "json.a:[TO 2]      | 9  | expected a value or '*' in the range, found TO",
        "json.a:[1 TO 2     | 15 | expected ']' or '}' to close the range, found the end of the query",
        "[1 TO 2]           | 1  | a range needs a field: json.<path>:[a TO b]",
        "x syslog.host:web  | 3  | the field 'syslog.host' is not supported: search json.<path> or tag",
        "http.clientHost:a  | 1  | the field 'http.clientHost' is not supported: search json.<path> or tag",
        "json:a             | 1  | the field 'json' is not supported: search json.<path> or tag",
        "json.a..b:1        | 8  | expected a key name in the json path",
        "json.:1            | 6  | expected a key name in the json path",
        "a^2                | 2  | boosts (^) are not supported",
        "roam~              | 5  | fuzzy and proximity searches (~) are not supported",
        "'\"a b\"~3'        | 6  | fuzzy and proximity searches (~) are not supported",
        "a && b             | 3  | the text has no letter or digit to search for; search a field for it (json.<path>:value)",
        "'\"--\"'           | 1  | the text has no letter or digit to search for; search a field for it (json.<path>:value)",
    })
    void refuses_what_it_cannot_read_at_the_column_with_what_it_expected(String query, int column, String reason) {
        assertThatThrownBy(() -> parse(query))
                .isInstanceOfSatisfying(QuerySyntaxException.class, e -> {
                    assertThat(e.reason()).isEqualTo(reason);
                    assertThat(e.column()).isEqualTo(column);
                    assertThat(e.getMessage()).isEqualTo("column " + column + ": " + reason);
                });
    }

    @Test
    void refuses_nesting_deeper_than_the_bound_without_overflowing_the_stack() {
        int depth = QueryParser.MAX_DEPTH + 1;
        for (String query : List.of("(".repeat(depth) + "a" + ")".repeat(depth), "NOT ".repeat(depth) + "a",
                "-(".repeat(depth) + "a" + ")".repeat(depth), "(".repeat(60_000))) {
            assertThatThrownBy(() -> parse(query)).isInstanceOf(QuerySyntaxException.class)
                    .hasMessageContaining("nested deeper than 100");
        }
    }

    @Test
    void refuses_a_query_over_64_kib_of_utf8() {
        assertThat(parse("a".repeat(QueryParser.MAX_BYTES))).isEqualTo(word("a".repeat(QueryParser.MAX_BYTES), 1));
        assertThatThrownBy(() -> parse("a".repeat(QueryParser.MAX_BYTES + 1)))
                .hasMessage("column 1: the query is longer than 65536 bytes");
        assertThatThrownBy(() -> parse("é".repeat(QueryParser.MAX_BYTES / 2 + 1)))
                .hasMessage("column 1: the query is longer than 65536 bytes");
    }
}
