package io.ingestline.query.store;

/** The store could not run a search (an unreadable file, a database error). */
public final class StoreException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
