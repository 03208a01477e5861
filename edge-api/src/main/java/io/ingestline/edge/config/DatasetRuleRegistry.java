package io.ingestline.edge.config;

import io.ingestline.model.rules.DatasetRule;

/** The datasets' own rules this node knows, by dataset. */
public final class DatasetRuleRegistry extends RuleRegistry<DatasetRule> {
    public DatasetRuleRegistry() {
        super(DatasetRule::name, DatasetRule::version, DatasetRule::fromJson);
    }
}
