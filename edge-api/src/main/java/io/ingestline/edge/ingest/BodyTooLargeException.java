package io.ingestline.edge.ingest;

/** A request body, once decompressed, is over the limit. */
public final class BodyTooLargeException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public BodyTooLargeException(long limit) {
        super("request body is larger than " + limit + " bytes");
    }
}
