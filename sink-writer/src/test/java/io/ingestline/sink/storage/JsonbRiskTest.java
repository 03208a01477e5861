package io.ingestline.sink.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** {@link JsonbRisk}'s answers where the database's encoding matters, and its edges ({@link JsonbRiskIT}: against PostgreSQL). */
class JsonbRiskTest {
    private static boolean risky(String text, boolean utf8) {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        return JsonbRisk.risky(b, 0, b.length, utf8);
    }

    @Test
    void in_a_database_that_is_not_utf8_every_escape_above_ascii_is_a_risk() {
        for (String ascii : new String[] {"\"\\u0041\"", "\"\\u007f\"", "\"\\u007F\"", "\"\\u0001\"", "\"\\n\\t\""}) {
            assertThat(risky(ascii, false)).as(ascii).isFalse();
            assertThat(risky(ascii, true)).as(ascii).isFalse();
        }
        for (String above : new String[] {"\"\\u0080\"", "\"\\u00e9\"", "\"\\u4e2d\"", "\"\\ud83d\\ude00\"",
            "\"\\uD000\"", "\"\\uffff\""}) {
            assertThat(risky(above, false)).as(above).isTrue();
        }
        assertThat(risky("\"\\u00e9\\u4e2d\\ud83d\\ude00\\uDBFF\\uDFFF\"", true)).isFalse();
    }

    @Test
    void escapes_are_read_whole_and_numbers_flagged_by_their_digits() {
        assertThat(risky("\"\\\\u0000\"", true)).isFalse(); // an escaped backslash, then text
        assertThat(risky("\"\\\\\\u0000\"", true)).isTrue();
        assertThat(risky("\"\\\\ud800\\udc00\"", true)).isTrue(); // text, then a lone low surrogate
        assertThat(risky("\"\\udc00\\ud800\"", true)).isTrue();
        assertThat(risky("\"\\ud800\"", true)).isTrue();
        assertThat(risky("\"\\ud800", true)).isTrue();
        assertThat(risky("[1e9999, 1E-9999, 1e+0999]", true)).isFalse();
        assertThat(risky("[1e10000]", true)).isTrue();
        assertThat(risky("[1e00001]", true)).isTrue(); // leading zeros count: a yes PostgreSQL then answers
        assertThat(risky("[" + "9".repeat(999) + "." + "9".repeat(999) + "]", true)).isFalse();
        assertThat(risky("[" + "9".repeat(1000) + "]", true)).isTrue();
        assertThat(risky("{\"a\":\"x\"}", true)).isFalse();
    }

    /** What is a yes costs a round trip to PostgreSQL: ordinary events, hex ids and digits in strings among them, are not. */
    @Test
    void digits_and_exponents_in_strings_are_not_a_risk() {
        String event = "{\"_time\":\"2026-12-05T10:00:00.123Z\",\"trace_id\":\"9e12345abcde99999e00001\","
                + "\"span\":\"E99999\",\"digits\":\"" + "7".repeat(5000) + "\",\"q\":\"say \\\"e12345\\\"\","
                + "\"status\":200,\"latency_ms\":12.5e3,\"ok\":true,\"none\":null,\"f\":false}";
        assertThat(risky(event, true)).isFalse();
        assertThat(risky(event.replace("\"status\":200", "\"status\":2e10000"), true)).isTrue();
        assertThat(risky(event.replace("\"status\":200", "\"status\":" + "2".repeat(1000)), true)).isTrue();
        assertThat(risky(event.replace("say", "nul \\u0000"), true)).isTrue();
    }
}
