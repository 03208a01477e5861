package io.ingestline.kql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ingestline.kql.Transformation.Failed;
import io.ingestline.kql.Transformation.OverBudget;
import io.ingestline.kql.Transformation.Result;
import io.ingestline.kql.Transformation.Row;
import io.ingestline.kql.eval.Budget;
import java.time.Duration;
import java.util.Collections;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Rules whose work per event grows faster than their text, or than the event: each must end within the event's time
 * budget (an {@link OverBudget} result), never stall the thread.
 */
class HostileInputTest {
    private static final Map<String, String> COLUMNS = Map.of("s", "string", "t", "string", "n", "long");
    /** A hang guard only: each rule here must stop at its 20 ms budget. */
    private static final Duration HANG = Duration.ofSeconds(10);

    private static Result run(String kql, String s, String t) {
        Transformation rule = assertTimeoutPreemptively(HANG, () -> Transformation.compile(kql, COLUMNS));
        ObjectNode event = JsonNodeFactory.instance.objectNode().put("s", s).put("t", t).put("n", 5);
        return assertTimeoutPreemptively(HANG,
                () -> rule.apply(event, Budget.start(Duration.ofMillis(20), Duration.ofMinutes(1))));
    }

    /** {@code f(f(f(...)))}: a body that reads its parameter k times reads the innermost argument k^depth times. */
    @Test
    void a_function_reading_its_argument_several_times_nested_in_its_own_calls_stops_at_the_budget() {
        String rule = "let f = (a:long) { a + a + a + a }; source | extend x = " + "f(".repeat(30) + "n"
                + ")".repeat(30);
        assertThat(run(rule, "", "")).isEqualTo(new OverBudget(false));
    }

    /** {@code let b1 = b0 + b0; let b2 = b1 + b1; ...}: each name is computed where it is read, 2^40 times. */
    @Test
    void lets_in_a_function_body_each_reading_the_one_before_twice_stop_at_the_budget() {
        StringBuilder rule = new StringBuilder("let f = (a:long) { let b0 = a");
        for (int i = 1; i <= 40; i++) {
            rule.append("; let b").append(i).append(" = b").append(i - 1).append(" + b").append(i - 1);
        }
        rule.append("; b40 }; source | extend x = f(n)");
        assertThat(run(rule.toString(), "", "")).isEqualTo(new OverBudget(false));
    }

    /** The same with the query's lets, not constant (they read the event's clock): computed where they are read. */
    @Test
    void query_lets_each_reading_the_one_before_twice_stop_at_the_budget() {
        StringBuilder rule = new StringBuilder("let b0 = datetime_part('second', now())");
        for (int i = 1; i <= 40; i++) {
            rule.append("; let b").append(i).append(" = b").append(i - 1).append(" + b").append(i - 1);
        }
        rule.append("; source | extend x = b40");
        assertThat(run(rule.toString(), "", "")).isEqualTo(new OverBudget(false));
    }

    /**
     * A client's text and a client's search string of half its length, all {@code a}: each search from a position
     * compares half a megabyte; overlapping occurrences start at each of half a million positions.
     */
    @Test
    void countof_indexof_and_contains_with_a_long_search_string_from_the_event_stop_at_the_budget() {
        String text = "a".repeat(1 << 20);
        String half = "a".repeat(1 << 19);
        assertThat(run("source | project c = countof(s, t)", text, half)).isEqualTo(new OverBudget(false));
        assertThat(run("source | project c = indexof(s, t, 0, -1, 1000000)", text, half))
                .isEqualTo(new OverBudget(false));
        assertThat(run("source | project c = indexof(s, t)", text, half + "b")).isEqualTo(new OverBudget(false));
        assertThat(run("source | where s contains_cs t", text, half + "b")).isEqualTo(new OverBudget(false));
        assertThat(run("source | where s contains t", text, half + "b")).isEqualTo(new OverBudget(false));
        assertThat(run("source | where s has_cs t", text, half)).isEqualTo(new OverBudget(false));
        assertThat(run("source | project p = split(s, t)", text, half + "b")).isEqualTo(new OverBudget(false));
    }

