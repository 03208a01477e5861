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

    @Override
    void close();
}
