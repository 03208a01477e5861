package io.ingestline.edge.http;

/** An error with the HTTP status and the message the client gets. */
public final class ApiException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int status;

    public ApiException(int status, String message) {
        super(message);
        this.status = status;
    }

    public int status() {
        return status;
    }

    /** The reason, as the rejects metric names it. */
    String reason() {
        return switch (status) {
            case 400 -> "bad_request";
            case 401 -> "unauthorized";
            case 403 -> "forbidden";
            case 404 -> "not_found";
            case 413 -> "too_large";
            default -> "status_" + status;
        };
    }
}