    @Test
    void countof_and_indexof_still_find_what_they_find() {
        assertThat(row("source | project c = countof(s, t), i = indexof(s, t, 0, -1, 3), j = indexof(s, t, 2)",
                "aaaaa", "aa").toString()).isEqualTo("{\"c\":4,\"i\":2,\"j\":2}");
        String text = "ab".repeat(1000) + "x" + "a".repeat(100) + "x";
        String search = "x" + "a".repeat(100) + "x";
        assertThat(row("source | project c = countof(s, t), i = indexof(s, t), j = indexof(s, t, 2001)", text, search)
                .toString()).isEqualTo("{\"c\":1,\"i\":2000,\"j\":-1}");
    }

    /**
     * Strings a rule builds are bounded by the project's longest JSON string ({@code Json.MAX_STRING_LENGTH}, 1 MiB):
     * past it the event fails (a longer one could not be written as an event, and a few steps of {@code strcat} or
     * {@code replace_string} multiply a client's megabyte past what the heap or a Java string can hold).
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
        "source | extend a = strcat(s, s) | project l = strlen(a)",
        "source | extend a = strcat_delim('-', s, s) | project l = strlen(a)",
        "source | extend a = replace_regex(s, '.', @'\\0\\0\\0\\0\\0') | project l = strlen(a)",
        "source | extend a = replace_string(s, 'a', t) | project l = strlen(a)",
        "source | extend a = tostring(pack_array(s, s)) | project l = strlen(a)",
        "source | extend a = strcat('', pack_array(s, s)) | project l = strlen(a)",
    })
    void a_string_built_past_a_mebibyte_fails_the_event(String rule) {
        ObjectNode event = JsonNodeFactory.instance.objectNode().put("s", "a".repeat(600_000)).put("t", "b".repeat(4096));
        Result r = assertTimeoutPreemptively(HANG, () -> Transformation.compile(rule, COLUMNS).apply(event));
        assertThat(r).isInstanceOfSatisfying(Failed.class,
                f -> assertThat(f.reason()).contains("longer than 1048576 characters"));
    }

    @Test
    void a_string_built_up_to_a_mebibyte_is_fine() {
        String half = "a".repeat(1 << 19);
        // a regular expression reads the first 256 Ki characters (Regex.MAX_INPUT_CHARS): 3 * 256 Ki + 256 Ki
        Result r = Transformation.compile("source | project l = strlen(strcat(s, t)),"
                + " m = strlen(replace_regex(s, 'a', 'bbb')), r = strlen(replace_string(s, 'a', 'bb'))", COLUMNS)
                .apply(JsonNodeFactory.instance.objectNode().put("s", half).put("t", half));
        assertThat(r).isInstanceOf(Row.class);
        assertThat(((Row) r).event().toString()).isEqualTo("{\"l\":1048576,\"m\":1048576,\"r\":1048576}");
    }

    /**
     * Each call compiles the function's body in place: a 60 KB rule calling a body of 8,000 nodes 1,980 times (under
     * the cap on calls) compiled 16 million nodes, seconds of the admin API's time and the heap to hold them.
     */
    @Test
    void a_rule_whose_calls_compile_too_many_nodes_is_refused_quickly() {
        String inner = "strcat(" + String.join(",", Collections.nCopies(64, "tostring(a)")) + ")";
        String body = "strcat(" + String.join(",", Collections.nCopies(64, inner)) + ")";
        StringBuilder rule = new StringBuilder("let f = (a:long) { " + body + " }; source | extend ");
        for (int j = 0; j < 33; j++) {
            rule.append(j == 0 ? "" : ", ").append("x").append(j).append(" = strcat(")
                    .append(String.join(",", Collections.nCopies(60, "f(n)"))).append(")");
        }
        // refused before it builds the nodes: told by what the compile allocates, not by time (this machine's
        // cores are shared; a wall-clock bound failed under load)
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long allocated = threads.getCurrentThreadAllocatedBytes();
        assertThatThrownBy(() -> Transformation.compile(rule.toString(), COLUMNS))
                .isInstanceOf(KqlCompileException.class)
                .hasMessageContaining("nodes of user-defined functions' bodies");
        assertThat(threads.getCurrentThreadAllocatedBytes() - allocated).as("bytes allocated by the compile")
                .isLessThan(256L << 20);
    }

