package io.ingestline.query.store;

/**
 * Where stored events are searched. Implementations are thread-safe; each call is bounded in memory (a page) and in
 * time (it throws {@link QueryTimeoutException} past the store's limit).
 */
public interface EventStore extends AutoCloseable {

    /** One page of the search's events, in its order, after its cursor. */
    Page search(Search search);

    /** How many events the search finds in its time range (its cursor and size are ignored). */
    long count(Search search);

    /** A name or value and how many of the search's events hold it. */
    record Count(String term, long count) {
    }

    /**
     * The fields the search's events hold ({@code json.<path>}, as queries name them), most frequent first, at most
     * {@code limit}.
     */
    default java.util.List<Count> fields(Search search, int limit) {
        throw new UnsupportedOperationException("this store cannot list fields");
    }

    /** The values of {@code field} ({@code json.<path>} or {@code tag}) in the search's events, most frequent first. */
    default java.util.List<Count> facet(Search search, String field, int limit) {
        throw new UnsupportedOperationException("this store cannot count values");
    }

    /** Why the store cannot serve now (its database unreachable, its directory unreadable), or empty when it can. */
    default java.util.Optional<String> problem() {
        return java.util.Optional.empty();
    }

    @Override
    void close();
}
