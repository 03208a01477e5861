package io.ingestline.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.math.BigDecimal;
import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class EventTimeTest {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    @ParameterizedTest
    @CsvSource({
        "1700000000, 2023-11-14T22:13:20Z",
        "1700000000123, 2023-11-14T22:13:20.123Z",
        "1700000000123456, 2023-11-14T22:13:20.123456Z",
        "1700000000123456789, 2023-11-14T22:13:20.123456789Z",
    })
    void reads_epoch_numbers_in_every_unit(long epoch, String expected) {
        assertThat(EventTime.parse(F.numberNode(epoch))).isEqualTo(Instant.parse(expected));
        assertThat(EventTime.parse(F.textNode(Long.toString(epoch)))).isEqualTo(Instant.parse(expected));
    }

    @Test
    void reads_fractional_epoch_seconds() {
        assertThat(EventTime.parse(F.numberNode(new BigDecimal("1700000000.5"))))
                .isEqualTo(Instant.parse("2023-11-14T22:13:20.500Z"));
    }

    @ParameterizedTest
    @CsvSource({
        "2024-05-31T15:30:45Z, 2024-05-31T15:30:45Z",
        "2024-05-31T15:30:45.123456789Z, 2024-05-31T15:30:45.123456789Z",
        "2024-05-31T17:30:45+02:00, 2024-05-31T15:30:45Z",
        "2024-05-31T10:30:45-0500, 2024-05-31T15:30:45Z",
        "2024-05-31T15:30:45, 2024-05-31T15:30:45Z",
        "2024-05-31 15:30:45, 2024-05-31T15:30:45Z",
        "2024-05-31 15:30:45.25, 2024-05-31T15:30:45.250Z",
        "2024-05-31t15:30:45z, 2024-05-31T15:30:45Z",
    })
    void reads_rfc3339_iso8601_and_sql_times(String text, String expected) {
        assertThat(EventTime.parse(text)).isEqualTo(Instant.parse(expected));
    }

    @ParameterizedTest
    @ValueSource(strings = {"yesterday", "2024-13-01T00:00:00Z", "", "31/05/2024"})
    void refuses_what_is_not_a_time_with_a_reason(String text) {
        assertThatThrownBy(() -> EventTime.parse(text)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("time");
    }

    @Test
    void refuses_non_scalar_values() {
        assertThatThrownBy(() -> EventTime.parse(F.objectNode())).hasMessageContaining("string or a number");
        assertThatThrownBy(() -> EventTime.parse(F.booleanNode(true))).hasMessageContaining("string or a number");
    }
}
