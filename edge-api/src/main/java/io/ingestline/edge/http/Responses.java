package io.ingestline.edge.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.ingestline.model.Json;
import io.javalin.http.Context;
import java.util.Map;

/** Writes JSON bodies with the shared mapper. */
final class Responses {
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
}
