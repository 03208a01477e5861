package io.ingestline.rules;

import static org.assertj.core.api.Assertions.assertThat;

import io.ingestline.model.Json;
import io.ingestline.model.rules.DataCollectionRule;
import io.ingestline.model.rules.DatasetRule;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * {@link RulePass} against the tree path ({@link TreePathOracle#checkRule}): hand-picked events, then, for each of
 * several rules, a seeded stream of random ones ({@link RandomEvents}: the seed is printed, {@code -Drulepass.seed=N}
 * replays one) whose top-level fields often carry the rule's declared and output column names, with values of every
 * type (right, convertible, wrong, null, nested), before, between and after the other fields.
 */
class RulePassTest {
    private static final EventChecks.Limits LIMITS = new EventChecks.Limits(3000, 10);
    private static final int WRITE_LIMIT = 1 << 20;
    private static final int EVENTS = 4_000;

    /** The rules, as {@code columns} (name type, ...) and {@code transformKql}. */
    static final List<String[]> RULES = List.of(
            // the pipeline benchmark's rule
            new String[] {"status int, latency_ms real, bytes long, level string",
                "source | extend slow = latency_ms > 500.0, failed = status >= 500"},
            // where drops; an integer division by zero fails; an output column named like undeclared fields
            new String[] {"status int, bytes long",
                "source | where status != 404 | extend per = bytes / status, f7 = 1"},
            // a declared column given a new value, iif, a declared string the event may lack
            new String[] {"level string, msg string, code long",
                "source | extend level = toupper(level), f3 = iif(code > 100, 'big', 'small'), note = strcat(msg, '!')"},
            // datetime, dynamic, bool and real columns
            new String[] {"ts datetime, props dynamic, ok boolean, ratio real",
                "source | extend day = startofday(ts), a = props.a, okay = not(ok), r2 = ratio * 2, f1 = props"},
            // project keeps some columns and adds one
            new String[] {"status int, level string, msg string", "source | project status, level, f2 = 1"},
            // no declared columns
            new String[] {"", "source | extend x = 1, f5 = 'five'"},
            // renames and drops a declared column
            new String[] {"a long, b string", "source | project-rename c = a | project-away b | extend f0 = c + 1"},
            // string operators in where, a declared column computed from
            new String[] {"level string, latency_ms real",
                "source | where level has 'warn' or latency_ms > 100 | extend lvl = tolower(level), level = 'x'"});

    @Test
    void only_dataset_rules_that_read_their_columns_have_the_rule_path() throws Exception {
        assertThat(target("status int", "source | extend x = 1").rulePass().dataset()).isEqualTo("web");
        assertThat(target("status int", "source").rulePass()).isNull(); // no transformation
        assertThat(target("status int", "print x = 1").rulePass()).isNull();
        assertThat(target("status int", "source | extend _id = 'mine'").rulePass()).isNull();
        assertThat(target("status int", "source | extend _time = now()").rulePass()).isNull();
        assertThat(CompiledTarget.dataset("web", null, LIMITS).rulePass()).isNull();
        DataCollectionRule dcr = DataCollectionRule.parse("dcr-1", Json.mapper().readTree("""
                {"properties":{"streamDeclarations":{"Custom-s":{"columns":[{"name":"a","type":"long"}]}},
                 "dataFlows":[{"streams":["Custom-s"],"outputStream":"Custom-t_CL",
                   "transformKql":"source | extend TimeGenerated = now()"}]}}"""));
        assertThat(CompiledTarget.dcrStream(dcr, "Custom-s", LIMITS).rulePass()).isNull();
    }

    @Test
    void gives_the_tree_paths_outcome_for_each_kind_of_event() {
        CompiledTarget bench = target(RULES.get(0));
        for (String in : List.of(
                "{\"a\":1,\"status\":\"503\",\"latency_ms\":600,\"bytes\":12,\"level\":\"warn\",\"slow\":\"x\",\"z\":2}",
                "{\"failed\":[1],\"_time\":1764900000,\"status\":null,\"_id\":\"theirs\",\"m\":{\"status\":1}}",
                "{\"level\":\"\",\"e\":\"\\u00e9\\ud83d\\ude00\",\"latency_ms\":2.50}", "{}")) {
            assertThat(check(bench, in)).as(in).isInstanceOf(TreePathOracle.Value.class);
        }
        assertThat(check(bench, "{\"status\":\"abc\"}")).isEqualTo(new TreePathOracle.Failed(new Outcome.Failed(
                Outcome.STAGE_VALIDATE, null, "column status is declared int but the event has \"abc\"")));
        assertThat(check(bench, "{\"status\":1,\"_time\":\"soon\"}")).isEqualTo(new TreePathOracle.Failed(
                new Outcome.Failed(Outcome.STAGE_VALIDATE, "web",
                        "invalid time in field _time: unrecognised time format: soon")));
        CompiledTarget where = target(RULES.get(1));
        assertThat(check(where, "{\"status\":404,\"_time\":\"soon\"}")).isEqualTo(new TreePathOracle.Dropped("web"));
        assertThat(check(where, "{\"status\":0,\"bytes\":5}")).isInstanceOf(TreePathOracle.Failed.class)
                .extracting(f -> ((TreePathOracle.Failed) f).failure().stage()).isEqualTo(Outcome.STAGE_TRANSFORM);
    }

    @Test
    void leaves_parse_errors_duplicates_and_oversize_events_to_the_tree_path() {
        CompiledTarget bench = target(RULES.get(0));
        for (String in : List.of("[1]", "{\"a\":1} x", "{\"a\":1", "{\"a\":1,\"a\":2}", "{\"status\":1,\"status\":2}",
                "{\"a\":{\"b\":1,\"b\":2}}")) {
            byte[] b = in.getBytes(StandardCharsets.UTF_8);
            assertThat(bench.rulePass().write(b, 0, b.length, TreePathOracle.ID, TreePathOracle.RECEIVED,
                    WRITE_LIMIT, RuleBudget.DEFAULT.start())).as(in).isSameAs(PassThrough.TreePath.INSTANCE);
        }
        byte[] big = ("{\"a\":\"" + "x".repeat(200) + "\"}").getBytes(StandardCharsets.UTF_8);
        assertThat(bench.rulePass().write(big, 0, big.length, TreePathOracle.ID, TreePathOracle.RECEIVED, 150,
                RuleBudget.DEFAULT.start())).isSameAs(PassThrough.TreePath.INSTANCE);
    }

    @Test
    void random_events_give_what_the_tree_path_gives_under_each_rule() {
        long seed = Long.getLong("rulepass.seed", System.nanoTime());
        System.out.println("RulePassTest seed: " + seed + " (-Drulepass.seed=" + seed + " replays it)");
        Random r = new Random(seed);
        Map<String, Integer> seen = new HashMap<>();
        for (int k = 0; k < RULES.size(); k++) {
            CompiledTarget target = target(RULES.get(k));
            List<String> names = names(target);
            for (int i = 0; i < EVENTS; i++) {
                RandomEvents events = new RandomEvents(r, names);
                RandomEvents.Placed p = events.placed(events.event().getBytes(StandardCharsets.UTF_8), WRITE_LIMIT);
                try {
                    TreePathOracle.Tree t = TreePathOracle.checkRule(target, p.buf(), p.off(), p.len(), p.maxBytes());
                    seen.merge(t == null ? "deferred" : t.getClass().getSimpleName(), 1, Integer::sum);
                } catch (AssertionError e) {
                    throw new AssertionError("seed " + seed + ", rule " + k + ", event " + i + ": " + e.getMessage(), e);
                }
            }
        }
        System.out.println("RulePassTest outcomes: " + seen);
        assertThat(seen).containsKeys("Value", "Failed", "Dropped", "deferred");
        assertThat(seen.get("Value")).isGreaterThan(RULES.size() * EVENTS / 4);
    }

    /** The rule's declared and output columns: the names the random events give often. */
    static List<String> names(CompiledTarget target) {
        Set<String> names = new LinkedHashSet<>(target.columns().get("web").keySet());
        names.add("f7");
        return new ArrayList<>(names);
    }

    static CompiledTarget target(String[] rule) {
        return target(rule[0], rule[1]);
    }

    static CompiledTarget target(String columns, String kql) {
        return target(columns, kql, LIMITS);
    }

    /** A dataset's target with a rule of those columns ({@code name type, ...}) and that transformation. */
    static CompiledTarget target(String columns, String kql, EventChecks.Limits limits) {
        StringBuilder json = new StringBuilder("{\"columns\":[");
        String sep = "";
        for (String c : columns.split(",")) {
            if (!c.isBlank()) {
                String[] nt = c.trim().split(" ");
                json.append(sep).append("{\"name\":\"").append(nt[0]).append("\",\"type\":\"").append(nt[1])
                        .append("\"}");
                sep = ",";
            }
        }
        json.append("],\"transformKql\":\"").append(kql).append("\"}");
        try {
            return CompiledTarget.dataset(TreePathOracle.DATASET, DatasetRule.parse(TreePathOracle.DATASET,
                    Json.mapper().readTree(json.toString())), limits);
        } catch (IOException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static TreePathOracle.Tree check(CompiledTarget target, String json) {
        byte[] b = json.getBytes(StandardCharsets.UTF_8);
        return TreePathOracle.checkRule(target, b, 0, b.length, WRITE_LIMIT);
    }
}
