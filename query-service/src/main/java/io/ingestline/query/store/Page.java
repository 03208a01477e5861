package io.ingestline.query.store;

import java.util.List;
import java.util.Optional;

/**
 * A page of a search's events, and the cursor of the next page when there are more events. A page holds at most the
 * search's size, and stops early (with a next cursor) before its events' text would pass {@link #MAX_BYTES}, so that a
 * page of large events stays bounded in memory; it always holds at least one event when any is left.
 */
public record Page(List<StoredEvent> events, Optional<Cursor> next) {
    /** The most a page's events may hold, counted as {@link StoredEvent#bytes()}: 64 MiB. */
    public static final long MAX_BYTES = 64L << 20;

    public Page {
        events = List.copyOf(events);
    }
}
