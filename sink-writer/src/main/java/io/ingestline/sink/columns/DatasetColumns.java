package io.ingestline.sink.columns;

import io.ingestline.kql.KqlCompileException;
import io.ingestline.model.ConfigKeys;
import io.ingestline.model.config.ConfigFollower;
import io.ingestline.model.kafka.KafkaSettings;
import io.ingestline.model.rules.DataCollectionRule;
import io.ingestline.model.rules.DatasetRule;
import io.ingestline.rules.CompiledTarget;
import io.ingestline.rules.EventChecks;
import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The typed columns of each dataset, learned from the rules in the configuration topic, which a thread follows: a
 * data collection rule's flows give their output datasets the columns of their transformations' output, a dataset
 * rule gives its dataset its declared (and transformed) columns ({@link CompiledTarget#columns()}). Records are
 * applied on the follower's thread; readers see immutable snapshots. Several rules
 * feeding one dataset add up; the first type given to a name stays.
 */
public final class DatasetColumns implements Function<String, Map<String, String>>, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DatasetColumns.class);

    private ConfigFollower follower;
    /** Per configuration key, the columns it gives each dataset. */
    private final Map<String, Map<String, Map<String, String>>> byRule = new HashMap<>();
    private volatile Map<String, Map<String, String>> merged = Map.of();

    private DatasetColumns() {
    }

    /** Starts following the configuration topic and waits (up to {@code wait}) until it has read what is there. */
    public static DatasetColumns start(KafkaSettings kafka, Duration wait) {
        DatasetColumns columns = new DatasetColumns();
        columns.follower = ConfigFollower.start(kafka, "sink-config", columns::apply);
        if (!columns.follower.awaitCaughtUp(wait)) {
            LOG.warn("the configuration topic was not read within {}; typed columns follow when it is", wait);
        }
        return columns;
    }

    /** The dataset's typed columns, name to Kusto type, in order (empty when no rule gives it any). */
    @Override
    public Map<String, String> apply(String dataset) {
        return merged.getOrDefault(dataset, Map.of());
    }

    private void apply(ConsumerRecord<String, byte[]> r) {
        String key = r.key();
        if (key == null || !(key.startsWith(ConfigKeys.DCR) || key.startsWith(ConfigKeys.DATASET))) {
            return;
        }
        Map<String, Map<String, String>> given = Map.of();
        if (r.value() != null) {
            try {
                given = key.startsWith(ConfigKeys.DCR) ? dcr(key.substring(ConfigKeys.DCR.length()), r.value())
                        : dataset(key.substring(ConfigKeys.DATASET.length()), r.value());
            } catch (IOException | IllegalArgumentException | KqlCompileException e) {
                LOG.warn("rule {} gives no typed columns: {}", key, e.getMessage());
            }
        }
        byRule.put(key, given);
        Map<String, Map<String, String>> all = new HashMap<>();
        byRule.values().forEach(m -> m.forEach((dataset, cols) -> cols.forEach((name, type) ->
                all.computeIfAbsent(dataset, d -> new LinkedHashMap<>()).putIfAbsent(name, type))));
        Map<String, Map<String, String>> frozen = new HashMap<>();
        all.forEach((d, cols) -> frozen.put(d, java.util.Collections.unmodifiableMap(cols)));
        merged = Map.copyOf(frozen);
    }

    private static Map<String, Map<String, String>> dcr(String id, byte[] json) throws IOException {
        DataCollectionRule rule = DataCollectionRule.fromJson(id, json);
        Map<String, Map<String, String>> out = new LinkedHashMap<>();
        for (String stream : rule.streams().keySet()) {
            if (!rule.flowsOf(stream).isEmpty()) {
                CompiledTarget.dcrStream(rule, stream, EventChecks.Limits.DEFAULT).columns().forEach((d, cols) ->
                        cols.forEach((n, t) -> out.computeIfAbsent(d, x -> new LinkedHashMap<>()).putIfAbsent(n, t)));
            }
        }
        return out;
    }

    private static Map<String, Map<String, String>> dataset(String name, byte[] json) throws IOException {
        return CompiledTarget.dataset(name, DatasetRule.fromJson(name, json), EventChecks.Limits.DEFAULT).columns();
    }

    @Override
    public void close() {
        follower.close();
    }
}
