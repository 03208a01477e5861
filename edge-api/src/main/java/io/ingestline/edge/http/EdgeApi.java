package io.ingestline.edge.http;

import io.ingestline.edge.ingest.BadBodyException;
import io.ingestline.edge.ingest.BodyFormat;
import io.ingestline.edge.ingest.BodyTooLargeException;
import io.ingestline.edge.ingest.InFlightBytes;
import io.ingestline.edge.tls.Listeners;
import io.javalin.Javalin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Declares the edge's routes, limits and error mapping in one place. */
public final class EdgeApi {
    private static final Logger LOG = LoggerFactory.getLogger(EdgeApi.class);

    private EdgeApi() {
    }

    /** The app, not started, listening where {@code listeners} say. */
    public static Javalin create(AxiomHandler axiom, HealthHandler health, Listeners listeners) {
        return Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            listeners.apply(config);
            config.routes.get("/health", health::health);
            config.routes.get("/ready", health::ready);
            config.routes.post("/v1/datasets/{dataset}/ingest", axiom::ingest);
            config.routes.post("/v1/ingest/{dataset}", axiom::ingest);

            config.routes.exception(ApiException.class, (e, ctx) -> Responses.message(ctx, e.status(), e.getMessage()));
            config.routes.exception(BadBodyException.class, (e, ctx) -> Responses.message(ctx, 400, e.getMessage()));
            config.routes.exception(BodyTooLargeException.class, (e, ctx) -> Responses.message(ctx, 413, e.getMessage()));
            config.routes.exception(BodyFormat.UnsupportedFormatException.class,
                    (e, ctx) -> Responses.message(ctx, 415, e.getMessage()));
            config.routes.exception(RateLimits.RateLimitedException.class,
                    (e, ctx) -> Responses.message(ctx, 429, e.getMessage()));
            config.routes.exception(InFlightBytes.NodeBusyException.class, (e, ctx) -> {
                ctx.header("Retry-After", Responses.RETRY_AFTER_SECONDS);
                Responses.message(ctx, 503, e.getMessage());
            });
            config.routes.exception(Exception.class, (e, ctx) -> {
                LOG.error("unexpected error on {} {}", ctx.method(), ctx.path(), e);
                Responses.message(ctx, 500, "internal error");
            });
        });
    }
}
