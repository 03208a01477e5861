package io.ingestline.query.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ingestline.query.lang.Query;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class SearchTest {
    private static final Query ALL = new Query.MatchAll(1);
    private static final Instant FROM = Instant.parse("2026-11-23T10:00:00Z");
    private static final Instant UNTIL = Instant.parse("2026-11-23T11:00:00Z");

    @Test
    void a_cursor_reads_back_from_its_text_even_with_slashes_in_the_file_name() {
        Cursor cursor = new Cursor(-1_000_001L, "date=2026-11-23/hour=10/part-0-5-6.ndjson.zst", 42);
        assertThat(cursor.encode()).matches("[A-Za-z0-9_-]+");
        assertThat(Cursor.decode(cursor.encode())).isEqualTo(cursor);
    }

    @Test
    void text_that_is_not_a_cursor_is_refused() {
        assertThatThrownBy(() -> Cursor.decode("not a cursor")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Cursor.decode("MTIz")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void a_dataset_name_that_could_leave_the_datasets_directory_is_refused() {
        for (String name : new String[] {"../web", "web/../../etc", "", "a b", "web\u0000"}) {
            assertThatThrownBy(() -> Search.of(name, ALL, FROM, UNTIL, Order.ASC, 10))
                    .as(name).isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(Search.of("_deadletter", ALL, FROM, UNTIL, Order.ASC, 10).dataset()).isEqualTo("_deadletter");
    }

    @Test
    void a_page_holds_one_to_five_thousand_events_and_the_range_must_not_be_empty() {
        assertThatThrownBy(() -> Search.of("web", ALL, FROM, UNTIL, Order.ASC, 0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Search.of("web", ALL, FROM, UNTIL, Order.ASC, 5_001))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Search.of("web", ALL, UNTIL, UNTIL, Order.ASC, 10))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(Search.of("web", ALL, FROM, UNTIL, Order.DESC, 5_000).size()).isEqualTo(5_000);
    }
}
