package io.ingestline.validator.topology;

import io.ingestline.model.EventEnvelope;
import io.ingestline.model.EventEnvelopeSerde;
import io.ingestline.model.Topics;
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
 *     -> split-batches (BatchSplitter)
 *          -> dataset-events (sink: &lt;prefix&gt;ds.&lt;dataset&gt;, EventEnvelope)
 *          -> dead-letters   (sink: &lt;prefix&gt;deadletter, original bytes + reason headers)
 *
 *   config (global store "config-rules": &lt;prefix&gt;config, data collection rules only)
 *     read by split-batches to route the streams of data collection rules
 * </pre>
 */
public final class ValidatorTopology {
    static final String SOURCE = "raw-batches";
    static final String SPLITTER = "split-batches";
    static final String DATASET_SINK = "dataset-events";
    static final String DEAD_LETTER_SINK = "dead-letters";
    static final String CONFIG_SOURCE = "config";
    static final String CONFIG_UPDATER = "config-rules-updater";

    private ValidatorTopology() {
    }

    public static Topology build(Topics topics, DatasetTopics datasetTopics) {
        TopicNameExtractor<String, EventEnvelope> datasetTopic = (key, event, ctx) -> topics.dataset(event.dataset());
        Topology t = new Topology();
        t.addGlobalStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(Routes.STORE), Serdes.String(),
                        Serdes.ByteArray()).withLoggingDisabled(),
                CONFIG_SOURCE, new StringDeserializer(), new ByteArrayDeserializer(), topics.config(), CONFIG_UPDATER,
                Routes.Updater::new);
        t.addSource(SOURCE, new ByteArrayDeserializer(), new ByteArrayDeserializer(), topics.raw());
        t.addProcessor(SPLITTER, () -> new BatchSplitter(datasetTopics), SOURCE);
        t.addSink(DATASET_SINK, datasetTopic, new StringSerializer(), new EventEnvelopeSerde().serializer(), SPLITTER);
        t.addSink(DEAD_LETTER_SINK, topics.deadLetters(), new ByteArraySerializer(), new ByteArraySerializer(), SPLITTER);
        return t;
    }
}
