package io.ingestline.edge.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import io.ingestline.edge.metrics.EdgeMetrics;
import io.ingestline.model.Json;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin HTTP API: every {@code /admin} route needs {@code Authorization: Bearer <admin token>}. Errors are
 * {@code {"message":"..."}}. It also serves the edge's {@code /metrics} without a token: this port belongs on the
 * operator's private network.
 */
public final class AdminApi {
    private static final Logger LOG = LoggerFactory.getLogger(AdminApi.class);

    private AdminApi() {
    }

    /** The admin API's handlers. */
    public record Handlers(TokenAdminHandler tokens, DcrAdminHandler dcrs, DatasetAdminHandler datasets,
            DryRunHandler dryRun) {
    }

    /** @param metrics the edge's Prometheus text, served at {@code GET /metrics} without a token */
    public static Javalin create(String adminToken, Handlers h, Supplier<String> metrics) {
        TokenAdminHandler tokens = h.tokens();
        DcrAdminHandler dcrs = h.dcrs();
        DatasetAdminHandler datasets = h.datasets();
        byte[] expected = ("Bearer " + adminToken).getBytes(StandardCharsets.UTF_8);
        return Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.http.maxRequestSize = 1024 * 1024;
            config.routes.before("/admin/*", ctx -> {
                String given = ctx.header("Authorization");
                if (given == null || !MessageDigest.isEqual(expected, given.trim().getBytes(StandardCharsets.UTF_8))) {
                    throw new AdminException(401, "missing or wrong admin token");
                }
            });
            config.routes.get("/metrics", ctx -> ctx.contentType(EdgeMetrics.CONTENT_TYPE).result(metrics.get()));
            config.routes.post("/admin/v1/tokens", tokens::create);
            config.routes.get("/admin/v1/tokens", tokens::list);
            config.routes.get("/admin/v1/tokens/{id}", tokens::get);
            config.routes.delete("/admin/v1/tokens/{id}", tokens::revoke);
            config.routes.put("/admin/v1/dcrs/{id}", dcrs::put);
            config.routes.get("/admin/v1/dcrs", dcrs::list);
            config.routes.get("/admin/v1/dcrs/{id}", dcrs::get);
            config.routes.delete("/admin/v1/dcrs/{id}", dcrs::delete);
            config.routes.put("/admin/v1/datasets/{name}", datasets::put);
            config.routes.get("/admin/v1/datasets", datasets::list);
            config.routes.get("/admin/v1/datasets/{name}", datasets::get);
            config.routes.delete("/admin/v1/datasets/{name}", datasets::delete);
            config.routes.post("/admin/v1/dry-run", h.dryRun()::run);
            config.routes.exception(AdminException.class, (e, ctx) -> message(ctx, e.status(), e.getMessage()));
            config.routes.exception(Exception.class, (e, ctx) -> {
                LOG.error("admin request {} {} failed", ctx.method(), ctx.path(), e);
                message(ctx, 500, "internal error: " + e.getMessage());
            });
        });
    }

    /** The request body as JSON: 400 when it is not. */
    static JsonNode body(Context ctx) {
        try {
            JsonNode body = Json.readTree(ctx.bodyAsBytes());
            if (body == null || body.isMissingNode()) {
                throw new AdminException(400, "the body must be a JSON object");
            }
            return body;
        } catch (IOException e) {
            throw new AdminException(400, "body must be JSON: " + e.getMessage());
        }
    }

    static void json(Context ctx, int status, Object body) {
        try {
            ctx.status(status).contentType("application/json").result(Json.mapper().writeValueAsBytes(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static void message(Context ctx, int status, String message) {
        json(ctx, status, Map.of("message", message));
    }

    /** An admin request that cannot be served, with its status. */
    static final class AdminException extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final int status;

        AdminException(int status, String message) {
            super(message);
            this.status = status;
        }

        int status() {
            return status;
        }
    }
}
