package io.ingestline.edge.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.ingestline.model.Json;
import io.javalin.http.Context;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;

/** Writes JSON bodies with the shared mapper. */
final class Responses {
    /** Seconds a client should wait before retrying after a 503. */
    static final String RETRY_AFTER_SECONDS = "1";

    private Responses() {
    }

    static void json(Context ctx, int status, Object body) {
        try {
            ctx.status(status).contentType("application/json").result(Json.mapper().writeValueAsBytes(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write response", e);
        }
    }

    /** The error body most dialects share: {@code {"message":"..."}}. */
    static void message(Context ctx, int status, String message) {
        json(ctx, status, Map.of("message", message));
    }

    /** Kafka did not acknowledge in time: the client should retry, with the same request id. */
    static void unavailable(Context ctx) {
        ctx.header("Retry-After", RETRY_AFTER_SECONDS);
        ErrorShape.of(ctx).write(ctx, 503, "ServiceUnavailable",
                "the event store did not acknowledge the events in time; retry");
    }

    static String describe(Throwable error) {
        Throwable t = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        return t instanceof TimeoutException ? "no acknowledgement in time" : t.toString();
    }
}
