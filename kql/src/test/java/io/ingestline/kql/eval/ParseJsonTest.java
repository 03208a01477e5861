package io.ingestline.kql.eval;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.ingestline.model.Json;
import org.junit.jupiter.api.Test;

/** Issue 18: kql reads JSON and numbers in text within the project's JSON limits, as the edge and the validator do. */
class ParseJsonTest {
    @Test
    void text_beyond_a_json_limit_stays_a_string_as_text_that_is_not_json_does() {
        String deep = "[".repeat(Json.MAX_NESTING_DEPTH + 1) + "]".repeat(Json.MAX_NESTING_DEPTH + 1);
        String longString = "\"" + "x".repeat(Json.MAX_STRING_LENGTH + 1) + "\"";
        String longNumber = "9".repeat(Json.MAX_NUMBER_LENGTH + 1);
        for (String text : new String[] {deep, longString, longNumber, "{\"a\":"}) {
            JsonNode n = Values.parseJson(text);
            assertThat(n.isTextual()).as(text.substring(0, Math.min(10, text.length()))).isTrue();
            assertThat(n.textValue()).isEqualTo(text);
        }
    }

    @Test
    void text_at_the_limits_is_parsed() {
        String deep = "[".repeat(Json.MAX_NESTING_DEPTH) + "]".repeat(Json.MAX_NESTING_DEPTH);
        assertThat(Values.parseJson(deep).isArray()).isTrue();
        assertThat(Values.parseJson("\"" + "x".repeat(Json.MAX_STRING_LENGTH) + "\"").textValue())
                .hasSize(Json.MAX_STRING_LENGTH);
        assertThat(Values.parseJson("1e-99999999999").isNumber()).isTrue(); // a double, as Kusto's real: 0
    }

    /** A timespan's number longer than the JSON number limit is no timespan (its BigDecimal parse is quadratic). */
    @Test
    void a_timespan_number_past_the_json_number_limit_is_null() {
        assertThat(Values.parseTimespan("9".repeat(Json.MAX_NUMBER_LENGTH + 1) + "d")).isNull();
        assertThat(Values.parseTimespan("1.5h")).isEqualTo(java.time.Duration.ofMinutes(90));
    }
}
