package io.ingestline.edge.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class GoTimeLayoutTest {
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "2006-01-02T15:04:05Z07:00|2026-11-23T10:30:00+02:00|2026-11-23T08:30:00Z",
        "2006-01-02T15:04:05Z07:00|2026-11-23T10:30:00Z|2026-11-23T10:30:00Z",
        "2006-01-02T15:04:05.000Z07:00|2026-11-23T10:30:00.123Z|2026-11-23T10:30:00.123Z",
        "2006-01-02T15:04:05.999999999Z07:00|2026-11-23T10:30:00.5Z|2026-11-23T10:30:00.500Z",
        "02/01/2006 15:04:05|23/11/2026 10:30:00|2026-11-23T10:30:00Z",
        "Jan _2 15:04:05 2006|Nov  3 10:30:00 2026|2026-11-03T10:30:00Z",
        "Mon, 02 Jan 2006 15:04:05 -0700|Mon, 23 Nov 2026 10:30:00 +0100|2026-11-23T09:30:00Z",
        "2006-01-02 3:04PM|2026-11-23 1:05PM|2026-11-23T13:05:00Z",
        "January 2, 2006|November 23, 2026|2026-11-23T00:00:00Z",
        "060102 150405|261123 103000|2026-11-23T10:30:00Z",
    })
    void parses_go_layouts(String layout, String text, String expected) {
        assertThat(GoTimeLayout.compile(layout).parse(text)).isEqualTo(Instant.parse(expected));
    }

    @Test
    void refuses_text_that_does_not_match_and_layouts_without_a_year() {
        assertThatThrownBy(() -> GoTimeLayout.compile("2006-01-02").parse("23/11/2026"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("timestamp-format");
        assertThatThrownBy(() -> GoTimeLayout.compile("15:04:05")).hasMessageContaining("year");
    }

    @Test
    void refuses_a_time_its_layout_reads_to_no_whole_date_as_a_bad_time() {
        assertThatThrownBy(() -> GoTimeLayout.compile("2006").parse("2024"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("timestamp-format");
        assertThatThrownBy(() -> GoTimeLayout.compile("2006-01 15:04").parse("2024-05 15:30"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void compiles_a_padded_day_followed_directly_by_a_number() {
        assertThat(GoTimeLayout.compile("__22006 15:04")).isNotNull();
        assertThatThrownBy(() -> GoTimeLayout.compile("_22006").parse("x"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
