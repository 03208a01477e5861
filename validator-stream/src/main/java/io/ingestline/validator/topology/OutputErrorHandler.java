package io.ingestline.validator.topology;

import io.ingestline.model.IngestHeaders;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the validator does when Kafka Streams cannot write an output record, per kind of error; it never drops a
 * record silently:
 * <ul>
 *   <li>a record too large (the producer's or the broker's limit) goes to the dead letters (stage {@code store},
 *       its size in {@code ingest.dlq.record-bytes}, its value cut to fit); if the dead letter itself was refused,
 *       the stream fails;</li>
 *   <li>a record that cannot be serialized goes to the dead letters the same way;</li>
 *   <li>a retriable error (a send expired while the broker was away longer than the delivery timeout, too few
 *       replicas) retries the task: Kafka Streams aborts its transaction and reprocesses from the last commit, so
 *       a broker outage of any length delays the validator but never stops it;</li>
 *   <li>anything else (authorization, unknown errors) fails the stream, loudly.</li>
 * </ul>
 * The splitter already dead-letters what is over the limit before it is sent ({@link RecordSize}): under
 * exactly-once a record the producer refuses puts its transaction in an abortable state (Kafka's
 * {@code TransactionManager.maybeTransitionToErrorState}), so whatever this handler answers the batch is
 * reprocessed. This handler is the last line (a broker whose {@code max.message.bytes} is below the record limit); a
 * dataset record it dead-letters is one dead letter holding its events' envelopes, one a line
 * ({@link io.ingestline.model.DatasetRecord}).
 */
public final class OutputErrorHandler implements ProductionExceptionHandler {
    /** Streams config key: the dead-letter topic. */
    public static final String DEAD_LETTER_TOPIC = "ingest.dead.letter.topic";
    /** Streams config key: the record limit dead letters are cut to. */
    public static final String MAX_RECORD_BYTES = "ingest.max.record.bytes";

    private static final Logger LOG = LoggerFactory.getLogger(OutputErrorHandler.class);

    private String deadLetterTopic;
    private int maxRecordBytes;

    @Override
    public void configure(Map<String, ?> configs) {
        deadLetterTopic = String.valueOf(configs.get(DEAD_LETTER_TOPIC));
        maxRecordBytes = Integer.parseInt(String.valueOf(configs.get(MAX_RECORD_BYTES)));
    }

    @Override
    public Response handleError(ErrorHandlerContext context, ProducerRecord<byte[], byte[]> record, Exception e) {
        if (e instanceof RetriableException) {
            LOG.warn("cannot write a record to {} yet ({}); retrying the task from its last commit", record.topic(),
                    e.toString());
            return Response.retry();
        }
        if (!(e instanceof RecordTooLargeException || e instanceof RecordBatchTooLargeException)) {
            LOG.error("cannot write a record to {}; stopping", record.topic(), e);
            return Response.fail();
        }
        int size = RecordSize.of(record.key(), record.value(), record.headers());
        return deadLetter(context, record.topic(), record.key(), record.value(), record.headers(), e, size);
    }

    @Override
    @SuppressWarnings("rawtypes") // Kafka's own signature
    public Response handleSerializationError(ErrorHandlerContext context, ProducerRecord record, Exception e,
            SerializationExceptionOrigin origin) {
        Object value = record.value();
        byte[] bytes = value instanceof byte[] b ? b : context.sourceRawValue();
        return deadLetter(context, record.topic(), null, bytes, record.headers(), e, -1);
    }

    private Response deadLetter(ErrorHandlerContext context, String topic, byte[] key, byte[] value, Headers original,
            Exception e, int size) {
        if (deadLetterTopic.equals(topic)) {
            LOG.error("cannot write a dead letter ({} bytes); stopping", size, e);
            return Response.fail();
        }
        Headers h = new RecordHeaders(original.toArray());
        IngestHeaders.put(h, IngestHeaders.DLQ_STAGE, DeadLetters.STAGE_STORE);
        IngestHeaders.put(h, IngestHeaders.DLQ_ERROR_CLASS, e.getClass().getName());
        IngestHeaders.put(h, IngestHeaders.DLQ_ERROR_MESSAGE, "cannot write to " + topic + ": " + e.getMessage());
        IngestHeaders.put(h, IngestHeaders.DLQ_SOURCE,
                context.topic() + "/" + context.partition() + "/" + context.offset());
        if (size >= 0) {
            IngestHeaders.put(h, IngestHeaders.DLQ_RECORD_BYTES, Integer.toString(size));
        }
        LOG.warn("a record for {} cannot be written ({}); sent to the dead letters", topic, e.toString());
        return Response.resume(List.of(new ProducerRecord<>(deadLetterTopic, null, key,
                DeadLetters.fit(key, value, h, maxRecordBytes), h)));
    }
}
