package io.ingestline.validator.topology;

import io.ingestline.kql.KqlCompileException;
import io.ingestline.kql.Transformation;
import io.ingestline.model.BatchTarget;
import io.ingestline.model.ConfigKeys;
import io.ingestline.model.rules.DataCollectionRule;
import io.ingestline.model.rules.DataCollectionRule.DataFlow;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Where the events of a raw batch go. A dataset target goes to its dataset as it is. A data collection rule's stream
 * goes through each data flow that takes it: the flow's {@code transformKql} (compiled by the {@code kql} module
 * against the stream's declared columns) makes the output event, or drops it, and the output goes to the flow's
 * dataset. Rules come from the configuration topic, which a global store follows, so a rule put through the admin
 * API routes the next batch without a restart; each version of a rule is compiled once.
 */
final class Routes {
    /** The global store holding the configuration topic's rules ({@code dcr/<id>} to the rule's JSON). */
    static final String STORE = "config-rules";

    /** One destination: its dataset, and the transformation that makes its events (null: the event as it is). */
    record Route(String dataset, Transformation transform) {
    }

    /** The routes of a batch, or why it has none. */
    record Resolution(List<Route> routes, String refusal) {
        static Resolution refused(String why) {
            return new Resolution(List.of(), why);
        }
    }

    private final KeyValueStore<String, byte[]> store;
    private final Map<String, Parsed> parsed = new HashMap<>();

    /** A rule's version (its JSON) and, per input stream, what it resolves to. */
    private record Parsed(byte[] json, Map<String, Resolution> streams, String problem) {
    }

    Routes(KeyValueStore<String, byte[]> store) {
        this.store = store;
    }

    Resolution of(BatchTarget target) {
        if (target instanceof BatchTarget.Dataset d) {
            return new Resolution(List.of(new Route(d.name(), null)), null);
        }
        BatchTarget.Stream s = (BatchTarget.Stream) target;
        Parsed p = rule(s.dcrImmutableId());
        if (p == null) {
            return Resolution.refused("no data collection rule " + s.dcrImmutableId());
        }
        if (p.problem != null) {
            return Resolution.refused("data collection rule " + s.dcrImmutableId() + " is invalid: " + p.problem);
        }
        Resolution r = p.streams.get(s.stream());
        return r != null ? r : Resolution.refused("data collection rule " + s.dcrImmutableId()
                + " has no data flow for stream " + s.stream());
    }

    /** The rule as stored now, compiled once per version of its JSON. */
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
            fresh = new Parsed(json, compile(DataCollectionRule.fromJson(id, json)), null);
        } catch (IOException | IllegalArgumentException e) {
            fresh = new Parsed(json, Map.of(), e.getMessage());
        }
        parsed.put(id, fresh);
        return fresh;
    }

    private static Map<String, Resolution> compile(DataCollectionRule rule) {
        Map<String, Resolution> out = new HashMap<>();
        for (String stream : rule.streams().keySet()) {
            List<DataFlow> flows = rule.flowsOf(stream);
            if (flows.isEmpty()) {
                continue;
            }
            List<Route> routes = new ArrayList<>();
            String refusal = null;
            for (DataFlow f : flows) {
                try {
                    routes.add(new Route(f.outputDataset(), Transformation.compile(f.transformKql(),
                            rule.columnTypes(stream))));
                } catch (KqlCompileException e) {
                    refusal = "data flow to " + f.outputStream() + ": transformKql does not compile: " + e.getMessage();
                    break;
                }
            }
            out.put(stream, refusal == null ? new Resolution(List.copyOf(routes), null) : Resolution.refused(refusal));
        }
        return out;
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
