package io.ingestline.rules;

import static org.assertj.core.api.Assertions.assertThat;

import io.ingestline.model.Json;
import io.ingestline.model.rules.DatasetRule;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link PassThrough} against the tree path ({@link TreePathOracle}): hand-picked events, then a seeded stream of
 * random ones (the seed is printed; {@code -Dpassthrough.seed=N} replays one) with nested values, every number form,
 * escapes and non-BMP text, duplicate names at any depth, {@code _time} in each accepted form and bad ones, an
 * incoming {@code _id}, too many fields, bad names, oversize events, broken JSON, non-objects and trailing text.
 */
class PassThroughTest {
    private static final EventChecks.Limits LIMITS = new EventChecks.Limits(3000, 10);
    private static final CompiledTarget TARGET = CompiledTarget.dataset(TreePathOracle.DATASET, null, LIMITS);
    private static final int WRITE_LIMIT = 1 << 20;
    private static final int EVENTS = 10_000;

    @Test
    void only_targets_that_pass_events_through_have_the_fast_path() throws Exception {
        assertThat(TARGET.passThrough().dataset()).isEqualTo("web");
        DatasetRule plain = DatasetRule.parse("web", Json.mapper().readTree("{\"transformKql\":\"source\"}"));
        assertThat(CompiledTarget.dataset("web", plain, LIMITS).passThrough()).isNotNull();
        DatasetRule columns = DatasetRule.parse("web", Json.mapper().readTree(
                "{\"columns\":[{\"name\":\"ms\",\"type\":\"long\"}],\"transformKql\":\"source\"}"));
        assertThat(CompiledTarget.dataset("web", columns, LIMITS).passThrough()).isNull();
        DatasetRule transform = DatasetRule.parse("web", Json.mapper().readTree(
                "{\"transformKql\":\"source | extend x = 1\"}"));
        assertThat(CompiledTarget.dataset("web", transform, LIMITS).passThrough()).isNull();
    }

    @Test
    void writes_the_envelope_as_the_tree_path_does() {
        String in = "{ \"b\":1e3, \"_id\":\"theirs\", \"a\":[-0, -0.0, 2.50, 12345678901, 123456789012345678901234],"
                + "\"_time\":1764900000123, \"s\":\"\\u00e9\\ud83d\\ude00\\t\\/\", \"n\":null }";
        PassThrough.Written w = (PassThrough.Written) write(in);
        assertThat(new String(w.value(), StandardCharsets.UTF_8)).isEqualTo("{\"_time\":\"2025-12-05T02:00:00.123Z\","
                + "\"_id\":\"b7f3c2a9d1e04f6a-12\",\"b\":1E+3,\"a\":[0,0.0,2.50,12345678901,"
                + "123456789012345678901234],\"s\":\"é\\uD83D\\uDE00\\t/\",\"n\":null}");
        assertThat(w.time()).isEqualTo(Instant.parse("2025-12-05T02:00:00.123Z"));
        assertThat(check(in)).isInstanceOf(TreePathOracle.Value.class);
        PassThrough.Written empty = (PassThrough.Written) write("{\"_time\":null}");
        assertThat(new String(empty.value(), StandardCharsets.UTF_8))
                .isEqualTo("{\"_time\":\"2026-12-05T02:00:00.123Z\",\"_id\":\"b7f3c2a9d1e04f6a-12\"}");
        assertThat(empty.time()).isEqualTo(TreePathOracle.RECEIVED);
    }

    @Test
    void refuses_what_the_checks_refuse_with_the_same_reason() {
        assertThat(write("{\"_time\":\"soon\"}")).isEqualTo(new PassThrough.Refused(new Outcome.Failed(
                Outcome.STAGE_VALIDATE, "web", "invalid time in field _time: unrecognised time format: soon")));
        assertThat(write("{\"a\":1,\"\":2}")).isEqualTo(new PassThrough.Refused(
                new Outcome.Failed(Outcome.STAGE_VALIDATE, null, "a field name is empty")));
        assertThat(check("{\"\":1,\"a\\u0001\":2}")).isInstanceOf(TreePathOracle.Failed.class);
        assertThat(check("{\"_time\":{\"x\":1}}")).isInstanceOf(TreePathOracle.Failed.class);
        // a duplicate within a _time that is no time changes nothing of the outcome
        assertThat(check("{\"_time\":[{\"t\":1,\"t\":2}]}")).isInstanceOf(TreePathOracle.Failed.class);
        assertThat(check("{\"_time\":\"soon\",\"a\":1,\"b\":2,\"c\":3,\"d\":4,\"e\":5,\"f\":6,\"g\":7,\"h\":8,"
                + "\"i\":9,\"j\":10}")).isInstanceOf(TreePathOracle.Failed.class);
    }

    @Test
    void leaves_parse_errors_duplicates_and_oversize_values_to_the_tree_path() {
        for (String in : List.of("[1]", "\"a\"", "", " ", "{\"a\":1} x", "{\"a\":1}{}", "{\"a\":1", "{\"a\":01}",
                "{\"a\":1e-99999999999}", "{\"a\":1,\"a\":2}", "{\"a\":{\"b\":1,\"b\":2}}",
"{\"a\":" + "[".repeat(300) + "]".repeat(300) + "}")) {
            assertThat(write(in)).as(in).isSameAs(PassThrough.TreePath.INSTANCE);
        }
        byte[] bad = {'{', '"', 'a', '"', ':', '"', (byte) 0xc3, '(', '"', '}'};
        assertThat(TARGET.passThrough().write(bad, 0, bad.length, TreePathOracle.ID, TreePathOracle.RECEIVED,
                WRITE_LIMIT)).isSameAs(PassThrough.TreePath.INSTANCE);
        assertThat(TARGET.passThrough().write(bytes("{\"a\":\"" + "x".repeat(100) + "\"}"), 0, 110,
                TreePathOracle.ID, TreePathOracle.RECEIVED, 100)).isSameAs(PassThrough.TreePath.INSTANCE);
    }

    @Test
    void random_events_give_what_the_tree_path_gives() {
        long seed = Long.getLong("passthrough.seed", System.nanoTime());
        System.out.println("PassThroughTest seed: " + seed + " (-Dpassthrough.seed=" + seed + " replays it)");
        Random r = new Random(seed);
        Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < EVENTS; i++) {
            RandomEvents events = new RandomEvents(r, List.of());
            String json = events.event();
            RandomEvents.Placed p = events.placed(bytes(json), WRITE_LIMIT);
            try {
                TreePathOracle.Tree t = TreePathOracle.check(TARGET, p.buf(), p.off(), p.len(), p.maxBytes());
                seen.merge(t == null ? "deferred" : t.getClass().getSimpleName(), 1, Integer::sum);
            } catch (AssertionError e) {
                throw new AssertionError("seed " + seed + ", event " + i + ": " + e.getMessage(), e);
            }
        }
        System.out.println("PassThroughTest outcomes: " + seen);
        assertThat(seen).containsKeys("Value", "Failed", "deferred");
        assertThat(seen.get("Value")).isGreaterThan(EVENTS / 3);
    }

    private static TreePathOracle.Tree check(String json) {
        byte[] b = bytes(json);
        return TreePathOracle.check(TARGET, b, 0, b.length, WRITE_LIMIT);
    }

    private static PassThrough.Result write(String json) {
        byte[] b = bytes(json);
        return TARGET.passThrough().write(b, 0, b.length, TreePathOracle.ID, TreePathOracle.RECEIVED, WRITE_LIMIT);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
