package io.ingestline.query.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.ingestline.query.search.Searches;
import io.ingestline.query.store.QueryTimeoutException;
import io.javalin.http.Context;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Writing JSON answers, and turning the store's failures into the API's statuses. */
final class Answers {
    private static final JsonFactory JSON = new com.fasterxml.jackson.databind.ObjectMapper().getFactory();

    /** Writes one JSON document. */
    interface Body {
        void write(JsonGenerator g) throws IOException;
    }

    private Answers() {
    }

    static void json(Context ctx, int status, Body body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(4096);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            body.write(g);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ctx.status(status).contentType("application/json").result(out.toByteArray());
    }

    static void error(Context ctx, int status, String message, int column) {
        json(ctx, status, g -> {
            g.writeStartObject();
            g.writeNumberField("status", status);
            g.writeStringField("message", message);
            if (column > 0) {
                g.writeNumberField("column", column);
            }
            g.writeEndObject();
        });
    }

    /** What a future holds, waiting at most {@code millis}; its failures as {@link #unwrap} maps them. */
    static <T> T await(CompletableFuture<T> future, long millis) {
        try {
            return future.get(millis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException(503, "interrupted");
        } catch (TimeoutException e) {
            throw new ApiException(504, "timeout", 0, 1);
        } catch (ExecutionException e) {
            throw unwrap(e.getCause());
        }
    }

    /** The API's answer to a failed store call. */
    static RuntimeException unwrap(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        if (t instanceof ApiException a) {
            return a;
        }
        if (t instanceof QueryTimeoutException) {
            // Loggly: "If you get a 504 or 500 with a description of "timeout" you can retry".
            return new ApiException(504, "timeout: " + t.getMessage(), 0, 1);
        }
        if (t instanceof Searches.BusyException) {
            return new ApiException(503, t.getMessage(), 0, 1);
        }
        return t instanceof RuntimeException r ? r : new IllegalStateException(t);
    }
}
