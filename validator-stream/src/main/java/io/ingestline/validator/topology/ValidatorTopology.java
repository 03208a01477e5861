package io.ingestline.validator.topology;

import io.ingestline.model.Topics;
import io.ingestline.rules.EventChecks;
import java.time.Duration;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

/**
 * The validator's topology: raw batches in; events out to their dataset topics; failures to the dead letters.
 *
 * <pre>
 *   raw-batches (source: &lt;prefix&gt;raw, bytes)
 *     -> drop-duplicates (DuplicateFilter, stores "request-ids" and "request-ids-by-time": retried batches
 *                         within the window)
 *     -> split-batches (BatchSplitter: parse, check, transform, route; store "parked-batches": batches waiting
 *                       for a dataset topic to be created)
 *          -> dataset-events (sink: &lt;prefix&gt;ds.&lt;dataset&gt;, EventEnvelope serialized by the splitter)
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
    /** The store of parked raw batches; its changelog holds whole raw records. */
    public static final String PARKED_STORE = ParkedBatches.STORE;

    private ValidatorTopology() {
    }

    /**
     * @param limits         the checks' limits on each event
     * @param dedupWindow    how long a request id is remembered; zero turns duplicate dropping off
     * @param maxRecordBytes the largest record written (the producer's {@code max.request.size}); a larger output
     *                       event goes to the dead letters
     * @param topicWait      how long a batch waits for a dataset topic being created before it is parked
     */
    public record Settings(Topics topics, EventChecks.Limits limits, Duration dedupWindow, int maxRecordBytes,
            Duration topicWait) {
    }

    public static Topology build(Settings settings, DatasetTopics datasetTopics, ValidatorMetrics metrics,
            BatchProgress progress) {
        Topics topics = settings.topics();
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
            t.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(DuplicateFilter.BY_TIME),
                    Serdes.Bytes(), Serdes.ByteArray()), DEDUP);
            splitterParent = DEDUP;
        }
        t.addProcessor(SPLITTER, () -> new BatchSplitter(settings, datasetTopics, metrics, progress), splitterParent);
        t.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(ParkedBatches.STORE),
                Serdes.Bytes(), Serdes.ByteArray()), SPLITTER);
        t.addSink(DATASET_SINK, Routed.TOPIC, new StringSerializer(), Routed.SERIALIZER, SPLITTER);
        t.addSink(DEAD_LETTER_SINK, topics.deadLetters(), new ByteArraySerializer(), new ByteArraySerializer(), SPLITTER);
        return t;
    }
}
