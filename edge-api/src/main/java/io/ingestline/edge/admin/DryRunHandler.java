package io.ingestline.edge.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ingestline.edge.admin.AdminApi.AdminException;
import io.ingestline.edge.config.DatasetRuleRegistry;
import io.ingestline.edge.config.DcrRegistry;
import io.ingestline.kql.eval.Budget;
import io.ingestline.model.DatasetName;
import io.ingestline.model.EventTime;
import io.ingestline.model.Json;
import io.ingestline.model.rules.DataCollectionRule;
import io.ingestline.model.rules.DatasetRule;
import io.ingestline.rules.CompiledTarget;
import io.ingestline.rules.EventChecks;
import io.ingestline.rules.Outcome;
import io.javalin.http.Context;

/**
 * Shows what sample events become under a rule, storing nothing: the same checks and transformations the validator
 * runs (with the default limits of {@link EventChecks.Limits#DEFAULT}, its rule time budgets included: the request's
 * events are one batch).
 *
 * <pre>
 * POST /admin/v1/dry-run
 *   {"dcr": {..a DCR..} or "immutableId of a stored one", "stream": "Custom-In", "events": [{..}, ..]}
 *   {"dataset": "web", "rule": {..a dataset rule..} (default: the stored one, if any), "events": [{..}, ..]}
 * -> 200 {"rule": {"key","version"} or null,
 *         "results": [{"index": 0, "outcomes": [
 *            {"outcome": "output", "dataset", "time" (null: the receive time applies), "event"},
 *            {"outcome": "dropped", "dataset"},
 *            {"outcome": "error", "stage": "parse|validate|transform", "dataset", "stream", "error"}]}]}
 *   (an error names the dataset its event was for: the route's, else the dry run's dataset, null for a DCR stream's
 *   event that failed before any route; and, for a DCR dry run, the stream)
 * </pre>
 *
 * A rule that does not compile, a stream no flow takes, or a malformed request gets 400 with the reason.
 */
public final class DryRunHandler {
    static final int MAX_EVENTS = 1000;
    private final DcrRegistry dcrs;
    private final DatasetRuleRegistry datasets;

    public DryRunHandler(DcrRegistry dcrs, DatasetRuleRegistry datasets) {
        this.dcrs = dcrs;
        this.datasets = datasets;
    }

    public void run(Context ctx) {
        JsonNode body = AdminApi.body(ctx);
        JsonNode events = body.path("events");
        if (!events.isArray()) {
            throw new AdminException(400, "events must be a JSON array of events");
        }
        if (events.size() > MAX_EVENTS) {
            throw new AdminException(400, "a dry run takes at most " + MAX_EVENTS + " events");
        }
        CompiledTarget target = target(body);
        boolean dcr = body.has("dcr");
        Where where = new Where(dcr ? null : body.path("dataset").asText(""), dcr ? body.path("stream").asText("") : null);
        ObjectNode out = Json.mapper().createObjectNode();
        if (target.rule() == null) {
            out.putNull("rule");
        } else {
            out.putObject("rule").put("key", target.rule().key()).put("version", target.rule().version());
        }
        ArrayNode results = out.putArray("results");
        Budget budget = EventChecks.Limits.DEFAULT.ruleBudget().start(); // one batch, as in the validator
        for (int i = 0; i < events.size(); i++) {
            ObjectNode result = results.addObject().put("index", i);
            ArrayNode outcomes = result.putArray("outcomes");
            JsonNode event = events.get(i);
            if (!(event instanceof ObjectNode fields)) {
                outcomes.add(where.error("parse", null, "event is not a JSON object"));
                continue;
            }
            for (Outcome o : target.apply(fields, size(fields), budget)) {
                outcomes.add(describe(o, where));
            }
        }
        AdminApi.json(ctx, 200, out);
    }

    private CompiledTarget target(JsonNode body) {
        JsonNode dcr = body.path("dcr");
        if (!dcr.isMissingNode()) {
            DataCollectionRule rule;
            if (dcr.isTextual()) {
                rule = dcrs.get(dcr.textValue())
                        .orElseThrow(() -> new AdminException(400, "no data collection rule " + dcr.textValue()));
            } else {
                String id = dcr.path("immutableId").isTextual() ? dcr.get("immutableId").textValue() : "dry-run";
                rule = DcrAdminHandler.parse(id, dcr);
            }
            String stream = body.path("stream").asText("");
            try {
                return CompiledTarget.dcrStream(rule, stream, EventChecks.Limits.DEFAULT);
            } catch (IllegalArgumentException e) {
                throw new AdminException(400, e.getMessage());
            }
        }
        String dataset = body.path("dataset").asText("");
        DatasetName.problem(dataset).ifPresent(p -> {
            throw new AdminException(400, "give \"dcr\" and \"stream\", or \"dataset\": " + p);
        });
        JsonNode given = body.path("rule");
        DatasetRule rule = given.isMissingNode() || given.isNull() ? datasets.get(dataset).orElse(null)
                : DatasetAdminHandler.parse(dataset, given);
        return CompiledTarget.dataset(dataset, rule, EventChecks.Limits.DEFAULT);
    }

    /** What a dry run is of: a dataset, or a DCR's stream. */
    private record Where(String dataset, String stream) {
        ObjectNode error(String stage, String routed, String reason) {
            ObjectNode n = Json.mapper().createObjectNode().put("outcome", "error").put("stage", stage)
                    .put("dataset", routed != null ? routed : dataset);
            if (stream != null) {
                n.put("stream", stream);
            }
            return n.put("error", reason);
        }
    }

    private static ObjectNode describe(Outcome o, Where where) {
        ObjectNode n = Json.mapper().createObjectNode();
        if (o instanceof Outcome.Output out) {
            n.put("outcome", "output").put("dataset", out.dataset());
            if (out.time() == null) {
                n.putNull("time");
            } else {
                n.put("time", EventTime.format(out.time()));
            }
            n.set("event", out.event());
        } else if (o instanceof Outcome.Dropped d) {
            n.put("outcome", "dropped").put("dataset", d.dataset());
        } else {
            Outcome.Failed f = (Outcome.Failed) o;
            return where.error(f.stage(), f.dataset(), f.reason());
        }
        return n;
    }

    private static int size(JsonNode event) {
        try {
            return Json.mapper().writeValueAsBytes(event).length;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
