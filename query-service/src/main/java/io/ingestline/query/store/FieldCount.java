package io.ingestline.query.store;

import java.util.Objects;

/**
 * A field seen in a search's events.
 *
 * @param name  its name as a query writes it ({@code json.user.id}; a key's {@code .}, spaces and the query
 *              language's special characters escaped with {@code \}), so it can be searched and faceted as it is
 * @param count how many of the events have a value (a string, number or boolean) there
 */
public record FieldCount(String name, long count) {
    public FieldCount {
        Objects.requireNonNull(name, "name");
    }
}
