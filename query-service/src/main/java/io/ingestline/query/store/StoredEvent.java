package io.ingestline.query.store;

import java.util.Objects;

/**
 * One stored event as a search returns it.
 *
 * @param timeMicros its {@code _time}, in microseconds since the epoch
 * @param file       the file holding it, relative to the dataset's directory ({@code date=.../hour=.../part-...})
 * @param line       its line in that file, from 1
 * @param json       the event's JSON text as stored
 */
public record StoredEvent(long timeMicros, String file, long line, String json) {
    public StoredEvent {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(json, "json");
    }

    /** Roughly what it holds in memory: two bytes a character, plus the record. */
    public long bytes() {
        return 96 + 2L * (json.length() + file.length());
    }

    /** Where the next page starts after this event. */
    public Cursor cursor() {
        return new Cursor(timeMicros, file, line);
    }
}
