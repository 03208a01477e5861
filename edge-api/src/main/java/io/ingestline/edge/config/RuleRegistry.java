package io.ingestline.edge.config;

import io.ingestline.model.rules.RuleRecords;
import java.io.IOException;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.ToLongFunction;
import org.apache.kafka.common.header.Headers;

/**
 * The rules of one kind this node knows, by key; kept in step with the configuration topic as {@link RuleRecords}
 * decides, so that the version of each rule is the offset of the record that stored it, the same on every node.
 */
public class RuleRegistry<T> {
    /** Reads a stored rule. */
    @FunctionalInterface
    protected interface Parser<T> {
        T parse(String id, byte[] json) throws IOException;
    }

    private final Map<String, T> rules = new ConcurrentHashMap<>();
    /** The version (offset) of each key's current record, readable or not. */
    private final Map<String, Long> versions = new ConcurrentHashMap<>();
    /** The offset of each key's last record, applied or refused. */
    private final Map<String, Long> latest = new ConcurrentHashMap<>();
    /** The offset of each key's last delete. */
    private final Map<String, Long> deleted = new ConcurrentHashMap<>();
    private final Function<T, String> key;
    private final ToLongFunction<T> version;
    private final Parser<T> parser;

    protected RuleRegistry(Function<T, String> key, ToLongFunction<T> version, Parser<T> parser) {
        this.key = key;
        this.version = version;
        this.parser = parser;
    }

    public Optional<T> get(String id) {
        return Optional.ofNullable(rules.get(id));
    }

    /** Every rule, by key. */
    public List<T> list() {
        return rules.values().stream().sorted(Comparator.comparing(key)).toList();
    }

    /** Makes the rule current at its own version (tests, and {@link #apply}). */
    public void put(T rule) {
        rules.put(key.apply(rule), rule);
        versions.put(key.apply(rule), version.applyAsLong(rule));
    }

    /** The version of the key's current rule, {@link RuleRecords#NONE} when it has none. */
    public long version(String id) {
        return versions.getOrDefault(id, RuleRecords.NONE);
    }

    /** The offset of the last record seen for the key, applied or refused; -1 for none. */
    public long latestRecord(String id) {
        return latest.getOrDefault(id, -1L);
    }

    /** The offset of the last delete of the key seen, applied; -1 for none. */
    public long deletedAt(String id) {
        return deleted.getOrDefault(id, -1L);
    }

    /**
     * Applies one record of the configuration topic. A value that applies but does not read as a rule leaves the key
     * without a rule (as the validator, which refuses its events), at that record's version.
     */
    RuleRecords.Decision apply(String id, byte[] value, Headers headers, long offset) throws IOException {
        latest.put(id, offset);
        RuleRecords.Decision d = RuleRecords.decide(value, headers, offset, version(id));
        if (d instanceof RuleRecords.Apply a) {
            T rule;
            try {
                rule = parser.parse(id, a.json());
            } catch (IOException | RuntimeException e) {
                versions.put(id, a.version());
                rules.remove(id);
                throw e;
            }
            // replaced in one step: a reader never sees the key without a rule while a new version of it lands (an
            // admin request read that gap as "no rule", 404)
            put(rule);
        } else if (d instanceof RuleRecords.Delete) {
            rules.remove(id);
            versions.remove(id);
            deleted.put(id, offset);
        }
        return d;
    }
}
