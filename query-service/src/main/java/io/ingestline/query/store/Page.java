package io.ingestline.query.store;

import java.util.List;
import java.util.Optional;

/** A page of a search's events, and the cursor of the next page when there are more events. */
public record Page(List<StoredEvent> events, Optional<Cursor> next) {
    public Page {
        events = List.copyOf(events);
    }
}
