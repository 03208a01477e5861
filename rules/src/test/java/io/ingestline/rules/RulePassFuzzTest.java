package io.ingestline.rules;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.List;

/**
 * Fuzzes {@link RulePass} against the tree path ({@link TreePathOracle#checkRule}) with any bytes: the first picks
 * one of {@link RulePassTest#RULES} (its digit, in the seeds), the rest is the event. The same value, time, failure or
 * drop, or a deferral to the tree path only where that gives no value, the event holds a duplicate name or its
 * fields alone are over the write limit. A small field limit and write limit bring those checks within the fuzzer's
 * reach. Seeds: {@code RulePassFuzzTestInputs}.
 */
class RulePassFuzzTest {
    private static final EventChecks.Limits LIMITS = new EventChecks.Limits(2000, 8);
    private static final List<CompiledTarget> TARGETS = RulePassTest.RULES.stream()
            .map(r -> RulePassTest.target(r[0], r[1], LIMITS)).toList();

    @FuzzTest
    void any_bytes_give_the_tree_paths_outcome_under_each_rule(byte[] input) {
        if (input.length == 0) {
            return;
        }
        CompiledTarget target = TARGETS.get(Math.floorMod(input[0] - '0', TARGETS.size()));
        TreePathOracle.checkRule(target, input, 1, input.length - 1, 1000);
    }
}
