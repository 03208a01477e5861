package io.ingestline.edge.http;

import io.ingestline.edge.ingest.BadBodyException;
import io.ingestline.edge.ingest.BodyFormat;
import io.ingestline.edge.ingest.BodyTooLargeException;
import io.ingestline.edge.ingest.InFlightBytes;
import io.ingestline.edge.metrics.EdgeMetrics;
import io.ingestline.edge.tls.Listeners;
import io.javalin.Javalin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Declares the edge's routes, limits and error mapping in one place. */
public final class EdgeApi {
    private static final Logger LOG = LoggerFactory.getLogger(EdgeApi.class);

    private EdgeApi() {
    }

    /** Request attribute naming the dialect that served a request, for the metrics. */
    static final String DIALECT = "ingest.dialect";

    /** The app, not started, listening where {@code listeners} say. */
    public static Javalin create(AxiomHandler axiom, HealthHandler health, Listeners listeners, EdgeMetrics metrics) {
        return Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            listeners.apply(config);
            config.requestLogger.http((ctx, ms) -> {
                String dialect = ctx.attribute(DIALECT);
                if (dialect != null) {
                    metrics.request(dialect, ctx.statusCode(), ms.longValue());
                }
            });
            config.routes.get("/health", health::health);
            config.routes.get("/ready", health::ready);
            config.routes.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8")
                    .result(metrics.scrape()));
            config.routes.post("/v1/datasets/{dataset}/ingest", axiom::ingest);
            config.routes.post("/v1/ingest/{dataset}", axiom::ingest);

            config.routes.exception(ApiException.class, (e, ctx) -> {
                metrics.rejected(e.reason());
                Responses.message(ctx, e.status(), e.getMessage());
            });
            config.routes.exception(BadBodyException.class, (e, ctx) -> {
                metrics.rejected("bad_body");
                Responses.message(ctx, 400, e.getMessage());
            });
            config.routes.exception(BodyTooLargeException.class, (e, ctx) -> {
                metrics.rejected("too_large");
                Responses.message(ctx, 413, e.getMessage());
            });
            config.routes.exception(BodyFormat.UnsupportedFormatException.class, (e, ctx) -> {
                metrics.rejected("unsupported_type");
                Responses.message(ctx, 415, e.getMessage());
            });
            config.routes.exception(RateLimits.RateLimitedException.class, (e, ctx) -> {
                metrics.rejected("rate_limited");
                Responses.message(ctx, 429, e.getMessage());
            });
            config.routes.exception(InFlightBytes.NodeBusyException.class, (e, ctx) -> {
                metrics.rejected("node_busy");
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
