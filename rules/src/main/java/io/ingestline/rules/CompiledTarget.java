package io.ingestline.rules;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ingestline.kql.KqlCompileException;
import io.ingestline.kql.Transformation;
import io.ingestline.kql.eval.Budget;
import io.ingestline.kql.eval.KType;
import io.ingestline.kql.eval.Schema;
import io.ingestline.model.EventEnvelope;
import io.ingestline.model.rules.DataCollectionRule;
import io.ingestline.model.rules.DataCollectionRule.DataFlow;
import io.ingestline.model.rules.DatasetRule;
import io.ingestline.model.rules.RuleRef;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the events of one batch target go through, compiled once per version of its rule and then applied to each
 * event: the checks of {@link EventChecks}, then each route's transformation. Immutable, so a batch resolves it once
 * and every event of the batch sees the same version of the rule.
 *
 * <ul>
 *   <li>A dataset without a rule: the checks, then the event as it is.</li>
 *   <li>A dataset with its own {@link DatasetRule}: the checks (declared columns included), then its transformation
 *       over the declared columns; undeclared fields pass through, the transformation's output columns follow them.
 *       A {@code where} that is false drops the event.</li>
 *   <li>A data collection rule's stream: the declared columns checked, then every data flow that takes the stream
 *       (fan-out), each making its output dataset's event from the declared columns only (as in Azure); time from
 *       the output's {@code TimeGenerated}.</li>
 * </ul>
 */
public final class CompiledTarget {
    /** The time column of data collection rules' output tables. */
    public static final String AZURE_TIME = "TimeGenerated";

    private record Route(String dataset, Transformation transform) {
    }

    private final RuleRef rule;
    private final boolean datasetMode;
    private final String[] columnNames;
    private final KType[] columnTypes;
    private final Set<String> declared;
    private final List<Route> routes;
    private final EventChecks.Limits limits;
    private final PassThrough passThrough;
    private final RulePass rulePass;

    private CompiledTarget(RuleRef rule, boolean datasetMode, Map<String, String> columns, List<Route> routes,
            EventChecks.Limits limits) {
        this.rule = rule;
        this.datasetMode = datasetMode;
        this.columnNames = columns.keySet().toArray(new String[0]);
        this.columnTypes = EventChecks.types(columns);
        this.declared = Set.copyOf(columns.keySet());
        this.routes = List.copyOf(routes);
        this.limits = limits;
        this.passThrough = datasetMode && routes.get(0).transform == null && columns.isEmpty()
                ? new PassThrough(routes.get(0).dataset, limits) : null;
        Transformation t = routes.get(0).transform;
        this.rulePass = datasetMode && t != null && RulePass.applies(t, columns.keySet())
                ? new RulePass(routes.get(0).dataset, t, columnNames, columnTypes, declared, limits) : null;
    }

    /**
     * A dataset's events, through its own rule when it has one ({@code rule} may be null).
     *
     * @throws KqlCompileException when the rule's transformation does not compile
     */
    public static CompiledTarget dataset(String dataset, DatasetRule rule, EventChecks.Limits limits) {
        if (rule == null) {
            return new CompiledTarget(null, true, Map.of(), List.of(new Route(dataset, null)), limits);
        }
        Map<String, String> columns = rule.columnTypes();
        Transformation t = "source".equals(rule.transformKql().trim()) ? null
                : Transformation.compile(rule.transformKql(), columns);
        return new CompiledTarget(RuleRef.dataset(rule), true, columns, List.of(new Route(dataset, t)), limits);
    }

    /**
     * A data collection rule's input stream through every data flow that takes it.
     *
     * @throws IllegalArgumentException when no data flow takes the stream, or when a flow's transformation does not
     *                                  compile (the message names the flow; the cause is the {@link KqlCompileException})
     */
    public static CompiledTarget dcrStream(DataCollectionRule rule, String stream, EventChecks.Limits limits) {
        List<DataFlow> flows = rule.flowsOf(stream);
        if (flows.isEmpty()) {
            throw new IllegalArgumentException("data collection rule " + rule.immutableId()
                    + " has no data flow for stream " + stream);
        }
        Map<String, String> columns = rule.columnTypes(stream);
        List<Route> routes = new ArrayList<>();
        for (DataFlow f : flows) {
            try {
                routes.add(new Route(f.outputDataset(), Transformation.compile(f.transformKql(), columns)));
            } catch (KqlCompileException e) {
                throw new IllegalArgumentException("data flow to " + f.outputStream() + " over " + stream
                        + ": transformKql does not compile: " + e.getMessage(), e);
            }
        }
        return new CompiledTarget(RuleRef.dcr(rule), false, columns, routes, limits);
    }

    /** The rule and version these routes come from; null for a dataset without a rule. */
    public RuleRef rule() {
        return rule;
    }

    /**
     * The typed columns each dataset's events get from this target, name to Kusto type ({@code long},
     * {@code datetime}, ...), in order: a data flow's output columns; a dataset rule's declared columns as its
     * transformation leaves them, plus its new ones; nothing for a dataset without a rule. A storage backend may store
     * them as typed columns beside the whole event.
     */
    public Map<String, Map<String, String>> columns() {
        Map<String, Map<String, String>> out = new LinkedHashMap<>();
        for (Route r : routes) {
            Map<String, String> cols = out.computeIfAbsent(r.dataset, d -> new LinkedHashMap<>());
            if (r.transform != null) {
                Schema schema = r.transform.output();
                for (int i = 0; i < schema.size(); i++) {
                    cols.putIfAbsent(schema.name(i), schema.type(i).kustoName());
                }
            } else {
                for (int i = 0; i < columnNames.length; i++) {
                    cols.putIfAbsent(columnNames[i], columnTypes[i].kustoName());
                }
            }
        }
        return out;
    }