    /**
     * A constant argument the function reads when the rule compiles (a regular expression, a kind, a rewrite, groups, a
     * table's value) whose computing fails: the compile reports it, as a {@link KqlCompileException} at the argument.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
        "print x = countof('a', 'b', strcat('regex', tostring(1/0)))",
        "print x = replace_regex('a', strcat('a', tostring(1/0)), 'b')",
        "print x = replace_regex('a', 'a', strcat('b', tostring(1/0)))",
        "print x = extract_all('(a)', pack_array(1/0), 'a')",
        "source | where s matches regex strcat('a', tostring(1/0))",
        "print x = datetime_part(strcat('year', tostring(1/0)), now())",
        "let t = datatable(a:long)[1/0]; print x = 1",
    })
    void a_constant_argument_that_fails_when_the_rule_compiles_is_a_compile_error(String rule) {
        assertThatThrownBy(() -> Transformation.compile(rule, COLUMNS)).isInstanceOf(KqlCompileException.class)
                .hasMessageContaining("integer division by zero");
    }

    /** A length past the text's end means to its end: no overflow of start plus length. */
    @Test
    void indexof_with_the_longest_length_searches_to_the_end() {
        assertThat(row("source | project a = indexof(s, 'b', 1, 9223372036854775807), b = indexof(s, 'b', 1, n)", "abc",
                "").toString()).isEqualTo("{\"a\":1,\"b\":1}");
    }

    /**
     * Each expression is at most 400 levels deep (the parser's limit, so that compiling and computing it stay within a
     * thread's stack), but a let that reads the one before adds its depth where it is computed, and a call compiles its
     * function's body in place, adding the body's depth: 300 lets of 390 levels each, or 20 functions each calling the
     * one before under 390 levels, overflowed the stack. The event fails; the rule does not compile.
     */
    @Test
    void lets_each_deep_over_the_one_before_fail_the_event_and_do_not_throw() {
        StringBuilder rule = new StringBuilder("let b0 = datetime_part('second', now());");
        for (int i = 1; i < 300; i++) {
            rule.append(" let b").append(i).append(" = b").append(i - 1).append(" + 1".repeat(390)).append(';');
        }
        rule.append(" source | extend x = b299");
        Transformation t = Transformation.compile(rule.toString(), COLUMNS);
        Result r = assertTimeoutPreemptively(HANG, () -> t.apply(JsonNodeFactory.instance.objectNode()));
        assertThat(r).isInstanceOfSatisfying(Failed.class, f -> assertThat(f.reason()).contains("too deep"));
    }

    @Test
    void functions_each_deep_over_a_call_of_the_one_before_are_a_compile_error() {
        StringBuilder rule = new StringBuilder("let f0 = (a:long) { a };");
        for (int i = 1; i < 20; i++) {
            rule.append(" let f").append(i).append(" = (a:long) { f").append(i - 1).append("(a)")
                    .append(" + 1".repeat(390)).append(" };");
        }
        rule.append(" source | extend x = f19(n)");
        assertTimeoutPreemptively(HANG, () -> assertThatThrownBy(() -> Transformation.compile(rule.toString(), COLUMNS))
                .isInstanceOf(KqlCompileException.class).hasMessageContaining("too deep"));
    }

    /** Each term of a client's array is searched for in a client's megabyte: 100,000 terms, 10^11 comparisons. */
    @Test
    void has_any_with_many_terms_from_the_event_stops_at_the_budget() {
        String terms = "[" + "\"b\",".repeat(100_000) + "\"b\"]";
        assertThat(run("source | where s has_any (parse_json(t))", "a".repeat(1 << 20), terms))
                .isEqualTo(new OverBudget(false));
        assertThat(run("source | where s has_all (parse_json(t))", "a".repeat((1 << 20) - 2) + " b", terms))
                .isEqualTo(new OverBudget(false));
    }

    /**
     * The project's JSON nests at most 200 levels (Json.MAX_NESTING_DEPTH), the event's object included: a client's
     * string of 200 nested arrays parses (parse_json reads up to the limit), but as a column of the output event it is
     * 201 levels deep, which the project's readers refuse; nesting a dynamic value in pack_array adds a level too.
     */
    @Test
    void an_output_event_deeper_than_the_project_reads_fails() throws Exception {
        String deep = "[".repeat(200) + "]".repeat(200);
        assertThat(run("source | project d = parse_json(s)", deep, "")).isInstanceOfSatisfying(Failed.class,
                f -> assertThat(f.reason()).contains("nests deeper than"));
        String shallower = "[".repeat(199) + "]".repeat(199);
        assertThat(run("source | project d = pack_array(parse_json(s))", shallower, ""))
                .isInstanceOfSatisfying(Failed.class, f -> assertThat(f.reason()).contains("nests deeper than"));
        JsonNode out = row("source | project d = parse_json(s)", shallower, "");
        assertThat(io.ingestline.model.Json.readTree(out.toString())).isEqualTo(out);
    }

