package io.ingestline.edge.ingest;

/** A request body, once decompressed, is over the limit. */
public final class BodyTooLargeException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public BodyTooLargeException(long limit) {
        super("request body is larger than " + limit + " bytes");
    }

    /** Over a limit that is not the body's own: {@code what} names it. */
    public BodyTooLargeException(String what, long limit) {
        super(what + " larger than " + limit + " bytes");
    }
}