    /**
     * The streaming path for this target's events when they pass through as they came (a dataset without a rule, or
     * whose rule declares no columns and transforms nothing): it gives what {@link #apply} and the envelope's JSON
     * give, without a tree. Null for any other target.
     */
    public PassThrough passThrough() {
        return passThrough;
    }

    /**
     * The streaming path for this target's events when its rule transforms them ({@link RulePass}): a dataset's own
     * rule whose transformation reads the declared columns only, none of its declared or output columns being
     * {@code _time} or {@code _id}. It gives what {@link #apply} and the envelope's JSON give, with a tree of the
     * declared columns only. Null for any other target.
     */
    public RulePass rulePass() {
        return rulePass;
    }

    /** The datasets this target's events can reach. */
    public List<String> datasets() {
        return routes.stream().map(Route::dataset).distinct().toList();
    }

    /** {@link #apply(ObjectNode, int, Budget)} for an event that is a batch of its own. */
    public List<Outcome> apply(ObjectNode event, int bytes) {
        return apply(event, bytes, limits.ruleBudget().start());
    }

    /**
     * One event through the checks and every route. Never throws: each route gives an {@link Outcome}; an event that
     * fails its checks gives one {@link Outcome.Failed} for all routes. The routes' transformations share the
     * event's {@link RuleBudget}: a route still running when it runs out, and every route after it, fails at stage
     * {@link Outcome#STAGE_TRANSFORM} with a reason naming the budget.
     *
     * @param bytes  the event's size as it came, in bytes
     * @param budget its batch's ({@link RuleBudget#start()}, on this thread)
     */
    public List<Outcome> apply(ObjectNode event, int bytes, Budget budget) {
        String problem = EventChecks.size(bytes, limits);
        if (problem == null && datasetMode) {
            problem = EventChecks.fieldNames(event, limits);
        }
        if (problem == null) {
            problem = EventChecks.columns(event, columnNames, columnTypes);
        }
        if (problem != null) {
            return List.of(new Outcome.Failed(Outcome.STAGE_VALIDATE, null, problem));
        }
        if (datasetMode && routes.get(0).transform == null) {
            return List.of(output(routes.get(0).dataset, event, EventEnvelope.TIME));
        }
        List<Outcome> out = new ArrayList<>(routes.size());
        budget.nextEvent();
        for (Route r : routes) {
            Transformation.Result result = r.transform.apply(event, budget);
            Outcome noRow = noRow(r.dataset, result, limits.ruleBudget());
            if (noRow != null) {
                out.add(noRow);
            } else {
                ObjectNode row = ((Transformation.Row) result).event();
                out.add(datasetMode ? output(r.dataset, merge(event, row), EventEnvelope.TIME)
                        : output(r.dataset, row, AZURE_TIME));
            }
        }
        return out;
    }

    /** The outcome of a transformation that gave no row ({@link Outcome.Dropped} or {@link Outcome.Failed}); null for a row. */
    static Outcome noRow(String dataset, Transformation.Result result, RuleBudget budget) {
        if (result instanceof Transformation.Dropped) {
            return new Outcome.Dropped(dataset);
        } else if (result instanceof Transformation.Failed f) {
            return new Outcome.Failed(Outcome.STAGE_TRANSFORM, dataset, f.reason());
        } else if (result instanceof Transformation.OverBudget o) {
            return new Outcome.Failed(Outcome.STAGE_TRANSFORM, dataset, budget.reason(o.batch()));
        }
        return null;
    }

    /**
     * Whether a row's column is left out of a dataset's event: Kusto has no null string, so a declared string column
     * the event lacked ({@code event} has no field of that name) comes out "".
     */
    static boolean absentString(String name, JsonNode value, Set<String> declared, ObjectNode event) {
        return value.isTextual() && value.textValue().isEmpty() && declared.contains(name) && !event.has(name);
    }

    private static Outcome output(String dataset, ObjectNode event, String timeField) {
        try {
            return new Outcome.Output(dataset, event, EventChecks.time(event, timeField));
        } catch (IllegalArgumentException e) {
            return new Outcome.Failed(Outcome.STAGE_VALIDATE, dataset, e.getMessage());
        }
    }

    /** The event's undeclared fields as they came, then the transformation's output columns. */
    private ObjectNode merge(ObjectNode event, ObjectNode row) {
        ObjectNode out = new ObjectNode(JsonNodeFactory.instance,
                new LinkedHashMap<>((event.size() + row.size()) * 4 / 3 + 1));
        for (Iterator<Map.Entry<String, JsonNode>> it = event.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> f = it.next();
            if (!declared.contains(f.getKey()) && !row.has(f.getKey())) {
                out.set(f.getKey(), f.getValue());
            }
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = row.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> f = it.next();
            if (!absentString(f.getKey(), f.getValue(), declared, event)) {
                out.set(f.getKey(), f.getValue());
            }
        }
        return out;
    }
}
