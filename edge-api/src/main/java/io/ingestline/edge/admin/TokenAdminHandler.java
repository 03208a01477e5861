package io.ingestline.edge.admin;

import com.fasterxml.jackson.databind.JsonNode;
import io.ingestline.edge.admin.AdminApi.AdminException;
import io.ingestline.model.auth.ApiToken;
import io.ingestline.model.auth.DatasetPattern;
import io.ingestline.model.auth.RateLimiter;
import io.ingestline.model.auth.TokenAuthenticator;
import io.ingestline.edge.config.ConfigStore;
import io.ingestline.model.Json;
import io.javalin.http.Context;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Token administration: create (the answer holds the secret, the only time it is shown), list, get, revoke.
 * <pre>
 * POST /admin/v1/tokens {"name":"web","datasets":["web","app-*"],"capabilities":["ingest"],
 *                        "eventsPerSecond":0,"bytesPerSecond":0} -> 201 {..., "secret"}
 * GET /admin/v1/tokens, GET /admin/v1/tokens/{id} -> 200; DELETE /admin/v1/tokens/{id} -> 204
 * </pre>
 */
public final class TokenAdminHandler {
    private final ConfigStore store;
    private final TokenAuthenticator tokens;

    public TokenAdminHandler(ConfigStore store, TokenAuthenticator tokens) {
        this.store = store;
        this.tokens = tokens;
    }

    public void create(Context ctx) {
        JsonNode body;
        try {
            body = Json.readTree(ctx.bodyAsBytes());
        } catch (IOException e) {
            throw new AdminException(400, "body must be JSON: " + e.getMessage());
        }
        String name = body == null ? "" : body.path("name").asText("");
        if (name.isBlank() || name.length() > 200) {
            throw new AdminException(400, "name is required (up to 200 characters)");
        }
        List<String> datasets = new ArrayList<>();
        body.path("datasets").forEach(d -> datasets.add(d.asText()));
        if (datasets.isEmpty() || !datasets.stream().allMatch(DatasetPattern::isValid)) {
            throw new AdminException(400, "datasets must list dataset names or patterns (letters, digits, '-', '_', '*')");
        }
        Set<ApiToken.Capability> caps = EnumSet.noneOf(ApiToken.Capability.class);
        JsonNode given = body.path("capabilities");
        if (given.isMissingNode()) {
            caps.add(ApiToken.Capability.INGEST);
        }
        for (JsonNode c : given) {
            try {
                caps.add(ApiToken.Capability.valueOf(c.asText().toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new AdminException(400, "unknown capability: " + c.asText() + " (known: ingest, query)");
            }
        }
        long events = body.path("eventsPerSecond").asLong(0);
        long bytes = body.path("bytesPerSecond").asLong(0);
        if (events < 0 || bytes < 0) {
            throw new AdminException(400, "eventsPerSecond and bytesPerSecond must be 0 (node default) or more");
        }
        ApiToken.Issued issued = ApiToken.issue(name, datasets, caps, new RateLimiter.Limit(events, bytes), Instant.now());
        if (tokens.get(issued.token().id()).isPresent()) {
            throw new AdminException(409, "token id collision; try again");
        }
        store.save(issued.token());
        Map<String, Object> out = view(issued.token());
        out.put("secret", issued.secret());
        AdminApi.json(ctx, 201, out);
    }

    public void list(Context ctx) {
        AdminApi.json(ctx, 200, tokens.list().stream()
                .sorted(Comparator.comparing(ApiToken::createdAt).thenComparing(ApiToken::id))
                .map(this::view).toList());
    }

    public void get(Context ctx) {
        ApiToken t = tokens.get(ctx.pathParam("id")).orElseThrow(() -> new AdminException(404, "no such token"));
        AdminApi.json(ctx, 200, view(t));
    }

    public void revoke(Context ctx) {
        String id = ctx.pathParam("id");
        ApiToken t = tokens.get(id).orElseThrow(() -> new AdminException(404, "no such token"));
        if (tokens.isFixed(id)) {
            throw new AdminException(409, "token " + id + " comes from INGEST_TOKENS; remove it there");
        }
        store.revoke(id);
        ctx.status(204);
    }

    private Map<String, Object> view(ApiToken t) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", t.id());
        m.put("name", t.name());
        m.put("datasets", t.datasets());
        m.put("capabilities", t.capabilities().stream().map(c -> c.name().toLowerCase(Locale.ROOT)).sorted().toList());
        m.put("createdAt", t.createdAt().toString());
        m.put("eventsPerSecond", t.rate().eventsPerSecond());
        m.put("bytesPerSecond", t.rate().bytesPerSecond());
        m.put("source", tokens.isFixed(t.id()) ? "settings" : "admin");
        return m;
    }
}
