package io.ingestline.edge.http;

import io.javalin.http.Context;
import java.util.Map;
import java.util.function.BooleanSupplier;

/** {@code GET /health}: the process answers. {@code GET /ready}: and Kafka is reachable, so ingest can succeed. */
public final class HealthHandler {
    private final BooleanSupplier kafkaReady;

    public HealthHandler(BooleanSupplier kafkaReady) {
        this.kafkaReady = kafkaReady;
    }

    public void health(Context ctx) {
        Responses.json(ctx, 200, Map.of("status", "ok"));
    }

    public void ready(Context ctx) {
        if (kafkaReady.getAsBoolean()) {
            Responses.json(ctx, 200, Map.of("status", "ready"));
        } else {
            ctx.header("Retry-After", "5");
            Responses.json(ctx, 503, Map.of("status", "kafka unreachable"));
        }
    }
}