    /** A rewrite from the event of 100,000 {@code \\0}: one match of 256 Ki characters would write 26 Gi. */
    @Test
    void a_rewrite_from_the_event_repeating_the_match_fails_the_event_at_a_mebibyte() {
        ObjectNode event = JsonNodeFactory.instance.objectNode().put("s", "a".repeat(1 << 18))
                .put("t", "\\0".repeat(100_000));
        Result r = assertTimeoutPreemptively(HANG,
                () -> Transformation.compile("source | project x = replace_regex(s, '.+', t)", COLUMNS).apply(event));
        assertThat(r).isInstanceOfSatisfying(Failed.class,
                f -> assertThat(f.reason()).contains("longer than 1048576 characters"));
    }

    /**
     * A function that may lengthen a client's megabyte a little (base64) is not capped itself: the output event's
     * strings are, at the project's longest JSON string.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
        "source | project x = base64_encode_tostring(s)",
        "source | project x = pack_array(base64_encode_tostring(s))",
        "source | project x = pack('k', base64_encode_tostring(s))",
    })
    void an_output_string_longer_than_a_mebibyte_fails_the_event(String rule) {
        ObjectNode event = JsonNodeFactory.instance.objectNode().put("s", "a".repeat(1 << 20));
        Result r = assertTimeoutPreemptively(HANG, () -> Transformation.compile(rule, COLUMNS).apply(event));
        assertThat(r).isInstanceOfSatisfying(Failed.class,
                f -> assertThat(f.reason()).contains("longer than 1048576 characters"));
    }

    /**
     * Java's {@code toUpperCase} maps {@code ß} to {@code SS} and grows its result one character at a time for each
     * such expansion (its {@code toLowerCase} does the same with {@code İ}): half a million of them ran for minutes.
     * Kusto maps each character on its own (.NET's invariant culture: {@code ß} stays {@code ß}), in one pass.
     */
    @Test
    void toupper_tolower_and_tobool_of_characters_that_java_expands_are_linear() {
        String sharp = "\u00df".repeat(1 << 19);
        String dotted = "\u0130".repeat(1 << 19);
        assertThat(row("source | project b = tobool(t)", sharp, dotted).toString()).isEqualTo("{}");
        JsonNode out = row("source | project u = strlen(toupper(s)), l = strlen(tolower(t))", sharp, dotted);
        assertThat(out.toString()).isEqualTo("{\"u\":524288,\"l\":524288}");
        assertThat(row("source | project u = toupper(s), l = tolower(t)", "stra\u00dfe \u00e0\u00e9 \ud801\udc28",
                "\u0130STANBUL \u00c0\u00c9 \ud801\udc00").toString())
                .isEqualTo("{\"u\":\"STRA\u00dfE \u00c0\u00c9 \ud801\udc00\",\"l\":\"istanbul \u00e0\u00e9 \ud801\udc28\"}");
    }

    private static JsonNode row(String kql, String s, String t) {
        Result r = run(kql, s, t);
        assertThat(r).as(kql).isInstanceOf(Row.class);
        return ((Row) r).event();
    }

    @Test
    void an_output_that_shares_one_value_many_times_over_is_checked_in_time_linear_in_what_it_holds() {
        // 64^6 (68 billion) paths through 6 arrays of 64 references each: the output check walks each array once
        String arrays = "source | extend a = pack_array(" + String.join(", ", java.util.Collections.nCopies(64, "s"))
                + ")";
        for (char c = 'b'; c <= 'f'; c++) {
            arrays += " | extend " + c + " = pack_array(" + String.join(", ",
                    java.util.Collections.nCopies(64, String.valueOf((char) (c - 1)))) + ")";
        }
        Result r = run(arrays + " | project f", "x", "");
        assertThat(r).isInstanceOf(Transformation.Row.class);
    }
}
