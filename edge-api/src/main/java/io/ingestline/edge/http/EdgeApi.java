package io.ingestline.edge.http;

import io.ingestline.edge.ingest.BadBodyException;
import io.ingestline.edge.ingest.BodyDecoder;
import io.ingestline.edge.ingest.BodyFormat;
import io.ingestline.edge.ingest.BodyTooLargeException;
import io.ingestline.edge.ingest.InFlightBytes;
import io.ingestline.edge.ingest.UnreadableBodyException;
import io.ingestline.edge.metrics.EdgeMetrics;
import io.ingestline.edge.tls.Listeners;
import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import java.util.concurrent.TimeoutException;
import java.util.function.ObjIntConsumer;
import org.eclipse.jetty.http.HttpException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Declares the edge's routes, limits and error mapping in one place. */
public final class EdgeApi {
    private static final Logger LOG = LoggerFactory.getLogger(EdgeApi.class);

    private EdgeApi() {
    }

    /** Request attribute naming the dialect that served a request, for the metrics. */
    static final String DIALECT = "ingest.dialect";

    /** The dialects' handlers. */
    public record Dialects(AxiomHandler axiom, BaselimeHandler baselime, AzureHandler azure, AstraLogHandler astralog,
            LogglyHandler loggly, OtlpHandler otlp) {
    }

    /**
     * The app, not started, listening where {@code listeners} say. Routes overlap under {@code /v1}: the literal
     * paths ({@code /v1/drain}, {@code /v1/ingest/..}, {@code /v1/datasets/../ingest}) are declared first and win
     * over Baselime's {@code /v1/{dataset}[/{service}/{namespace}]}; dataset names that would collide are reserved
     * ({@link io.ingestline.model.DatasetName#RESERVED}). OTLP's {@code POST /v1/logs} is Baselime's route too, told
     * apart by what the request sends ({@link OtlpHandler#claims}). {@code /metrics} is off on this port.
     */
    public static Javalin create(Dialects dialects, HealthHandler health, Listeners listeners, EdgeMetrics metrics) {
        return create(dialects, health, listeners, metrics, null);
    }

