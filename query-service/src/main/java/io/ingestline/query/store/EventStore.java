package io.ingestline.query.store;

import java.util.List;

/**
 * Where stored events are searched. Implementations are thread-safe; each call is bounded in memory (a page, or an
 * aggregation within the store's memory limit) and in time (it throws {@link QueryTimeoutException} past the store's
 * limit).
 */
public interface EventStore extends AutoCloseable {
    /** The most field names {@link #fields} returns. */
    int MAX_FIELDS = 1_000;
    /** The deepest field {@link #fields} looks for: {@code json.} and at most this many keys. */
    int MAX_FIELD_DEPTH = 8;
    /** The most values {@link #facet} returns. */
    int MAX_FACET_SIZE = 1_000;

    /** One page of the search's events, in its order, after its cursor. */
    Page search(Search search);

    /** How many events the search finds in its time range (its cursor and size are ignored). */
    long count(Search search);

    /**
     * The fields of the events the search finds (its cursor and size are ignored): the {@code json.} paths at most
     * {@link #MAX_FIELD_DEPTH} keys deep that hold a string, number or boolean (an array on the way or at the end
     * standing for its elements, as in a query), with how many events have them; the {@link #MAX_FIELDS} most
     * frequent, most frequent first, then by name.
     */
    default List<FieldCount> fields(Search search) {
        throw new UnsupportedOperationException("fields are not implemented by " + getClass().getSimpleName());
    }

    /**
     * The {@code size} (1 to {@link #MAX_FACET_SIZE}) most frequent values of a field ({@code json.<path>} or
     * {@code tag}, written as in a query) among the events the search finds, with how many events hold each; most
     * frequent first, then by value. Throws {@link IllegalArgumentException} for a field a query cannot name.
     */
    default List<ValueCount> facet(Search search, String field, int size) {
        throw new UnsupportedOperationException("facets are not implemented by " + getClass().getSimpleName());
    }

    /** The field a facet names, checked with its size: what every store's {@link #facet} starts with. */
    static io.ingestline.query.lang.Field facetField(String field, int size) {
        if (size < 1 || size > MAX_FACET_SIZE) {
            throw new IllegalArgumentException("a facet's size must be 1 to " + MAX_FACET_SIZE + ": " + size);
        }
        return Search.field(field);
    }

    /** Why the store cannot serve now (its database unreachable, its directory unreadable), or empty when it can. */
    default java.util.Optional<String> problem() {
        return java.util.Optional.empty();
    }

    @Override
    void close();
}
