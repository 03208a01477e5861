package io.ingestline.validator.topology;

import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.processor.TopicNameExtractor;

/**
 * An output event already serialized (its size checked against the record limit before it is sent) and the topic it
 * goes to.
 */
record Routed(String topic, byte[] value) {
    static final TopicNameExtractor<String, Routed> TOPIC = (key, routed, context) -> routed.topic();
    static final Serializer<Routed> SERIALIZER = (topic, routed) -> routed == null ? null : routed.value();
}
