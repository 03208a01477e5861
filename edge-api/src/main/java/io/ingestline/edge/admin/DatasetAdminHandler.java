package io.ingestline.edge.admin;

import com.fasterxml.jackson.databind.JsonNode;
import io.ingestline.edge.admin.AdminApi.AdminException;
import io.ingestline.edge.config.ConfigStore;
import io.ingestline.edge.config.DatasetRuleRegistry;
import io.ingestline.kql.KqlCompileException;
import io.ingestline.model.rules.DatasetRule;
import io.ingestline.rules.CompiledTarget;
import io.ingestline.rules.EventChecks;
import io.javalin.http.Context;

/**
 * Datasets' own rules (declared columns and a default transformation for the events that reach a dataset by name),
 * kept in the configuration topic:
 *
 * <pre>
 * PUT /admin/v1/datasets/{name} {"columns":[{"name":"status","type":"int"}],"transformKql":"source | ..."} -> 200
 * GET /admin/v1/datasets, GET /admin/v1/datasets/{name} -> 200; DELETE /admin/v1/datasets/{name} -> 204
 * </pre>
 *
 * A rule whose transformation does not compile against its columns is refused with 400 (line, column, token).
 * Versions, {@code ETag} and {@code If-Match} work as for data collection rules ({@link DcrAdminHandler}).
 */
public final class DatasetAdminHandler {
    private final ConfigStore store;
    private final DatasetRuleRegistry datasets;

    public DatasetAdminHandler(ConfigStore store, DatasetRuleRegistry datasets) {
        this.store = store;
        this.datasets = datasets;
    }

    public void put(Context ctx) {
        String name = ctx.pathParam("name");
        DatasetRule rule = parse(name, AdminApi.body(ctx));
        Long expected = Versions.ifMatch(ctx);
        Versions.refuseStale(expected, datasets.version(name));
        ConfigStore.RuleChange change = store.changeDataset(name, rule, expected);
        Versions.requireApplied(change, expected, datasets.version(name));
        Versions.etag(ctx, change.version());
        AdminApi.json(ctx, 200, rule.withVersion(change.version()).tree());
    }

    /** Reads and compiles a dataset's rule: 400 naming the problem. */
    static DatasetRule parse(String name, JsonNode body) {
        DatasetRule rule;
        try {
            rule = DatasetRule.parse(name, body);
        } catch (IllegalArgumentException e) {
            throw new AdminException(400, "invalid dataset rule: " + e.getMessage());
        }
        try {
            CompiledTarget.dataset(name, rule, EventChecks.Limits.DEFAULT);
        } catch (KqlCompileException e) {
            throw new AdminException(400, "invalid dataset rule: transformKql does not compile: " + e.getMessage());
        }
        return rule;
    }

    public void list(Context ctx) {
        AdminApi.json(ctx, 200, datasets.list().stream().map(DatasetRule::tree).toList());
    }

    public void get(Context ctx) {
        DatasetRule rule = datasets.get(ctx.pathParam("name"))
                .orElseThrow(() -> new AdminException(404, "no rule for this dataset"));
        Versions.etag(ctx, rule.version());
        AdminApi.json(ctx, 200, rule.tree());
    }

    public void delete(Context ctx) {
        String name = ctx.pathParam("name");
        datasets.get(name).orElseThrow(() -> new AdminException(404, "no rule for this dataset"));
        Long expected = Versions.ifMatch(ctx);
        Versions.refuseStale(expected, datasets.version(name));
        Versions.requireApplied(store.changeDataset(name, null, expected), expected, datasets.version(name));
        ctx.status(204);
    }
}
