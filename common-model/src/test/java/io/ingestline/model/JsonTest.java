package io.ingestline.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class JsonTest {
    /**
     * Issue 18: Jackson throws NumberFormatException, not an IOException, for an exponent a BigDecimal cannot hold,
     * so callers that answer 400 on IOException (the admin API, Axiom's labels header) answered 500.
     */
    @Test
    void text_jackson_cannot_read_is_always_an_io_exception() {
        String outOfRange = "{\"name\":1e-99999999999}";
        assertThatThrownBy(() -> Json.mapper().readTree(outOfRange)).isInstanceOf(NumberFormatException.class);
        assertThatThrownBy(() -> Json.readTree(outOfRange)).isInstanceOf(IOException.class)
                .hasMessageContaining("number out of range");
        assertThatThrownBy(() -> Json.readTree(outOfRange.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IOException.class);
        assertThatThrownBy(() -> Json.readTree("[" + "9".repeat(Json.MAX_NUMBER_LENGTH + 1) + "]"))
                .isInstanceOf(IOException.class);
    }

    @Test
    void the_mapper_applies_the_limits() throws Exception {
        assertThat(Json.mapper().getFactory().streamReadConstraints().getMaxNestingDepth())
                .isEqualTo(Json.MAX_NESTING_DEPTH);
        assertThat(Json.newFactory().streamReadConstraints().getMaxStringLength()).isEqualTo(Json.MAX_STRING_LENGTH);
        assertThat(Json.newFactory().streamReadConstraints().getMaxNameLength()).isEqualTo(Json.MAX_STRING_LENGTH);
        assertThat(Json.readTree("{\"n\":1e-5}").get("n").decimalValue()).isEqualByComparingTo("0.00001");
    }
}
