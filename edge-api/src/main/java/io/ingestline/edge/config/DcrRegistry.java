package io.ingestline.edge.config;

import io.ingestline.model.rules.DataCollectionRule;

/** The data collection rules this node knows, by immutable id. */
public final class DcrRegistry extends RuleRegistry<DataCollectionRule> {
    public DcrRegistry() {
        super(DataCollectionRule::immutableId, DataCollectionRule::version, DataCollectionRule::fromJson);
    }
}
