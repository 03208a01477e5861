package io.ingestline.edge.http;

import io.javalin.http.Context;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * {@code GET /health}: the process answers. {@code GET /ready}: and ingest can succeed (Kafka is reachable and
 * acknowledges sends); else 503 naming why.
 */
public final class HealthHandler {
    private final Supplier<Optional<String>> problem;

    /** @param problem why the node cannot ingest now, empty when it can */
    public HealthHandler(Supplier<Optional<String>> problem) {
        this.problem = problem;
    }

    public void health(Context ctx) {
        Responses.json(ctx, 200, Map.of("status", "ok"));
    }

    public void ready(Context ctx) {
        Optional<String> why = problem.get();
        if (why.isEmpty()) {
            Responses.json(ctx, 200, Map.of("status", "ready"));
        } else {
            ctx.header("Retry-After", "5");
            Responses.json(ctx, 503, Map.of("status", why.get()));
        }
    }
}
