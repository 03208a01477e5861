package io.ingestline.edge.http;

/** An error with the HTTP status and the message the client gets. */
public final class ApiException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int status;
    private final String code;

    public ApiException(int status, String message) {
        this(status, ErrorShape.code(status), message);
    }

    /** @param code the dialect's error code, where it has one (Azure's {@code error.code}) */
    public ApiException(int status, String code, String message) {
        super(message);
        this.status = status;
        this.code = code;
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
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
