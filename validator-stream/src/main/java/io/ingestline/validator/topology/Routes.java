package io.ingestline.validator.topology;

import io.ingestline.model.BatchTarget;
import io.ingestline.model.ConfigKeys;
import io.ingestline.model.EventEnvelope;
import io.ingestline.model.rules.DataCollectionRule;
import io.ingestline.model.rules.DataCollectionRule.Column;
import io.ingestline.model.rules.DataCollectionRule.DataFlow;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Where the events of a raw batch go. A dataset target goes to its dataset. A data collection rule's stream goes
 * through the rule's data flows that take it: the rule comes from the configuration topic, which a global store
 * follows, so a rule put through the admin API routes the next batch without a restart.
 *
 * <p>Only the identity transformation ({@code source}) runs here yet: a flow with any other {@code transformKql}
 * sends its events to the dead letters, saying so, until the transformation library exists. An identity flow keeps
 * the stream's declared columns, as Azure does, and takes the event time from {@code TimeGenerated}.
 */
final class Routes {
    /** The global store holding the configuration topic's rules ({@code dcr/<id>} to the rule's JSON). */
    static final String STORE = "config-rules";
    static final String AZURE_TIME = "TimeGenerated";

    /** One destination: its dataset and the fields kept (null: all). */
    record Route(String dataset, Set<String> columns) {
    }

    /** The routes of a batch and the field holding its events' time, or why it has none. */
    record Resolution(List<Route> routes, String timeField, String refusal) {
        static Resolution refused(String why) {
            return new Resolution(List.of(), null, why);
        }
    }

    private final KeyValueStore<String, byte[]> store;
    private final Map<String, Parsed> parsed = new HashMap<>();

    private record Parsed(byte[] json, DataCollectionRule rule, String problem) {
    }

    Routes(KeyValueStore<String, byte[]> store) {
        this.store = store;
    }

    Resolution of(BatchTarget target) {
        if (target instanceof BatchTarget.Dataset d) {
            return new Resolution(List.of(new Route(d.name(), null)), EventEnvelope.TIME, null);
        }
        BatchTarget.Stream s = (BatchTarget.Stream) target;
        Parsed p = rule(s.dcrImmutableId());
        if (p == null) {
            return Resolution.refused("no data collection rule " + s.dcrImmutableId());
        }
        if (p.rule == null) {
            return Resolution.refused("data collection rule " + s.dcrImmutableId() + " is invalid: " + p.problem);
        }
        List<Column> declared = p.rule.streams().get(s.stream());
        List<DataFlow> flows = p.rule.flowsOf(s.stream());
        if (declared == null || flows.isEmpty()) {
            return Resolution.refused("data collection rule " + s.dcrImmutableId() + " has no data flow for stream "
                    + s.stream());
        }
        Set<String> columns = new LinkedHashSet<>();
        declared.forEach(c -> columns.add(c.name()));
        List<Route> routes = new ArrayList<>();
        for (DataFlow f : flows) {
            if (!"source".equals(f.transformKql().strip())) {
                return Resolution.refused("data flow to " + f.outputStream() + " has transformKql '" + f.transformKql()
                        + "': only the identity transformation 'source' runs in this version");
            }
            Route r = new Route(f.outputDataset(), Set.copyOf(columns));
            if (!routes.contains(r)) {
                routes.add(r);
            }
        }
        return new Resolution(List.copyOf(routes), AZURE_TIME, null);
    }

    /** The rule as stored now, parsed once per version of its JSON. */
    private Parsed rule(String id) {
        byte[] json = store.get(ConfigKeys.dcr(id));
        if (json == null) {
            parsed.remove(id);
            return null;
        }
        Parsed cached = parsed.get(id);
        if (cached != null && Arrays.equals(cached.json, json)) {
            return cached;
        }
        Parsed fresh;
        try {
            fresh = new Parsed(json, DataCollectionRule.fromJson(id, json), null);
        } catch (IOException | IllegalArgumentException e) {
            fresh = new Parsed(json, null, e.getMessage());
        }
        parsed.put(id, fresh);
        return fresh;
    }

    /** Keeps the global store in step with the configuration topic; only rules are kept, not tokens. */
    static final class Updater implements Processor<String, byte[], Void, Void> {
        private KeyValueStore<String, byte[]> store;

        @Override
        public void init(ProcessorContext<Void, Void> context) {
            store = context.getStateStore(STORE);
        }

        @Override
        public void process(Record<String, byte[]> record) {
            if (record.key() == null || !record.key().startsWith(ConfigKeys.DCR)) {
                return;
            }
            if (record.value() == null) {
                store.delete(record.key());
            } else {
                store.put(record.key(), record.value());
            }
        }
    }
}
