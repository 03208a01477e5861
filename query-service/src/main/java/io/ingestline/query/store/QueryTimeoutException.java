package io.ingestline.query.store;

import java.time.Duration;

/** A search ran past the store's time limit and was interrupted. */
public final class QueryTimeoutException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public QueryTimeoutException(Duration limit, Throwable cause) {
        super("the query ran past its time limit of " + limit.toMillis() + " ms and was stopped", cause);
    }
}
