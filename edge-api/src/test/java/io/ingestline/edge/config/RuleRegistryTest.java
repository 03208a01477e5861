package io.ingestline.edge.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.ingestline.model.rules.DatasetRule;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RuleRegistryTest {
    /**
     * A new version of a rule replaces the old one in one step: a reader (an admin request checking that the rule
     * exists) never finds the key without a rule while records of it land. The old apply removed the rule, then put
     * the new one, and EdgeIT's DELETE with a stale version got 404 instead of 412 in that gap.
     */
    @Test
    void a_reader_never_sees_a_rule_missing_while_new_versions_of_it_land() throws Exception {
        DatasetRuleRegistry registry = new DatasetRuleRegistry();
        byte[] json = new DatasetRule("web", 0, List.of(), "source").toJson();
        registry.apply("web", json, null, 0);
        AtomicBoolean done = new AtomicBoolean();
        AtomicLong missing = new AtomicLong();
        Thread reader = new Thread(() -> {
            while (!done.get()) {
                if (registry.get("web").isEmpty()) {
                    missing.incrementAndGet();
                }
            }
        });
        reader.start();
        try {
            for (long offset = 1; offset <= 300_000; offset++) {
                registry.apply("web", json, null, offset);
            }
        } finally {
            done.set(true);
            reader.join();
        }
        assertThat(registry.version("web")).isEqualTo(300_000);
        assertThat(missing.get()).as("reads that found no rule").isZero();
    }
}
