package io.ingestline.edge.ingest;

import java.io.IOException;

/**
 * A request body that could not be read to its end: its bytes are not what its {@code Content-Encoding} says
 * ({@link Kind#BAD_ENCODING}), or the HTTP framing around them broke (a malformed chunk, a body shorter than its
 * {@code Content-Length}, a client that closed mid-body: {@link Kind#BAD_FRAMING}). A client's mistake, never the
 * server's: nothing of the request is ingested.
 */
public final class UnreadableBodyException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** What broke, named as the rejects metric counts it. */
    public enum Kind {
        BAD_ENCODING("bad_encoding"), BAD_FRAMING("bad_framing");

        private final String reason;

        Kind(String reason) {
            this.reason = reason;
        }

        public String reason() {
            return reason;
        }
    }

    private final Kind kind;

    UnreadableBodyException(Kind kind, String message, IOException cause) {
        super(message, cause, false, false);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
