package io.ingestline.validator.topology;

import io.ingestline.model.EventEnvelope;
import io.ingestline.model.EventEnvelopeSerde;
import io.ingestline.model.Topics;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.TopicNameExtractor;

/**
 * The validator's topology: raw batches in; events out to their dataset topics; failures to the dead letters.
 *
 * <pre>
 *   raw-batches (source: &lt;prefix&gt;raw, bytes)
 *     -> split-batches (BatchSplitter)
 *          -> dataset-events (sink: &lt;prefix&gt;ds.&lt;dataset&gt;, EventEnvelope)
 *          -> dead-letters   (sink: &lt;prefix&gt;deadletter, original bytes + reason headers)
 * </pre>
 */
public final class ValidatorTopology {
    static final String SOURCE = "raw-batches";
    static final String SPLITTER = "split-batches";
    static final String DATASET_SINK = "dataset-events";
    static final String DEAD_LETTER_SINK = "dead-letters";

    private ValidatorTopology() {
    }

    public static Topology build(Topics topics, DatasetTopics datasetTopics) {
        TopicNameExtractor<String, EventEnvelope> datasetTopic = (key, event, ctx) -> topics.dataset(event.dataset());
        Topology t = new Topology();
        t.addSource(SOURCE, new ByteArrayDeserializer(), new ByteArrayDeserializer(), topics.raw());
        t.addProcessor(SPLITTER, () -> new BatchSplitter(datasetTopics), SOURCE);
        t.addSink(DATASET_SINK, datasetTopic, new StringSerializer(), new EventEnvelopeSerde().serializer(), SPLITTER);
        t.addSink(DEAD_LETTER_SINK, topics.deadLetters(), new ByteArraySerializer(), new ByteArraySerializer(), SPLITTER);
        return t;
    }
}
