package io.ingestline.query.search;

import io.ingestline.query.store.StoredEvent;
import java.util.List;

/**
 * What {@code /apiv2/search} computed: the first events of the search, in its order, and how many the range holds.
 *
 * @param events    at most the search's size, and no more than the result's byte budget
 * @param total     every match in the time range
 * @param truncated whether events were left out for the byte budget
 * @param seconds   how long the search ran
 */
public record SearchResult(List<StoredEvent> events, long total, boolean truncated, double seconds) {
    public SearchResult {
        events = List.copyOf(events);
    }

    /** Roughly what it holds in memory: two bytes a character, plus the records. */
    public long bytes() {
        long b = 64;
        for (StoredEvent e : events) {
            b += e.bytes();
        }
        return b;
    }
}
