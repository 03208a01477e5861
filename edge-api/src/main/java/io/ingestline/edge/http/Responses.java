package io.ingestline.edge.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.ingestline.model.Json;
import io.javalin.http.Context;
import io.ingestline.edge.ingest.IngestOutcome;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;

/** Writes JSON bodies with the shared mapper. */
final class Responses {
    /** Seconds a client should wait before retrying after a 503. */
    static final String RETRY_AFTER_SECONDS = "1";
    /** Refused events named in an answer's message; the rest are counted. */
    private static final int MAX_LISTED = 20;

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

    /**
     * The refused events of a request as {@code [{"index":i,"error":"..."}]}, for the dialects' partial answers; with
     * {@code "line":n} (from 1) too for a body of one event a line.
     */
    static List<Map<String, Object>> failures(IngestOutcome outcome) {
        return outcome.failures().stream().map(f -> {
            Map<String, Object> failure = new LinkedHashMap<>();
            failure.put("index", f.index());
            if (f.line() > 0) {
                failure.put("line", f.line());
            }
            failure.put("error", f.error());
            return failure;
        }).toList();
    }

    /**
     * Why nothing of a request was stored, for a person: it held no event, or how many were refused (with the first
     * reasons when {@code details}; else the dialect lists them beside).
     */
    static String refusal(IngestOutcome outcome, String noun, boolean details) {
        if (outcome.failures().isEmpty()) {
            return "the request holds no " + noun + " to ingest";
        }
        StringBuilder m = new StringBuilder().append(outcome.failures().size()).append(" of ").append(outcome.events())
                .append(' ').append(noun).append("(s) refused; nothing was stored");
        if (details) {
            m.append(':');
            outcome.failures().stream().limit(MAX_LISTED).forEach(f -> m.append(' ').append(f.where(noun))
                    .append(": ").append(f.error()).append(';'));
        }
        return m.toString();
    }

    static String describe(Throwable error) {
        Throwable t = cause(error);
        return t instanceof TimeoutException ? "no acknowledgement in time" : t.toString();
    }

    /** The error inside a future's {@link CompletionException}. */
    static Throwable cause(Throwable error) {
        Throwable t = error;
        while (t instanceof CompletionException && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }
}
