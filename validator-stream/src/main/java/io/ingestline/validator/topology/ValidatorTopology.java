package io.ingestline.validator.topology;

import io.ingestline.model.EventEnvelope;
import io.ingestline.model.EventEnvelopeSerde;
import io.ingestline.model.Topics;
import io.ingestline.rules.EventChecks;
import java.time.Duration;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.TopicNameExtractor;
import org.apache.kafka.streams.state.Stores;

/**
 * The validator's topology: raw batches in; events out to their dataset topics; failures to the dead letters.
 *
 * <pre>
 *   raw-batches (source: &lt;prefix&gt;raw, bytes)
 *     -> drop-duplicates (DuplicateFilter, store "request-ids": retried batches within the window)
 *     -> split-batches (BatchSplitter: parse, check, transform, route)
 *          -> dataset-events (sink: &lt;prefix&gt;ds.&lt;dataset&gt;, EventEnvelope)
 *          -> dead-letters   (sink: &lt;prefix&gt;deadletter, original bytes + reason headers)
 *
 *   config (global store "config-rules": &lt;prefix&gt;config, data collection rules and dataset rules only)
 *     read by split-batches to resolve each batch's target (Routes)
 * </pre>
 */
public final class ValidatorTopology {
    static final String SOURCE = "raw-batches";
    static final String DEDUP = "drop-duplicates";
    static final String SPLITTER = "split-batches";
    static final String DATASET_SINK = "dataset-events";
    static final String DEAD_LETTER_SINK = "dead-letters";
    static final String CONFIG_SOURCE = "config";
    static final String CONFIG_UPDATER = "config-rules-updater";

    private ValidatorTopology() {
    }

    /**
     * @param limits      the checks' limits on each event
     * @param dedupWindow how long a request id is remembered; zero turns duplicate dropping off
     */
    public record Settings(Topics topics, EventChecks.Limits limits, Duration dedupWindow) {
    }

    public static Topology build(Settings settings, DatasetTopics datasetTopics, ValidatorMetrics metrics) {
        Topics topics = settings.topics();
        TopicNameExtractor<String, EventEnvelope> datasetTopic = (key, event, ctx) -> topics.dataset(event.dataset());
        Topology t = new Topology();
        t.addGlobalStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(Routes.STORE), Serdes.String(),
                        Serdes.ByteArray()).withLoggingDisabled(),
                CONFIG_SOURCE, new StringDeserializer(), new ByteArrayDeserializer(), topics.config(), CONFIG_UPDATER,
                Routes.Updater::new);
        t.addSource(SOURCE, new ByteArrayDeserializer(), new ByteArrayDeserializer(), topics.raw());
        String splitterParent = SOURCE;
        if (!settings.dedupWindow().isZero()) {
            t.addProcessor(DEDUP, () -> new DuplicateFilter(settings.dedupWindow(), metrics), SOURCE);
            t.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(DuplicateFilter.STORE),
                    Serdes.String(), Serdes.Long()), DEDUP);
            splitterParent = DEDUP;
        }
        t.addProcessor(SPLITTER, () -> new BatchSplitter(datasetTopics, settings.limits(), metrics), splitterParent);
        t.addSink(DATASET_SINK, datasetTopic, new StringSerializer(), new EventEnvelopeSerde().serializer(), SPLITTER);
        t.addSink(DEAD_LETTER_SINK, topics.deadLetters(), new ByteArraySerializer(), new ByteArraySerializer(), SPLITTER);
        return t;
    }
}
