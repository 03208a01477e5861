package io.ingestline.query.http;

import io.ingestline.query.search.Searches;
import io.ingestline.query.store.StoreException;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.javalin.http.HttpResponseException;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The query service's routes, limits and error mapping in one place: Loggly's retrieval API under {@code /apiv2}, and
 * {@code /health}, {@code /ready}, {@code /metrics}. Every answer is JSON, errors included
 * ({@code {"status":N,"message":"..."}}, plus {@code column} for a query that does not parse).
 */
public final class LogglyApi {
    private static final Logger LOG = LoggerFactory.getLogger(LogglyApi.class);
    /** The request line and headers may hold a long query (a next URL carries it too). */
    private static final int MAX_HEADER_BYTES = 256 * 1024;
    private static final String ENDPOINT = "query.endpoint";

    /** What the routes need. */
    /** @param notReady why the service cannot answer searches now (tokens not loaded, store unreachable), or empty */
    public record Parts(Access access, Searches searches, QueryMetrics metrics, Supplier<Optional<String>> notReady,
            String defaultDataset, String subdomain, Duration timeout, Clock clock) {
    }

    private LogglyApi() {
    }

    /** The app, not started, on {@code host:port}. */
    public static Javalin create(Parts p, String host, int port) {
        SearchParams params = new SearchParams(p.defaultDataset());
        SearchHandler search = new SearchHandler(p.access(), params, p.searches(), p.timeout(), p.clock());
        IterateHandler iterate = new IterateHandler(p.access(), params, p.searches(), p.clock());
        FieldsHandler fields = new FieldsHandler(p.access(), params, p.searches(), p.clock());
        CustomerHandler customer = new CustomerHandler(p.access(), p.subdomain(), p.defaultDataset());
        return Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.jetty.host = host;
            config.jetty.port = port;
            config.jetty.modifyHttpConfiguration(http -> {
                http.setRequestHeaderSize(MAX_HEADER_BYTES);
                http.setSendServerVersion(false);
            });
            config.requestLogger.http((ctx, ms) -> {
                String endpoint = ctx.attribute(ENDPOINT);
                if (endpoint != null) {
                    p.metrics().request(endpoint, ctx.statusCode(), ms.longValue());
                }
            });
            config.routes.get("/health", ctx -> Answers.json(ctx, 200, g -> {
                g.writeStartObject();
                g.writeStringField("status", "ok");
                g.writeEndObject();
            }));
            config.routes.get("/ready", ctx -> {
                Optional<String> problem = p.notReady().get();
                if (problem.isPresent()) {
                    ctx.header("Retry-After", "5");
                }
                Answers.json(ctx, problem.isEmpty() ? 200 : 503, g -> {
                    g.writeStartObject();
                    g.writeStringField("status", problem.orElse("ready"));
                    g.writeEndObject();
                });
            });
            config.routes.get("/metrics", ctx -> ctx.contentType(QueryMetrics.CONTENT_TYPE).result(p.metrics().scrape()));
            route(config, "/apiv2/search", "search", search::search);
            route(config, "/apiv2/events", "events", search::events);
            route(config, "/apiv2/events/iterate", "iterate", iterate::iterate);
            route(config, "/apiv2/fields", "fields", fields::fields);
            route(config, "/apiv2/fields/{field}", "field", fields::field);
            route(config, "/apiv2/customer", "customer", customer::customer);

            config.routes.exception(ApiException.class, (e, ctx) -> {
                if (e.retryAfterSeconds() > 0) {
                    ctx.header("Retry-After", Long.toString(e.retryAfterSeconds()));
                }
                if (e.status() == 401) {
                    ctx.header("WWW-Authenticate", Access.CHALLENGE);
                }
                Answers.error(ctx, e.status(), e.getMessage(), e.column());
            });
            config.routes.exception(Searches.BusyException.class, (e, ctx) -> {
                ctx.header("Retry-After", "1");
                Answers.error(ctx, 503, e.getMessage(), 0);
            });
            config.routes.exception(io.ingestline.query.store.QueryTimeoutException.class, (e, ctx) -> {
                ctx.header("Retry-After", "1");
                Answers.error(ctx, 504, "timeout: " + e.getMessage(), 0);
            });
            config.routes.exception(StoreException.class, (e, ctx) -> {
                LOG.error("store failed on {} {}", ctx.method(), ctx.path(), e);
                Answers.error(ctx, 500, "the store failed: " + e.getMessage(), 0);
            });
            config.routes.exception(HttpResponseException.class,
                    (e, ctx) -> Answers.error(ctx, e.getStatus(), e.getMessage(), 0));
            config.routes.exception(Exception.class, (e, ctx) -> {
                LOG.error("unexpected error on {} {}", ctx.method(), ctx.path(), e);
                Answers.error(ctx, 500, "internal error", 0);
            });
            config.routes.error(404, ctx -> {
                if (!ctx.res().isCommitted() && ctx.attribute(ENDPOINT) == null) {
                    Answers.error(ctx, 404, "no such endpoint: " + ctx.method() + " " + ctx.path()
                            + " (the API is under /apiv2: search, events, events/iterate, fields, customer)", 0);
                }
            });
        });
    }

    /** A GET route; other methods on its path are 405 with {@code Allow: GET}. */
    private static void route(io.javalin.config.JavalinConfig config, String path, String endpoint,
            io.javalin.http.Handler handler) {
        config.routes.get(path, ctx -> {
            ctx.attribute(ENDPOINT, endpoint);
            handler.handle(ctx);
        });
        for (HandlerType method : new HandlerType[] {HandlerType.POST, HandlerType.PUT, HandlerType.PATCH,
                HandlerType.DELETE}) {
            config.routes.addHttpHandler(method, path, ctx -> notAllowed(ctx));
        }
    }

    private static void notAllowed(Context ctx) {
        ctx.header("Allow", "GET");
        Answers.error(ctx, 405, ctx.method() + " is not allowed here: the retrieval API is read-only (GET)", 0);
    }
}
