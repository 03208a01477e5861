package io.ingestline.model.rules;

import io.ingestline.model.ConfigKeys;
import java.util.Objects;

/**
 * Which rule, at which version, made an event (or failed on it): recorded on every output event and dead letter as
 * the headers {@code ingest.rule} ({@link #key()}: {@code dcr/<immutableId>} or {@code dataset/<name>}) and
 * {@code ingest.rule.version}.
 */
public record RuleRef(String key, long version) {
    public RuleRef {
        Objects.requireNonNull(key, "key");
    }

    public static RuleRef dcr(DataCollectionRule rule) {
        return new RuleRef(ConfigKeys.dcr(rule.immutableId()), rule.version());
    }

    public static RuleRef dataset(DatasetRule rule) {
        return new RuleRef(ConfigKeys.dataset(rule.name()), rule.version());
    }

    @Override
    public String toString() {
        return key + "@" + version;
    }
}
