package io.ingestline.edge.config;

import io.ingestline.model.rules.DatasetRule;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The datasets' own rules this node knows, by dataset; kept in step with the configuration topic, with the last
 * version of each (deleted ones included) so that a rule created again continues its numbers.
 */
public final class DatasetRuleRegistry {
    private final Map<String, DatasetRule> rules = new ConcurrentHashMap<>();
    private final Map<String, Long> lastVersions = new ConcurrentHashMap<>();

    public Optional<DatasetRule> get(String dataset) {
        return Optional.ofNullable(rules.get(dataset));
    }

    public List<DatasetRule> list() {
        return rules.values().stream().sorted(Comparator.comparing(DatasetRule::name)).toList();
    }

    public void put(DatasetRule rule) {
        rules.put(rule.name(), rule);
        lastVersions.merge(rule.name(), rule.version(), Math::max);
    }

    public void remove(String dataset) {
        rules.remove(dataset);
    }

    public long lastVersion(String dataset) {
        return lastVersions.getOrDefault(dataset, 0L);
    }
}
