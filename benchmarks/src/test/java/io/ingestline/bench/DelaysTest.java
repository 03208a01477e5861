package io.ingestline.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class DelaysTest {
    @Test
    void counts_an_event_seen_stored_twice_as_a_duplicate_not_as_stored() {
        Delays delays = new Delays();
        delays.record(7, 1_500, 1_000);
        delays.record(8, 1_700, 1_000);
        delays.record(7, 2_000, 1_000);
        assertThat(delays.matched()).isEqualTo(2);
        assertThat(delays.all().getTotalCount()).isEqualTo(2);
        assertThat(delays.all().getMaxValue()).isBetween(699L, 701L);
        assertThat(delays.duplicates()).isEqualTo(1);
    }
}
