package io.ingestline.query.http;

/**
 * A request the API refuses, with its status and a message for the client. {@code column} (1-based, 0 for none) points
 * into the query when the query is at fault; {@code retryAfterSeconds} (0 for none) is sent as {@code Retry-After}.
 */
public final class ApiException extends RuntimeException {
    private final int status;
    private final int column;
    private final long retryAfterSeconds;

    public ApiException(int status, String message) {
        this(status, message, 0, 0);
    }

    public ApiException(int status, String message, int column, long retryAfterSeconds) {
        super(message);
        this.status = status;
        this.column = column;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public int status() {
        return status;
    }

    public int column() {
        return column;
    }

    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
