package io.ingestline.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ingestline.kql.KqlCompileException;
import io.ingestline.kql.eval.Budget;
import io.ingestline.model.Json;
import io.ingestline.model.rules.DataCollectionRule;
import io.ingestline.model.rules.DatasetRule;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CompiledTargetTest {
    private static final EventChecks.Limits LIMITS = new EventChecks.Limits(10_000, 10);

    private static ObjectNode event(String json) throws Exception {
        return (ObjectNode) Json.mapper().readTree(json);
    }

    private static List<Outcome> apply(CompiledTarget t, String json) throws Exception {
        return t.apply(event(json), json.length());
    }

    @Test
    void a_dataset_without_a_rule_passes_events_through_with_their_time() throws Exception {
        CompiledTarget t = CompiledTarget.dataset("web", null, LIMITS);
        assertThat(t.rule()).isNull();
        assertThat(apply(t, "{\"_time\":\"2026-01-01T00:00:00Z\",\"a\":1}")).containsExactly(new Outcome.Output(
                "web", event("{\"_time\":\"2026-01-01T00:00:00Z\",\"a\":1}"), Instant.parse("2026-01-01T00:00:00Z")));
        assertThat(apply(t, "{\"a\":1}")).singleElement().extracting(o -> ((Outcome.Output) o).time()).isNull();
        assertThat(apply(t, "{\"_time\":\"soon\"}")).singleElement().isInstanceOf(Outcome.Failed.class);
    }

    @Test
    void a_dataset_rule_keeps_undeclared_fields_and_leaves_out_declared_strings_the_event_lacked() throws Exception {
        DatasetRule rule = DatasetRule.parse("web", Json.mapper().readTree("""
                {"version":4,"columns":[{"name":"user","type":"string"},{"name":"ms","type":"long"}],
                 "transformKql":"source | extend slow = ms > 100, who = toupper(user)"}"""));
        CompiledTarget t = CompiledTarget.dataset("web", rule, LIMITS);
        assertThat(t.rule().toString()).isEqualTo("dataset/web@4");
        assertThat(t.columns().get("web")).containsExactly(Map.entry("user", "string"), Map.entry("ms", "long"),
                Map.entry("slow", "bool"), Map.entry("who", "string"));
        Outcome.Output out = (Outcome.Output) apply(t, "{\"z\":1,\"ms\":\"250\",\"a\":[1]}").get(0);
        assertThat(out.event().toString()).isEqualTo("{\"z\":1,\"a\":[1],\"ms\":250,\"slow\":true,\"who\":\"\"}");
    }

    @Test
    void a_dataset_rule_that_does_not_compile_is_refused_with_its_position() throws Exception {
        DatasetRule rule = DatasetRule.parse("web", Json.mapper().readTree(
                "{\"columns\":[{\"name\":\"ms\",\"type\":\"long\"}],\"transformKql\":\"source\\n| where ms > 'x'\"}"));
        assertThatThrownBy(() -> CompiledTarget.dataset("web", rule, LIMITS)).isInstanceOf(KqlCompileException.class)
                .hasMessageStartingWith("line 2, column ");
    }

    @Test
    void a_stream_fans_out_to_each_flow_and_each_gives_its_own_outcome() throws Exception {
        DataCollectionRule rule = DataCollectionRule.parse("r", Json.mapper().readTree("""
                {"properties":{"streamDeclarations":{"Custom-In":{"columns":[{"name":"T","type":"datetime"},
                  {"name":"N","type":"int"}]}},
                 "dataFlows":[
                  {"streams":["Custom-In"],"outputStream":"Custom-A_CL",
                   "transformKql":"source | extend TimeGenerated = T | project-away T"},
                  {"streams":["Custom-In"],"outputStream":"Custom-B_CL","transformKql":"source | where N > 1"},
                  {"streams":["Custom-In"],"outputStream":"Custom-C_CL","transformKql":"source | extend X = 1 / N"}]}}"""));
        CompiledTarget t = CompiledTarget.dcrStream(rule, "Custom-In", LIMITS);
        assertThat(t.datasets()).containsExactly("A_CL", "B_CL", "C_CL");
        assertThat(t.columns()).containsEntry("A_CL", Map.of("N", "int", "TimeGenerated", "datetime"))
                .containsEntry("C_CL", Map.of("T", "datetime", "N", "int", "X", "long"));
        assertThat(List.copyOf(t.columns().get("A_CL").keySet())).containsExactly("N", "TimeGenerated");
        List<Outcome> out = apply(t, "{\"T\":\"2026-05-01 10:00:00\",\"N\":0,\"Other\":true}");
        assertThat(out.get(0)).isEqualTo(new Outcome.Output("A_CL", event("{\"N\":0,\"TimeGenerated\":"
                + "\"2026-05-01T10:00:00Z\"}"), Instant.parse("2026-05-01T10:00:00Z")));
        assertThat(out.get(1)).isEqualTo(new Outcome.Dropped("B_CL"));
        assertThat(out.get(2)).isInstanceOf(Outcome.Failed.class)
                .extracting(o -> ((Outcome.Failed) o).stage()).isEqualTo(Outcome.STAGE_TRANSFORM);
        assertThat(apply(t, "{\"N\":1.5e400}")).containsExactly(new Outcome.Failed(Outcome.STAGE_VALIDATE, null,
                "column N is declared int but the event has 1.5E+400"));
    }

    @Test
    void a_stream_no_flow_takes_or_a_flow_that_does_not_compile_is_named() throws Exception {
        DataCollectionRule rule = DataCollectionRule.parse("r", Json.mapper().readTree("""
                {"properties":{"streamDeclarations":{"Custom-In":{"columns":[{"name":"N","type":"int"}]},
                  "Custom-Idle":{"columns":[{"name":"N","type":"int"}]}},
                 "dataFlows":[{"streams":["Custom-In"],"outputStream":"Custom-A_CL","transformKql":"source | take 1"}]}}"""));
        assertThatThrownBy(() -> CompiledTarget.dcrStream(rule, "Custom-Idle", LIMITS))
                .hasMessage("data collection rule r has no data flow for stream Custom-Idle");
        assertThatThrownBy(() -> CompiledTarget.dcrStream(rule, "Custom-In", LIMITS))
                .hasMessageStartingWith("data flow to Custom-A_CL over Custom-In: transformKql does not compile: "
                        + "line 1, column 10 at 'take'")
                .hasCauseInstanceOf(KqlCompileException.class);
    }

    @Test
    void checks_count_bytes_fields_and_names() throws Exception {
        CompiledTarget t = CompiledTarget.dataset("web", null, new EventChecks.Limits(30, 2));
        assertThat(t.apply(event("{\"a\":1}"), 31)).singleElement()
                .isEqualTo(new Outcome.Failed("validate", null, "event is 31 bytes, over the limit of 30"));
        assertThat(apply(t, "{\"a\":1,\"b\":2,\"c\":3}")).singleElement()
                .isEqualTo(new Outcome.Failed("validate", null, "event has 3 fields, over the limit of 2"));
        assertThat(apply(CompiledTarget.dataset("web", null, LIMITS), "{\"" + "n".repeat(257) + "\":1}")).singleElement().extracting(o -> ((Outcome.Failed) o)
                .reason()).asString().endsWith("is longer than 256 characters");
    }

    /** The first flow's pattern costs about 700 steps a character: seconds over 200 kB, linear as RE2 is. */
    @Test
    void an_event_over_its_rule_budget_fails_every_flow_from_there_naming_the_budget() throws Exception {
        DataCollectionRule rule = DataCollectionRule.parse("r", Json.mapper().readTree("""
                {"properties":{"streamDeclarations":{"Custom-In":{"columns":[{"name":"M","type":"string"}]}},
                 "dataFlows":[
                  {"streams":["Custom-In"],"outputStream":"Custom-A_CL","transformKql":"source | extend L = strlen(M)"},
                  {"streams":["Custom-In"],"outputStream":"Custom-B_CL",
                   "transformKql":"source | where M matches regex @'(\\\\w+\\\\s?){1,100}$'"},
                  {"streams":["Custom-In"],"outputStream":"Custom-C_CL","transformKql":"source"}]}}"""));
        CompiledTarget t = CompiledTarget.dcrStream(rule, "Custom-In", new EventChecks.Limits(1_000_000, 10,
                new RuleBudget(Duration.ofMillis(100), Duration.ofMinutes(1))));
        List<Outcome> out = assertTimeoutPreemptively(Duration.ofSeconds(60),
                () -> apply(t, "{\"M\":\"" + "a".repeat(200_000) + "!\"}"));
        assertThat(out.get(0)).isInstanceOf(Outcome.Output.class);
        String reason = "the rule ran over its time budget of 100 ms per event";
        assertThat(out.subList(1, 3)).containsExactly(new Outcome.Failed(Outcome.STAGE_TRANSFORM, "B_CL", reason),
                new Outcome.Failed(Outcome.STAGE_TRANSFORM, "C_CL", reason));
        assertThat(apply(t, "{\"M\":\"a b c\"}")).allMatch(o -> o instanceof Outcome.Output);
    }

    @Test
    void once_a_batch_has_spent_its_rule_budget_its_later_events_fail_naming_it() throws Exception {
        DatasetRule rule = DatasetRule.parse("web", Json.mapper().readTree("""
                {"columns":[{"name":"M","type":"string"}],
                 "transformKql":"source | where M matches regex @'(\\\\w+\\\\s?){1,100}$'"}"""));
        EventChecks.Limits limits = new EventChecks.Limits(1_000_000, 10,
                new RuleBudget(Duration.ofMinutes(1), Duration.ofMillis(50)));
        CompiledTarget t = CompiledTarget.dataset("web", rule, limits);
        Budget batch = limits.ruleBudget().start();
        Outcome spent = new Outcome.Failed(Outcome.STAGE_TRANSFORM, "web",
                "its batch spent the rule time budget of 50 ms per batch");
        String slow = "{\"M\":\"" + "a".repeat(200_000) + "!\"}";
        assertThat(assertTimeoutPreemptively(Duration.ofSeconds(60), () -> t.apply(event(slow), slow.length(), batch)))
                .containsExactly(spent);
        assertThat(t.apply(event("{\"M\":\"a b\"}"), 9, batch)).containsExactly(spent);
        assertThat(t.apply(event("{\"M\":\"a b\"}"), 9, limits.ruleBudget().start())).singleElement()
                .isInstanceOf(Outcome.Output.class);
        assertThat(CompiledTarget.dataset("web", null, limits).apply(event("{\"M\":\"a b\"}"), 9, batch))
                .as("no rule, no budget").singleElement().isInstanceOf(Outcome.Output.class);
    }
}
