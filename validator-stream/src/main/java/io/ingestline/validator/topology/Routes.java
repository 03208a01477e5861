package io.ingestline.validator.topology;

import io.ingestline.kql.KqlCompileException;
import io.ingestline.model.BatchTarget;
import io.ingestline.model.ConfigKeys;
import io.ingestline.model.rules.DataCollectionRule;
import io.ingestline.model.rules.DatasetRule;
import io.ingestline.model.rules.RuleRecords;
import io.ingestline.rules.CompiledTarget;
import io.ingestline.rules.EventChecks;
import java.io.IOException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * What a batch target's events go through ({@link CompiledTarget}), from the rules in the configuration topic, which
 * a global store follows: a dataset through its own rule ({@code dataset/<name>}) when it has one, a data collection
 * rule's stream through its data flows ({@code dcr/<id>}). A rule put through the admin API applies from the next
 * batch on, without a restart. Each version of a rule is compiled once; a batch resolves its target once, so all its
 * events see one version.
 */
final class Routes {
    /** The global store holding the configuration topic's rules (key to the rule's JSON). */
    static final String STORE = "config-rules";

    /** A target's compiled routes, or why it has none (then {@code rule} names the rule at fault, if any). */
    record Resolution(CompiledTarget target, String refusal, String rule) {
    }

    private final KeyValueStore<String, byte[]> store;
    private final EventChecks.Limits limits;
    /** Per configuration key: the JSON last compiled and what each target of it resolved to. */
    private final Map<String, Compiled> compiled = new HashMap<>();
    private final Map<String, Resolution> plainDatasets = new HashMap<>();

    private record Compiled(byte[] json, Map<String, Resolution> targets) {
    }

    Routes(KeyValueStore<String, byte[]> store, EventChecks.Limits limits) {
        this.store = store;
        this.limits = limits;
    }

    Resolution of(BatchTarget target) {
        if (target instanceof BatchTarget.Dataset d) {
            String key = ConfigKeys.dataset(d.name());
            byte[] json = store.get(key);
            if (json == null) {
                compiled.remove(key);
                return plainDatasets.computeIfAbsent(d.name(),
                        n -> new Resolution(CompiledTarget.dataset(n, null, limits), null, null));
            }
            return version(key, json).targets.computeIfAbsent("", t -> datasetRule(d.name(), key, json));
        }
        BatchTarget.Stream s = (BatchTarget.Stream) target;
        String key = ConfigKeys.dcr(s.dcrImmutableId());
        byte[] json = store.get(key);
        if (json == null) {
            compiled.remove(key);
            return new Resolution(null, "no data collection rule " + s.dcrImmutableId(), null);
        }
        return version(key, json).targets.computeIfAbsent(s.stream(), t -> dcrStream(s, key, json));
    }

    private Compiled version(String key, byte[] json) {
        Compiled c = compiled.get(key);
        if (c == null || !Arrays.equals(c.json, json)) {
            c = new Compiled(json, new HashMap<>());
            compiled.put(key, c);
        }
        return c;
    }

    private Resolution datasetRule(String dataset, String key, byte[] json) {
        try {
            return new Resolution(CompiledTarget.dataset(dataset, DatasetRule.fromJson(dataset, json), limits), null,
                    null);
        } catch (IOException | IllegalArgumentException | KqlCompileException e) {
            return new Resolution(null, "the rule of dataset " + dataset + " is invalid: " + e.getMessage(), key);
        }
    }

    private Resolution dcrStream(BatchTarget.Stream s, String key, byte[] json) {
        DataCollectionRule rule;
        try {
            rule = DataCollectionRule.fromJson(s.dcrImmutableId(), json);
        } catch (IOException | IllegalArgumentException e) {
            return new Resolution(null, "data collection rule " + s.dcrImmutableId() + " is invalid: " + e.getMessage(),
                    key);
        }
        try {
            return new Resolution(CompiledTarget.dcrStream(rule, s.stream(), limits), null, null);
        } catch (IllegalArgumentException e) {
            return new Resolution(null, e.getCause() instanceof KqlCompileException
                    ? "data collection rule " + s.dcrImmutableId() + ": " + e.getMessage() : e.getMessage(), key);
        }
    }

    /**
     * Keeps the global store in step with the configuration topic; only rules are kept, not tokens. Applies or
     * refuses each record as every edge node does ({@link RuleRecords}), storing a rule with the version it gives
     * (its record's offset, or the version a rule stored again unchanged keeps).
     */
    static final class Updater implements Processor<String, byte[], Void, Void> {
        private KeyValueStore<String, byte[]> store;
        private ProcessorContext<Void, Void> context;

        @Override
        public void init(ProcessorContext<Void, Void> context) {
            this.context = context;
            store = context.getStateStore(STORE);
        }

        @Override
        public void process(Record<String, byte[]> record) {
            String key = record.key();
            if (!RuleRecords.isRule(key)) {
                return;
            }
            long offset = context.recordMetadata().orElseThrow(() -> new IllegalStateException(
                    "a configuration record without its offset")).offset();
            RuleRecords.Decision d = RuleRecords.decide(record.value(), record.headers(), offset,
                    RuleRecords.versionOf(store.get(key)));
            if (d instanceof RuleRecords.Apply a) {
                store.put(key, a.json());
            } else if (d instanceof RuleRecords.Delete) {
                store.delete(key);
            }
        }
    }
}
