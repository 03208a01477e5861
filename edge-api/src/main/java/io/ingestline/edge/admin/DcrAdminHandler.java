package io.ingestline.edge.admin;

import com.fasterxml.jackson.databind.JsonNode;
import io.ingestline.edge.admin.AdminApi.AdminException;
import io.ingestline.edge.config.ConfigStore;
import io.ingestline.edge.config.DcrRegistry;
import io.ingestline.model.Json;
import io.ingestline.model.rules.DataCollectionRule;
import io.ingestline.rules.CompiledTarget;
import io.ingestline.rules.EventChecks;
import io.javalin.http.Context;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Data collection rules, kept in the configuration topic so that every edge (and the validator) sees them:
 *
 * <pre>
 * PUT /admin/v1/dcrs/{immutableId} {"properties":{"streamDeclarations":{..},"dataFlows":[..]}} -> 200 (as stored)
 * GET /admin/v1/dcrs, GET /admin/v1/dcrs/{immutableId} -> 200; DELETE /admin/v1/dcrs/{immutableId} -> 204
 * </pre>
 *
 * The body is a DCR as Azure writes it (its {@code properties}, or the properties alone); a rule with problems is
 * refused with 400 naming every one, including each data flow's {@code transformKql} that does not compile against
 * its input streams' columns (with the line, column and token), checked by the same code the validator runs. A
 * rule's version is the offset of its record in the configuration topic (unique across edge nodes; a given
 * {@code version} is ignored), answered in the body and as the {@code ETag} of PUT and GET; PUT and DELETE with
 * {@code If-Match: <version>} apply only if that is still the current version, else 412 and nothing changes.
 */
public final class DcrAdminHandler {
    private final ConfigStore store;
    private final DcrRegistry dcrs;

    public DcrAdminHandler(ConfigStore store, DcrRegistry dcrs) {
        this.store = store;
        this.dcrs = dcrs;
    }

    public void put(Context ctx) {
        String id = ctx.pathParam("id");
        DataCollectionRule rule = parse(id, AdminApi.body(ctx));
        Long expected = Versions.ifMatch(ctx);
        Versions.refuseStale(expected, dcrs.version(id));
        ConfigStore.RuleChange change = store.changeDcr(id, rule, expected);
        Versions.requireApplied(change, expected, dcrs.version(id));
        Versions.etag(ctx, change.version());
        AdminApi.json(ctx, 200, tree(rule.withVersion(change.version())));
    }

    /** Reads and compiles a rule: 400 naming every problem. */
    static DataCollectionRule parse(String id, JsonNode body) {
        DataCollectionRule rule;
        try {
            rule = DataCollectionRule.parse(id, body);
        } catch (IllegalArgumentException e) {
            throw new AdminException(400, "invalid data collection rule: " + e.getMessage());
        }
        List<String> problems = new ArrayList<>();
        for (String stream : rule.streams().keySet()) {
            if (rule.flowsOf(stream).isEmpty()) {
                continue;
            }
            try {
                CompiledTarget.dcrStream(rule, stream, EventChecks.Limits.DEFAULT);
            } catch (IllegalArgumentException e) {
                problems.add(e.getMessage());
            }
        }
        if (!problems.isEmpty()) {
            throw new AdminException(400, "invalid data collection rule: " + String.join("; ", problems));
        }
        return rule;
    }

    public void list(Context ctx) {
        AdminApi.json(ctx, 200, dcrs.list().stream().map(DcrAdminHandler::tree).toList());
    }

    public void get(Context ctx) {
        DataCollectionRule rule = dcrs.get(ctx.pathParam("id"))
                .orElseThrow(() -> new AdminException(404, "no such data collection rule"));
        Versions.etag(ctx, rule.version());
        AdminApi.json(ctx, 200, tree(rule));
    }

    public void delete(Context ctx) {
        String id = ctx.pathParam("id");
        dcrs.get(id).orElseThrow(() -> new AdminException(404, "no such data collection rule"));
        Long expected = Versions.ifMatch(ctx);
        Versions.refuseStale(expected, dcrs.version(id));
        Versions.requireApplied(store.changeDcr(id, null, expected), expected, dcrs.version(id));
        ctx.status(204);
    }

    static JsonNode tree(DataCollectionRule rule) {
        try {
            return Json.mapper().readTree(rule.toJson());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
