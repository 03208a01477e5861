package io.ingestline.validator.topology;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ingestline.model.BatchContext;
import io.ingestline.model.ContractException;
import io.ingestline.model.EventEnvelope;
import io.ingestline.model.EventOrigin;
import io.ingestline.model.EventTime;
import io.ingestline.model.Json;
import io.ingestline.model.RawBatch;
import io.ingestline.model.RawBatchCodec;
import java.io.IOException;
import java.time.Instant;
import java.util.Arrays;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * Splits a raw batch into events: parses each line, gives it its time ({@code _time}, or {@code TimeGenerated} for a
 * data collection rule's stream; the receive time when absent) and its stable id, and forwards it to the topic of
 * each dataset its target routes to ({@link Routes}). A line or record that fails, or a batch whose target has no
 * route, is forwarded to the dead letters with the reason; the rest of its batch goes on.
 */
final class BatchSplitter implements Processor<byte[], byte[], Object, Object> {
    private static final ObjectMapper MAPPER = Json.mapper();

    private final DatasetTopics datasetTopics;
    private ProcessorContext<Object, Object> context;
    private Routes routes;

    BatchSplitter(DatasetTopics datasetTopics) {
        this.datasetTopics = datasetTopics;
    }

    @Override
    public void init(ProcessorContext<Object, Object> context) {
        this.context = context;
        this.routes = new Routes(context.getStateStore(Routes.STORE));
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        RecordMetadata source = context.recordMetadata().orElseThrow();
        RawBatch batch;
        try {
            batch = RawBatchCodec.read(record.headers(), record.value());
        } catch (ContractException e) {
            deadLetter(record, record.value(), DeadLetters.STAGE_CONTRACT, e, source, -1);
            return;
        }
        Routes.Resolution resolution = routes.of(batch.context().target());
        RawBatch.forEachLine(batch.payload(),
                (index, buf, off, len) -> event(record, batch, resolution, index, buf, off, len, source));
    }

    private void event(Record<byte[], byte[]> record, RawBatch batch, Routes.Resolution resolution, int index,
            byte[] buf, int off, int len, RecordMetadata source) {
        BatchContext c = batch.context();
        ObjectNode fields;
        try {
            JsonNode node = MAPPER.readTree(buf, off, len);
            if (!(node instanceof ObjectNode object)) {
                throw new IllegalArgumentException("event is not a JSON object");
            }
            fields = object;
        } catch (IOException | IllegalArgumentException e) {
            deadLetter(record, Arrays.copyOfRange(buf, off, off + len), DeadLetters.STAGE_PARSE, e, source, index);
            return;
        }
        if (resolution.refusal() != null) {
            IllegalStateException reason = new IllegalStateException(resolution.refusal());
            deadLetter(record, Arrays.copyOfRange(buf, off, off + len), DeadLetters.STAGE_ROUTE, reason, source, index);
            return;
        }
        Instant time;
        try {
            JsonNode t = fields.get(resolution.timeField());
            time = t == null || t.isNull() ? c.receivedAt() : EventTime.parse(t);
        } catch (IllegalArgumentException e) {
            IllegalArgumentException reason = new IllegalArgumentException(
                    "invalid time in field " + resolution.timeField() + ": " + e.getMessage(), e);
            deadLetter(record, Arrays.copyOfRange(buf, off, off + len), DeadLetters.STAGE_VALIDATE, reason, source, index);
            return;
        }
        for (Routes.Route route : resolution.routes()) {
            ObjectNode routed = fields;
            if (route.columns() != null) {
                routed = fields.objectNode();
                for (var it = fields.fields(); it.hasNext();) {
                    var f = it.next();
                    if (route.columns().contains(f.getKey())) {
                        routed.set(f.getKey(), f.getValue());
                    }
                }
            }
            datasetTopics.ensure(route.dataset());
            EventEnvelope envelope = new EventEnvelope(batch.eventId(index), route.dataset(), time, routed,
                    new EventOrigin(c.dialect(), c.tokenId(), c.requestId()));
            context.forward(new Record<Object, Object>(envelope.id(), envelope, record.timestamp(), new RecordHeaders()),
                    ValidatorTopology.DATASET_SINK);
        }
    }

    private void deadLetter(Record<byte[], byte[]> record, byte[] value, String stage, Exception e,
            RecordMetadata source, int eventIndex) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        context.forward(new Record<Object, Object>(record.key(), value, record.timestamp(),
                DeadLetters.headers(record.headers(), stage, e.getClass().getName(), message, source, eventIndex)),
                ValidatorTopology.DEAD_LETTER_SINK);
    }
}
