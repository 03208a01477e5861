package io.ingestline.validator.topology;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ingestline.model.BatchContext;
import io.ingestline.model.BatchTarget;
import io.ingestline.model.ContractException;
import io.ingestline.model.EventEnvelope;
import io.ingestline.model.EventOrigin;
import io.ingestline.model.Json;
import io.ingestline.model.RawBatch;
import io.ingestline.model.RawBatchCodec;
import io.ingestline.model.rules.RuleRef;
import io.ingestline.rules.CompiledTarget;
import io.ingestline.rules.EventChecks;
import io.ingestline.rules.Outcome;
import java.io.IOException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * Splits a raw batch into events: parses each line, resolves the batch's target once ({@link Routes}: one version
 * of its rule for the whole batch), runs each event through it ({@link CompiledTarget}: checks, then each route's
 * transformation), and forwards each output, with its stable id, its time (the receive time when it has none) and
 * the rule and version that made it, to its dataset's topic. A record that breaks the contract, a line that is not a
 * JSON object, an event that fails its checks or a transformation, and a batch whose target has no route go to the
 * dead letters with the reason; the rest go on.
 */
final class BatchSplitter implements Processor<byte[], byte[], Object, Object> {
    private static final ObjectMapper MAPPER = Json.mapper();

    private final DatasetTopics datasetTopics;
    private final EventChecks.Limits limits;
    private final ValidatorMetrics metrics;
    private ProcessorContext<Object, Object> context;
    private Routes routes;
    private final Map<String, int[]> routedCounts = new HashMap<>();
    private final Map<String, int[]> filteredCounts = new HashMap<>();

    BatchSplitter(DatasetTopics datasetTopics, EventChecks.Limits limits, ValidatorMetrics metrics) {
        this.datasetTopics = datasetTopics;
        this.limits = limits;
        this.metrics = metrics;
    }

    @Override
    public void init(ProcessorContext<Object, Object> context) {
        this.context = context;
        this.routes = new Routes(context.getStateStore(Routes.STORE), limits);
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        RecordMetadata source = context.recordMetadata().orElseThrow();
        RawBatch batch;
        try {
            batch = RawBatchCodec.read(record.headers(), record.value());
        } catch (ContractException e) {
            deadLetter(record, record.value(), DeadLetters.STAGE_CONTRACT, e.getClass().getName(), message(e), null,
                    null, source, -1);
            return;
        }
        Routes.Resolution resolution = routes.of(batch.context().target());
        routedCounts.clear(); // nothing left over from a batch that failed half-way
        filteredCounts.clear();
        RawBatch.forEachLine(batch.payload(),
                (index, buf, off, len) -> event(record, batch, resolution, index, buf, off, len, source));
        // counted per batch and dataset, not per event: one label and one counter lookup a batch
        if (!routedCounts.isEmpty() || !filteredCounts.isEmpty()) {
            String rule = resolution.target() == null ? null : label(resolution.target().rule());
            routedCounts.forEach((dataset, n) -> metrics.routed(dataset, rule, n[0]));
            filteredCounts.forEach((dataset, n) -> metrics.filtered(dataset, rule, n[0]));
            routedCounts.clear();
            filteredCounts.clear();
        }
    }

    private static void count(Map<String, int[]> counts, String dataset) {
        counts.computeIfAbsent(dataset, d -> new int[1])[0]++;
    }

    private void event(Record<byte[], byte[]> record, RawBatch batch, Routes.Resolution resolution, int index,
            byte[] buf, int off, int len, RecordMetadata source) {
        ObjectNode fields;
        try {
            JsonNode node = MAPPER.readTree(buf, off, len);
            if (!(node instanceof ObjectNode object)) {
                throw new IllegalArgumentException("event is not a JSON object");
            }
            fields = object;
        } catch (IOException | IllegalArgumentException e) {
            deadLetter(record, line(buf, off, len), DeadLetters.STAGE_PARSE, e.getClass().getName(), message(e),
                    targetDataset(batch), null, source, index);
            return;
        }
        if (resolution.target() == null) {
            // a rule that does not compile has no usable version: -1, and no version header
            RuleRef at = resolution.rule() == null ? null : new RuleRef(resolution.rule(), -1);
            deadLetter(record, line(buf, off, len), DeadLetters.STAGE_ROUTE, IllegalStateException.class.getName(),
                    resolution.refusal(), targetDataset(batch), at, source, index);
            return;
        }
        CompiledTarget target = resolution.target();
        RuleRef rule = target.rule();
        BatchContext c = batch.context();
        for (Outcome o : target.apply(fields, len)) {
            if (o instanceof Outcome.Output out) {
                datasetTopics.ensure(out.dataset());
                EventEnvelope envelope = new EventEnvelope(batch.eventId(index), out.dataset(),
                        out.time() == null ? c.receivedAt() : out.time(), out.event(),
                        new EventOrigin(c.dialect(), c.tokenId(), c.requestId()), rule);
                context.forward(new Record<Object, Object>(envelope.id(), envelope, record.timestamp(),
                        new RecordHeaders()), ValidatorTopology.DATASET_SINK);
                count(routedCounts, out.dataset());
            } else if (o instanceof Outcome.Dropped dropped) {
                count(filteredCounts, dropped.dataset());
            } else {
                Outcome.Failed f = (Outcome.Failed) o;
                String dataset = f.dataset() != null ? f.dataset() : targetDataset(batch);
                deadLetter(record, line(buf, off, len), f.stage(), "io.ingestline.rules.Outcome.Failed",
                        f.dataset() == null ? f.reason() : (f.stage().equals(Outcome.STAGE_TRANSFORM)
                                ? "transformation to dataset " + f.dataset() + " failed: " : "to dataset "
                                + f.dataset() + ": ") + f.reason(), dataset,
                        rule, source, index);
            }
        }
    }

    private void deadLetter(Record<byte[], byte[]> record, byte[] value, String stage, String errorClass,
            String message, String dataset, RuleRef rule, RecordMetadata source, int eventIndex) {
        context.forward(new Record<Object, Object>(record.key(), value, record.timestamp(),
                DeadLetters.headers(record.headers(), stage, errorClass, message, rule, source, eventIndex)),
                ValidatorTopology.DEAD_LETTER_SINK);
        metrics.deadLetter(dataset, label(rule), stage);
    }

    private static String targetDataset(RawBatch batch) {
        return batch.context().target() instanceof BatchTarget.Dataset d ? d.name() : null;
    }

    /** The rule as a metric label: {@code key@version}, or the key alone for a rule that did not compile. */
    private static String label(RuleRef rule) {
        return rule == null ? null : rule.version() < 0 ? rule.key() : rule.toString();
    }

    private static byte[] line(byte[] buf, int off, int len) {
        return Arrays.copyOfRange(buf, off, off + len);
    }

    private static String message(Exception e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
