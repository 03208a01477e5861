package io.ingestline.query.store;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Objects;

/**
 * The position of the last event of a page: the next page holds the events after it in the search's order. Time,
 * then file name, then line is a total order that new files do not change (a file's name is fixed once it is visible,
 * and its lines never move), so paging neither repeats nor skips an event that was there from the start.
 */
public record Cursor(long timeMicros, String file, long line) {
    public Cursor {
        Objects.requireNonNull(file, "file");
    }

    /** An opaque, URL-safe text. */
    public String encode() {
        String text = timeMicros + "/" + line + "/" + file;
        return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    /** Reads {@link #encode()}'s text; throws {@link IllegalArgumentException} for anything else. */
    public static Cursor decode(String encoded) {
        try {
            String text = new String(Base64.getUrlDecoder().decode(encoded), StandardCharsets.UTF_8);
            String[] parts = text.split("/", 3);
            return new Cursor(Long.parseLong(parts[0]), parts[2], Long.parseLong(parts[1]));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("not a cursor: " + encoded, e);
        }
    }
}
