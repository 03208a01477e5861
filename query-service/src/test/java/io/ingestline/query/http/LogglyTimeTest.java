package io.ingestline.query.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class LogglyTimeTest {
    private static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");

    private static Instant parse(String v) {
        return LogglyTime.parse("from", v, NOW);
    }

    @Test
    void reads_now_and_times_relative_to_it() {
        assertThat(parse("now")).isEqualTo(NOW);
        assertThat(parse("NOW")).isEqualTo(NOW);
        assertThat(parse("-10m")).isEqualTo(NOW.minusSeconds(600));
        assertThat(parse("-2h")).isEqualTo(NOW.minusSeconds(7_200));
        assertThat(parse("-3d")).isEqualTo(NOW.minusSeconds(3 * 86_400));
        assertThat(parse("-1w")).isEqualTo(NOW.minusSeconds(7 * 86_400));
        assertThat(parse("-30s")).isEqualTo(NOW.minusSeconds(30));
        assertThat(parse("-90 minutes")).isEqualTo(NOW.minusSeconds(5_400));
        assertThat(parse("+1h")).isEqualTo(NOW.plusSeconds(3_600));
        assertThat(parse(" -24h ")).isEqualTo(NOW.minusSeconds(86_400));
    }

    @Test
    void reads_iso_8601_with_and_without_an_offset_dates_and_epoch_seconds_or_milliseconds() {
        assertThat(parse("2024-05-01T10:00:00Z")).isEqualTo(Instant.parse("2024-05-01T10:00:00Z"));
        assertThat(parse("2024-05-01T12:00:00.5+02:00")).isEqualTo(Instant.parse("2024-05-01T10:00:00.5Z"));
        assertThat(parse("2024-05-01T10:00:00")).isEqualTo(Instant.parse("2024-05-01T10:00:00Z"));
        assertThat(parse("2024-05-01")).isEqualTo(Instant.parse("2024-05-01T00:00:00Z"));
        assertThat(parse("1714557600000")).isEqualTo(Instant.parse("2024-05-01T10:00:00Z"));
        assertThat(parse("1714557600")).isEqualTo(Instant.parse("2024-05-01T10:00:00Z"));
    }

    @Test
    void refuses_what_is_not_a_time_naming_the_parameter() {
        for (String bad : new String[] {"yesterday", "-10x", "", "2024-13-01", "-", "10m ago", "9999999999999999999"}) {
            assertThatThrownBy(() -> parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("from=");
        }
    }

    @Test
    void refuses_absurd_amounts_instead_of_overflowing() {
        assertThatThrownBy(() -> parse("-999999999999w")).hasMessageContaining("100 years");
        assertThatThrownBy(() -> parse("-99999999999d")).hasMessageContaining("100 years");
        assertThatThrownBy(() -> parse("-1")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> parse("99999-01-01T00:00:00Z")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> parse("1900-01-01")).hasMessageContaining("outside 1970 to 9999");
    }
}
