package io.ingestline.edge.ingest;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.Timeout.ThreadMode;

/**
 * Fuzzes Axiom's {@code timestamp-format} ({@link GoTimeLayout}) with a layout and a time (the input's first line
 * and the rest, as UTF-8): compiling gives a layout or an {@link IllegalArgumentException} (the 400 answer), parsing
 * an instant or an {@link IllegalArgumentException} (the event refused alone), nothing else, in bounded time. Seeds:
 * {@code GoTimeLayoutFuzzTestInputs}.
 */
class GoTimeLayoutFuzzTest {
    @FuzzTest
    @Timeout(value = 10, unit = TimeUnit.SECONDS, threadMode = ThreadMode.SEPARATE_THREAD)
    void any_layout_and_text_is_a_time_or_a_bad_time(byte[] input) {
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
