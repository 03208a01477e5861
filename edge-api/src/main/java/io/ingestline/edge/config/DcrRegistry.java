package io.ingestline.edge.config;

import io.ingestline.model.rules.DataCollectionRule;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** The data collection rules this node knows, by immutable id; kept in step with the configuration topic. */
public final class DcrRegistry {
    private final Map<String, DataCollectionRule> rules = new ConcurrentHashMap<>();

    public Optional<DataCollectionRule> get(String immutableId) {
        return Optional.ofNullable(rules.get(immutableId));
    }

    public List<DataCollectionRule> list() {
        return rules.values().stream().sorted(Comparator.comparing(DataCollectionRule::immutableId)).toList();
    }

    public void put(DataCollectionRule rule) {
        rules.put(rule.immutableId(), rule);
    }

    public void remove(String immutableId) {
        rules.remove(immutableId);
    }
}
