package io.ingestline.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeout;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.Duration;

/**
 * Fuzzes event-time parsing with any text (the input, read as UTF-8), as a string time and, where it is a JSON
 * number, as a numeric time: each gives an instant or an {@link IllegalArgumentException}, nothing else, and in
 * bounded time (an input that takes over 10 seconds fails). The fast path {@link IsoTimes} gives what
 * {@link EventTime#parseSlowly} gives, or null; every instant read is written back and read again unchanged. Seeds: {@code EventTimeFuzzTestInputs}.
 */
class EventTimeFuzzTest {
    private static final Duration PER_INPUT = Duration.ofSeconds(10);

    @FuzzTest
    void any_text_is_a_time_or_a_bad_time(byte[] input) {
        // A JUnit @Timeout would bound the whole fuzzing run too: this bounds each input (libFuzzer's -timeout
        // stops one that never ends while fuzzing).
        assertTimeout(PER_INPUT, () -> check(input));
    }

    private static void check(byte[] input) {
        String text = new String(input, StandardCharsets.UTF_8);
        Instant parsed = parse(() -> EventTime.parse(text));
        if (parsed != null) {
            assertThat(EventTime.parse(EventTime.format(parsed))).as("written and read again").isEqualTo(parsed);
        }
        String trimmed = text.trim();
        Instant fast = trimmed.isEmpty() ? null : IsoTimes.parse(trimmed);
        if (fast != null) {
            assertThat(parse(() -> EventTime.parseSlowly(trimmed))).as("IsoTimes agrees with java.time")
                    .isEqualTo(fast);
        }
        JsonNode number = jsonNumber(text);
        if (number != null) {
            Instant n = parse(() -> EventTime.parse(number));
            if (n != null) {
                assertThat(EventTime.parse(EventTime.format(n))).isEqualTo(n);
            }
        }
    }

    /** The instant, or null where the parser refused the text as a time (the one documented failure). */
    private static Instant parse(java.util.function.Supplier<Instant> parser) {
        try {
            return parser.get();
        } catch (IllegalArgumentException notATime) {
            return null;
        }
    }

    /** The text as a JSON number read as the edge reads it, or null (the edge refuses what Jackson cannot read). */
    private static JsonNode jsonNumber(String text) {
        try {
            JsonNode n = Json.mapper().readTree(text);
            return n != null && n.isNumber() ? n : null;
        } catch (JacksonException | NumberFormatException notJson) {
            return null; // Jackson reads no BigDecimal with an exponent beyond an int
        }
    }
}
