package io.ingestline.validator.topology;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ingestline.kql.Transformation;
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
 * Splits a raw batch into events: parses each line, runs it through its target's routes ({@link Routes}: as it is for
 * a dataset, through each data flow's transformation for a data collection rule's stream), gives each result its
 * time ({@code _time}, or {@code TimeGenerated} of a transformation's output; the receive time when absent) and its
 * stable id, and forwards it to its dataset's topic. A line or record that fails, a transformation that fails on an
 * event, or a batch whose target has no route goes to the dead letters with the reason; the rest go on.
 */
final class BatchSplitter implements Processor<byte[], byte[], Object, Object> {
    /** The time column of data collection rules' output tables. */
    static final String AZURE_TIME = "TimeGenerated";
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
        for (Routes.Route route : resolution.routes()) {
            ObjectNode out = fields;
            String timeField = EventEnvelope.TIME;
            if (route.transform() != null) {
                Transformation.Result result = route.transform().apply(fields);
                if (result instanceof Transformation.Dropped) {
                    continue;
                }
                if (result instanceof Transformation.Failed failed) {
                    IllegalStateException reason = new IllegalStateException(
                            "transformation to dataset " + route.dataset() + " failed: " + failed.reason());
                    deadLetter(record, Arrays.copyOfRange(buf, off, off + len), DeadLetters.STAGE_TRANSFORM, reason,
                            source, index);
                    continue;
                }
                out = ((Transformation.Row) result).event();
                timeField = AZURE_TIME;
            }
            Instant time;
            try {
                JsonNode t = out.get(timeField);
                time = t == null || t.isNull() ? c.receivedAt() : EventTime.parse(t);
            } catch (IllegalArgumentException e) {
                IllegalArgumentException reason = new IllegalArgumentException(
                        "invalid time in field " + timeField + ": " + e.getMessage(), e);
                deadLetter(record, Arrays.copyOfRange(buf, off, off + len), DeadLetters.STAGE_VALIDATE, reason, source,
                        index);
                continue;
            }
            datasetTopics.ensure(route.dataset());
            EventEnvelope envelope = new EventEnvelope(batch.eventId(index), route.dataset(), time, out,
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
