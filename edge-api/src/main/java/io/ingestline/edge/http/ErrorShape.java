package io.ingestline.edge.http;

import io.javalin.http.Context;
import java.util.Map;

/**
 * How a dialect writes an error answer. A handler names its shape on the request first thing, so that every error,
 * wherever raised (auth, limits, body, Kafka), reaches the client in its own API's form.
 */
@FunctionalInterface
interface ErrorShape {
    /**
     * @param code    a short machine-readable code (Azure's {@code error.code} style)
     * @param message what went wrong, for a person
     */
    void write(Context ctx, int status, String code, String message);

    /** {@code {"message":"..."}}: Axiom and the default. */
    ErrorShape MESSAGE = (ctx, status, code, message) -> Responses.json(ctx, status, Map.of("message", message));

    /** {@code {"<statusKey>":"error","<messageKey>":"..."}}: AstraLog's and Loggly's form. */
    static ErrorShape statusAndMessage(String statusKey, String messageKey) {
        return (ctx, status, code, message) -> {
            Map<String, Object> body = new java.util.LinkedHashMap<>();
            body.put(statusKey, "error");
            body.put(messageKey, message);
            Responses.json(ctx, status, body);
        };
    }

    /** Attribute under which a handler names its shape. */
    String ATTRIBUTE = "ingest.error-shape";

    static void use(Context ctx, ErrorShape shape) {
        ctx.attribute(ATTRIBUTE, shape);
    }

    static ErrorShape of(Context ctx) {
        ErrorShape s = ctx.attribute(ATTRIBUTE);
        return s == null ? MESSAGE : s;
    }

    /** The code for a status when the raiser gave none. */
    static String code(int status) {
        return switch (status) {
            case 400 -> "InvalidRequest";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "NotFound";
            case 405 -> "MethodNotAllowed";
            case 408 -> "RequestTimeout";
            case 413 -> "ContentLengthLimitExceeded";
            case 415 -> "UnsupportedMediaType";
            case 431 -> "RequestHeaderFieldsTooLarge";
            case 429 -> "TooManyRequests";
            case 503 -> "ServiceUnavailable";
            default -> "InternalServerError";
        };
    }
}
