package io.ingestline.query.store;

import java.util.Objects;

/**
 * One value of a facet.
 *
 * @param value the value's text (a string's value, a number's or boolean's JSON text)
 * @param count how many of the search's events have it (an event holding it twice, in an array, counts once)
 */
public record ValueCount(String value, long count) {
    public ValueCount {
        Objects.requireNonNull(value, "value");
    }
}
