package io.ingestline.edge.ingest;

/** A request body that cannot be read at all (bad JSON, unknown encoding): nothing of it is ingested. */
public final class BadBodyException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public BadBodyException(String message) {
        super(message);
    }
}