    /**
     * @param metricsToken the bearer token {@code /metrics} asks for on this port; null answers it 404 (the admin port
     *                     serves it)
     */
    public static Javalin create(Dialects dialects, HealthHandler health, Listeners listeners, EdgeMetrics metrics,
            String metricsToken) {
        MetricsEndpoint metricsEndpoint = new MetricsEndpoint(metrics, metricsToken);
        return Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            listeners.apply(config);
            requestMetrics(config, metrics);
            config.routes.get("/health", health::health);
            config.routes.get("/ready", health::ready);
            config.routes.get("/metrics", metricsEndpoint::scrape);
            AxiomHandler axiom = dialects.axiom();
            config.routes.post("/v1/drain", dialects.astralog()::drain);
            config.routes.post("/v1/datasets/{dataset}/ingest", axiom::ingest);
            config.routes.post("/v1/ingest/{dataset}", axiom::ingest);
            OtlpHandler otlp = dialects.otlp();
            BaselimeHandler baselime = dialects.baselime();
            for (String path : BaselimeHandler.paths()) {
                // OTLP's /v1/logs is also Baselime's /v1/{dataset} for the dataset "logs": told apart by what each
                // sends (OtlpHandler.claims)
                config.routes.post(path, ctx -> {
                    if (OtlpHandler.claims(ctx)) {
                        otlp.ingest(ctx);
                    } else {
                        baselime.ingest(ctx);
                    }
                });
                config.routes.get(path, baselime::methodNotAllowed);
                config.routes.put(path, baselime::methodNotAllowed);
                config.routes.patch(path, baselime::methodNotAllowed);
                config.routes.delete(path, baselime::methodNotAllowed);
            }
            config.routes.post("/dataCollectionRules/{dcr}/streams/{stream}", dialects.azure()::upload);
            for (String path : LogglyHandler.paths("inputs")) {
                config.routes.post(path, dialects.loggly()::single);
                config.routes.get(path, dialects.loggly()::pixel);
            }
            for (String path : LogglyHandler.paths("bulk")) {
                config.routes.post(path, dialects.loggly()::bulk);
            }

            // No route, or not this method: JSON in the dialect's shape, never the framework's plain text.
            errors(config, metrics, UnroutedAnswers::answer);
        });
    }

    /**
     * The OTLP listener's app ({@code INGEST_OTLP_PORT}, 4318 as the OpenTelemetry Collector): {@code /v1/logs} is
     * OTLP's alone there, so an exporter needs nothing but {@code endpoint=http://host:4318}; the same limits, error
     * mapping and metrics as the main app.
     */
    public static Javalin createOtlp(OtlpHandler otlp, HealthHandler health, Listeners listeners,
            EdgeMetrics metrics) {
        return Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            listeners.apply(config);
            requestMetrics(config, metrics);
            config.routes.get("/health", health::health);
            config.routes.get("/ready", health::ready);
            config.routes.post(OtlpHandler.PATH, otlp::ingest);
            errors(config, metrics, OtlpHandler::unrouted);
        });
    }

    private static void requestMetrics(JavalinConfig config, EdgeMetrics metrics) {
        config.requestLogger.http((ctx, ms) -> {
            String dialect = ctx.attribute(DIALECT);
            if (dialect != null) {
                metrics.request(dialect, ctx.statusCode(), ms.longValue());
            }
        });
    }

    /** Every refusal in the dialect's shape; {@code unrouted} answers 404 and 405 where no handler did. */
    private static void errors(JavalinConfig config, EdgeMetrics metrics, ObjIntConsumer<Context> unrouted) {
        config.http.prefer405over404 = true;
        config.routes.error(404, ctx -> unrouted.accept(ctx, 404));
        config.routes.error(405, ctx -> unrouted.accept(ctx, 405));
        config.routes.exception(io.javalin.http.HttpResponseException.class, (e, ctx) -> {
            // the framework's own refusals (a literal path taken by another method: 405)
            if (e.getStatus() == 404 || e.getStatus() == 405) {
                unrouted.accept(ctx, e.getStatus());
            } else {
                ErrorShape.of(ctx).write(ctx, e.getStatus(), ErrorShape.code(e.getStatus()), e.getMessage());
            }
        });
        config.routes.exception(ApiException.class, (e, ctx) -> {
            metrics.rejected(e.reason());
            ErrorShape.of(ctx).write(ctx, e.status(), e.code(), e.getMessage());
        });
        config.routes.exception(BadBodyException.class, (e, ctx) -> {
            metrics.rejected("bad_body");
            ErrorShape.of(ctx).write(ctx, 400, ErrorShape.code(400), e.getMessage());
        });
        config.routes.exception(UnreadableBodyException.class, (e, ctx) -> {
            int status = clientStatus(e.getCause());
            if (status == 408) {
                refuseQuietly(ctx, metrics, "too_slow", status, "the request body arrived too slowly or stalled");
            } else {
                refuseQuietly(ctx, metrics, e.kind().reason(), status, e.getMessage());
            }
        });
        config.routes.exception(HttpException.RuntimeException.class, (e, ctx) -> {
            if (e.getCode() >= 400 && e.getCode() < 500) {
                refuseQuietly(ctx, metrics, e.getCode() == 408 ? "too_slow" : "bad_framing", e.getCode(),
                        e.getMessage());
            } else {
                unexpected(ctx, e);
            }
        });
        config.routes.exception(BodyTooLargeException.class, (e, ctx) -> {
            metrics.rejected("too_large");
            ErrorShape.of(ctx).write(ctx, 413, ErrorShape.code(413), e.getMessage());
        });
        config.routes.exception(BodyFormat.UnsupportedFormatException.class, (e, ctx) -> {
            metrics.rejected("unsupported_type");
            ErrorShape.of(ctx).write(ctx, 415, ErrorShape.code(415), e.getMessage());
        });
        config.routes.exception(BodyDecoder.UnsupportedCodingException.class, (e, ctx) -> {
            metrics.rejected("unsupported_encoding");
            ctx.header("Accept-Encoding", BodyDecoder.CODINGS);
            ErrorShape.of(ctx).write(ctx, 415, ErrorShape.code(415), e.getMessage());
        });
        config.routes.exception(RateLimits.RateLimitedException.class, (e, ctx) -> {
            metrics.rejected("rate_limited");
            ErrorShape.of(ctx).write(ctx, 429, ErrorShape.code(429), e.getMessage());
        });
        config.routes.exception(InFlightBytes.NodeBusyException.class, (e, ctx) -> {
            metrics.rejected("node_busy");
            ctx.header("Retry-After", Responses.RETRY_AFTER_SECONDS);
            ErrorShape.of(ctx).write(ctx, 503, ErrorShape.code(503), e.getMessage());
        });
        config.routes.exception(Exception.class, (e, ctx) -> unexpected(ctx, e));
    }

    /**
     * A request broken on the wire: the client's mistake (or it is gone), so a line at DEBUG without a stack trace,
     * and an answer in the dialect's shape if the client still reads one.
     */
    private static void refuseQuietly(Context ctx, EdgeMetrics metrics, String reason, int status, String message) {
        metrics.rejected(reason);
        LOG.debug("refused {} {} ({}): {}", ctx.method(), RequestPaths.redact(ctx.path()), reason, message);
        ErrorShape.of(ctx).write(ctx, status, ErrorShape.code(status), message);
    }

    private static void unexpected(Context ctx, Exception e) {
        LOG.error("unexpected error on {} {}", ctx.method(), RequestPaths.redact(ctx.path()), e);
        ErrorShape.of(ctx).write(ctx, 500, ErrorShape.code(500), "internal error");
    }

    /**
     * The 4xx Jetty gave a broken request (413 where it hit a limit, 408 for a body slower than the minimum rate), 408
     * when the body stalled past the idle timeout, else 400.
     */
    static int clientStatus(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof HttpException h && h.getCode() >= 400 && h.getCode() < 500) {
                return h.getCode();
            }
            if (t instanceof TimeoutException) {
                return 408;
            }
        }
        return 400;
    }
}
