package io.ingestline.rules;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Fuzzes {@link PassThrough} against the tree path ({@link TreePathOracle}) with any bytes as the event: the same
 * value, time or failure, or a deferral to the tree path only where that gives no value or the event holds a
 * duplicate name. A small field limit and write limit bring those checks within the fuzzer's reach. Seeds:
 * {@code PassThroughFuzzTestInputs}.
 */
class PassThroughFuzzTest {
    private static final CompiledTarget TARGET = CompiledTarget.dataset(TreePathOracle.DATASET, null,
            new EventChecks.Limits(2000, 8));

    @FuzzTest
    void any_bytes_give_the_tree_paths_outcome(byte[] input) {
        TreePathOracle.check(TARGET, input, 0, input.length, 1000);
    }
}
