package io.ingestline.edge.config;

import io.ingestline.model.rules.DataCollectionRule;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The data collection rules this node knows, by immutable id; kept in step with the configuration topic. It also
 * remembers the last version of each rule, deleted ones included, so that a rule created again continues its numbers.
 */
public final class DcrRegistry {
    private final Map<String, DataCollectionRule> rules = new ConcurrentHashMap<>();
    private final Map<String, Long> lastVersions = new ConcurrentHashMap<>();

    public Optional<DataCollectionRule> get(String immutableId) {
        return Optional.ofNullable(rules.get(immutableId));
    }

    public List<DataCollectionRule> list() {
        return rules.values().stream().sorted(Comparator.comparing(DataCollectionRule::immutableId)).toList();
    }

    public void put(DataCollectionRule rule) {
        rules.put(rule.immutableId(), rule);
        lastVersions.merge(rule.immutableId(), rule.version(), Math::max);
    }

    public void remove(String immutableId) {
        rules.remove(immutableId);
    }

    /** The highest version this node has seen of the rule (0: none). */
    public long lastVersion(String immutableId) {
        return lastVersions.getOrDefault(immutableId, 0L);
    }
}
