package io.ingestline.edge.config;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.ToLongFunction;

/**
 * The rules of one kind this node knows, by key; kept in step with the configuration topic. It also remembers the
 * last version of each rule, deleted ones included, so that a rule created again continues its numbers.
 */
public class RuleRegistry<T> {
    private final Map<String, T> rules = new ConcurrentHashMap<>();
    private final Map<String, Long> lastVersions = new ConcurrentHashMap<>();
    private final Function<T, String> key;
    private final ToLongFunction<T> version;

    protected RuleRegistry(Function<T, String> key, ToLongFunction<T> version) {
        this.key = key;
        this.version = version;
    }

    public Optional<T> get(String id) {
        return Optional.ofNullable(rules.get(id));
    }

    /** Every rule, by key. */
    public List<T> list() {
        return rules.values().stream().sorted(Comparator.comparing(key)).toList();
    }

    public void put(T rule) {
        rules.put(key.apply(rule), rule);
        lastVersions.merge(key.apply(rule), version.applyAsLong(rule), Math::max);
    }

    public void remove(String id) {
        rules.remove(id);
    }

    /** The highest version this node has seen of the rule (0: none). */
    public long lastVersion(String id) {
        return lastVersions.getOrDefault(id, 0L);
    }
}
