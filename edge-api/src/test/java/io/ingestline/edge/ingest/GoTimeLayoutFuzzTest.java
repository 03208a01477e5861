package io.ingestline.edge.ingest;

import static org.junit.jupiter.api.Assertions.assertTimeout;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Fuzzes Axiom's {@code timestamp-format} ({@link GoTimeLayout}) with a layout and a time (the input's first line
 * and the rest, as UTF-8): compiling gives a layout or an {@link IllegalArgumentException} (the 400 answer), parsing
 * an instant or an {@link IllegalArgumentException} (the event refused alone), nothing else, in bounded time (10
 * seconds an input). Seeds: {@code GoTimeLayoutFuzzTestInputs}.
 */
class GoTimeLayoutFuzzTest {
    private static final Duration PER_INPUT = Duration.ofSeconds(10);

    @FuzzTest
    void any_layout_and_text_is_a_time_or_a_bad_time(byte[] input) {
        // A JUnit @Timeout would bound the whole fuzzing run too: this bounds each input (libFuzzer's -timeout
        // stops one that never ends while fuzzing).
        assertTimeout(PER_INPUT, () -> check(input));
    }

    private static void check(byte[] input) {
        String s = new String(input, StandardCharsets.UTF_8);
        int nl = s.indexOf('\n');
        String layout = nl < 0 ? s : s.substring(0, nl);
        String text = nl < 0 ? "" : s.substring(nl + 1);
        GoTimeLayout compiled;
        try {
            compiled = GoTimeLayout.compile(layout);
        } catch (IllegalArgumentException refused) {
            return;
        }
        try {
            compiled.parse(text);
        } catch (IllegalArgumentException notATime) {
            // the event is refused alone
        }
    }
}
