package io.ingestline.kql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ingestline.kql.Transformation.OverBudget;
import io.ingestline.kql.eval.Budget;
import io.ingestline.kql.Transformation.Result;
import io.ingestline.kql.Transformation.Row;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Rules' regular expressions: RE2 syntax on a linear-time engine, a cap on what one match reads, a time budget. */
class RegexRulesTest {
    private static final Map<String, String> COLUMNS = Map.of("msg", "string");
    /** A hang guard only: a linear-time match of these inputs takes milliseconds; a backtracking one, years. */
    private static final Duration HANG = Duration.ofSeconds(60);

    private static Result run(String kql, String msg) {
        ObjectNode event = JsonNodeFactory.instance.objectNode().put("msg", msg);
        return Transformation.compile(kql, COLUMNS).apply(event);
    }

    private static JsonNode row(String kql, String msg) {
        Result r = run(kql, msg);
        assertThat(r).as(kql).isInstanceOf(Row.class);
        return ((Row) r).event();
    }

    /** Each pattern backtracks exponentially on a text that almost matches; RE2 reads the text once. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiterString = " => ", quoteCharacter = '`', value = {
        "source | project m = msg matches regex @'(a+)+$' => {\"m\":false}",
        "source | project m = msg matches regex @'^(a|aa)+$' => {\"m\":false}",
        "source | project m = msg matches regex @'^(\\w+\\s?)*$' => {\"m\":false}",
        "source | project m = countof(msg, @'(a+)+b', 'regex') => {\"m\":0}",
        "source | project m = extract(@'((a+)+)$', 1, msg) => {\"m\":\"\"}",
        "source | project m = extract_all(@'(a|aa)+c', msg) => {}",
        "source | parse kind=regex msg with @'(a+)+' x:long | project x => {}",
    })
    void catastrophic_patterns_on_a_30_kb_client_string_finish_with_the_right_answer(String rule, String expected) {
        String text = "a".repeat(30_000) + "!";
        JsonNode out = assertTimeoutPreemptively(HANG, () -> row(rule, text));
        assertThat(out.toString()).isEqualTo(expected);
    }

    @Test
    void catastrophic_patterns_still_match_what_they_should() {
        String text = "x".repeat(30_000);
        assertTimeoutPreemptively(HANG, () -> {
            assertThat(row("source | project m = msg matches regex @'(x+x+)+y'", text).toString())
                    .isEqualTo("{\"m\":false}");
            assertThat(row("source | project m = msg matches regex @'(x+x+)+y'", text + "y").toString())
                    .isEqualTo("{\"m\":true}");
            assertThat(row("source | project n = strlen(extract(@'^((x+x+)+)y', 1, msg))", text + "y").toString())
                    .isEqualTo("{\"n\":30000}");
        });
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
        "source | where msg matches regex @'(a)\\1'",
        "source | where msg matches regex @'(?<w>a)\\k<w>'",
        "source | extend x = extract(@'a(?=b)', 0, msg)",
        "source | extend x = extract_all(@'(?<!a)b', msg)",
        "source | extend x = countof(msg, @'(?>a+)b', 'regex')",
        "source | where msg matches regex @'a*+b'",
        "source | parse kind=regex msg with @'(\\w)\\1' x",
    })
    void refuses_what_re2_does_not_have_when_compiling_saying_so(String rule) {
        assertThatThrownBy(() -> Transformation.compile(rule, COLUMNS)).isInstanceOfSatisfying(
                KqlCompileException.class, e -> assertThat(e.problem()).contains("invalid regular expression")
                        .contains("RE2").contains("no backreferences, lookaround"));
    }

    /** RE2/J builds the whole program when it compiles: expanded, these would fill the heap (or take its time). */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"((a{0,1000}){0,1000}){0,1000}", "(a{0,1000}){0,1000}", "(\\w{1,1000}x){1,60}"})
    void refuses_a_pattern_too_large_once_its_repetitions_are_expanded(String pattern) {
        assertTimeoutPreemptively(HANG, () -> assertThatThrownBy(() -> Transformation.compile(
                "source | where msg matches regex @'" + pattern + "'", COLUMNS))
                .isInstanceOf(KqlCompileException.class).hasMessageContaining("too large with its repetitions expanded"));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"[\\p{L}\\p{N}]{1,1000}x", "\\Q{1000}{1000}\\E{2}", "(\\w{1,30}\\s?){1,30}",
        "[[:alpha:]{}]{1,999}", "x{2,}{"})
    void takes_large_patterns_people_write(String pattern) {
        assertThat(Transformation.compile("source | where msg matches regex @'" + pattern + "'", COLUMNS)).isNotNull();
    }

    @Test
    void names_the_backreference_it_refuses() {
        assertThatThrownBy(() -> Transformation.compile("source | where msg matches regex @'(a)\\1'", COLUMNS))
                .isInstanceOf(KqlCompileException.class).hasMessageContaining("invalid escape sequence `\\1`");
    }

    @Test
    void groups_are_numbered_as_kusto_numbers_them_named_or_not() {
        String msg = "user=ann took=12ms user=bob took=7ms";
        assertThat(row("source | project a = tolong(extract(@'user=(?P<u>\\w+) took=(?<t>\\d+)', 2, msg)), "
                + "b = extract(@'(?:user=)(\\w+)', 1, msg), c = extract(@'took=(\\d+)', 0, msg), "
                + "d = extract(@'(x)?user', 1, msg)", msg).toString())
                .isEqualTo("{\"a\":12,\"b\":\"ann\",\"c\":\"took=12\",\"d\":\"\"}");
        assertThat(row("source | project a = extract_all(@'user=(\\w+) took=(\\d+)', msg), "
                + "b = extract_all(@'took=(?P<t>\\d+)', msg)", msg).toString())
                .isEqualTo("{\"a\":[[\"ann\",\"12\"],[\"bob\",\"7\"]],\"b\":[\"12\",\"7\"]}");
        // flags=U: the string column lazy (kind=regex makes it greedy), the number still takes all its digits
        assertThat(row("source | parse kind=regex flags=U msg with @'user=' U @'\\s+took=' T:long * "
                + "| project U, T", msg)
                .toString()).isEqualTo("{\"U\":\"ann\",\"T\":12}");
    }

    @Test
    void one_match_reads_the_first_256_ki_characters_of_its_text() {
        String text = "a".repeat(300_000) + "b";
        assertThat(row("source | project n = strlen(extract('(.*)', 1, msg)), "
                + "b = msg matches regex 'b', atCut = msg matches regex 'a$', whole = strlen(msg)", text).toString())
                .isEqualTo("{\"n\":262144,\"b\":false,\"atCut\":true,\"whole\":300001}");
    }

    /** The pattern is large (about 700 steps a character): its match over 200 kB takes seconds, linear as it is. */
    private static final String SLOW = "source | where msg matches regex @'(\\w+\\s?){1,100}$'";
    private static final ObjectNode LONG = JsonNodeFactory.instance.objectNode().put("msg", "a".repeat(200_000) + "!");
    private static final ObjectNode SHORT = JsonNodeFactory.instance.objectNode().put("msg", "a b c");

    @Test
    void a_match_stops_reading_when_the_events_budget_runs_out_and_the_next_event_runs() {
        Transformation t = Transformation.compile(SLOW, COLUMNS);
        Budget budget = Budget.start(Duration.ofMillis(20), Duration.ofMinutes(1));
        Result r = assertTimeoutPreemptively(HANG, () -> t.apply(LONG, budget));
        assertThat(r).isEqualTo(new OverBudget(false));
        budget.nextEvent();
        assertThat(t.apply(SHORT, budget)).isInstanceOf(Row.class);
        assertThat(t.apply(SHORT)).as("no budget: nothing left over from the last event").isInstanceOf(Row.class);
    }

    /** Folding this constant takes seconds (a program of some 100,000 steps over 200 kB): compiling stops it after 1 s. */
    @Test
    void a_constant_too_slow_to_fold_is_left_to_each_event_within_its_budget() {
        String rule = "source | extend x = extract(@'(\\w{1,1000}x){1,45}', 0, '" + "a".repeat(200_000) + "!')";
        Transformation t = assertTimeoutPreemptively(HANG, () -> Transformation.compile(rule, COLUMNS));
        Result r = assertTimeoutPreemptively(HANG,
                () -> t.apply(SHORT, Budget.start(Duration.ofMillis(20), Duration.ofMinutes(1))));
        assertThat(r).isEqualTo(new OverBudget(false));
    }

    @Test
    void once_a_batchs_budget_is_spent_its_later_events_fail_at_once() {
        Transformation t = Transformation.compile(SLOW, COLUMNS);
        Budget budget = Budget.start(Duration.ofMinutes(1), Duration.ofMillis(20));
        assertThat(assertTimeoutPreemptively(HANG, () -> t.apply(LONG, budget))).isEqualTo(new OverBudget(true));
        budget.nextEvent();
        assertThat(t.apply(SHORT, budget)).isEqualTo(new OverBudget(true));
        assertThat(t.apply(SHORT, Budget.start(Duration.ofMinutes(1), Duration.ofMillis(20)))).isInstanceOf(Row.class);
    }
}
