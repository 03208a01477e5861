package io.ingestline.validator.topology;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ingestline.kql.eval.Budget;
import io.ingestline.model.BatchContext;
import io.ingestline.model.BatchTarget;
import io.ingestline.model.ContractException;
import io.ingestline.model.DatasetRecord;
import io.ingestline.model.EventEnvelope;
import io.ingestline.model.EventEnvelopeSerde;
import io.ingestline.model.EventOrigin;
import io.ingestline.model.IngestHeaders;
import io.ingestline.model.Json;
import io.ingestline.model.RawBatch;
import io.ingestline.model.RawBatchCodec;
import io.ingestline.model.StepCpu;
import io.ingestline.model.Topics;
import io.ingestline.model.rules.RuleRef;
import io.ingestline.rules.CompiledTarget;
import io.ingestline.rules.EventChecks;
import io.ingestline.rules.Outcome;
import io.ingestline.rules.PassThrough;
import io.ingestline.rules.RulePass;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.time.Duration;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Splits a raw batch into events: parses each line, resolves the batch's target once ({@link Routes}: one version
 * of its rule for the whole batch), runs each event through it ({@link CompiledTarget}: checks, then each route's
 * transformation), and collects each output, with its stable id, its time (the receive time when it has none) and
 * the rule and version that made it, into its dataset's record ({@link io.ingestline.model.DatasetRecord}: one record
 * per batch and dataset, sent when the next event would take it past {@link #RECORD_TARGET} and at the batch's end).
 * The events of a target that passes them through as they came (a dataset without a rule) take one streaming pass
 * instead ({@link PassThrough}: no tree, the same value byte for byte), and so do those of a dataset's own rule that
 * reads its declared columns only ({@link RulePass}: a tree of those columns only, the same outcome and value); the
 * tree path only where that pass cannot decide (a parse error, a duplicate name). A record that breaks the contract, a line that is not a JSON object, an
 * event that fails its checks or a transformation (or runs over the rules' time budget, one per batch:
 * {@link io.ingestline.rules.RuleBudget}), and a batch whose target has no route go to the dead letters with the
 * reason; the rest go on.
 *
 * <p>Before it forwards anything, it checks that the topic of every dataset the batch can reach exists: if one is
 * still being created after a short wait, the batch is parked ({@link ParkedBatches}) and split later from a
 * punctuation, instead of waiting inside the transaction. An output event
 * whose record would be over the record limit even alone (the producer's {@code max.request.size}) goes to the dead letters
 * (stage {@code store}, with its size) instead of failing the producer's transaction.
 */
final class BatchSplitter implements Processor<byte[], byte[], Object, Object> {
    private static final ObjectMapper MAPPER = Json.mapper();
    private static final Logger LOG = LoggerFactory.getLogger(BatchSplitter.class);
    /** How often parked batches are looked at (an empty store costs one seek). */
    private static final Duration UNPARK_EVERY = Duration.ofMillis(200);
    /** Longest a punctuation spends splitting parked batches (the rest wait for the next one). */
    static final Duration UNPARK_BUDGET = Duration.ofSeconds(1);
    /** How long a batch stays parked at most: then its events for a topic still missing go to the dead letters. */
    static final Duration MAX_PARKED = Duration.ofMinutes(10);
    /**
     * The size a dataset record aims at: large enough that a record's fixed cost (producer, broker, consumer) is
     * spread over hundreds of events, small enough for the default broker limit and short pauses.
     */
    static final int RECORD_TARGET = 1 << 20;

    private final DatasetTopics datasetTopics;
    private final Topics topics;
    private final EventChecks.Limits limits;
    private final int maxRecordBytes;
    /**
     * Most bytes an event's value is written to (its size told exactly up to there): four times the record limit.
     * A rule's output can share one large value many times, small in memory and gigabytes as JSON.
     */
    private final int writeLimit;
    private final ValidatorMetrics metrics;
    private final BatchProgress progress;
    private final Duration topicWait;
    private ParkedBatches parked;
    private ProcessorContext<Object, Object> context;
    private Routes routes;
    private final Map<String, int[]> routedCounts = new HashMap<>();
    /** The dataset records of the batch being split, one a dataset, each sent when full and at the batch's end. */
    private final Map<String, Outgoing> outgoing = new HashMap<>();
    /** Builders of records already sent, to be used again. */
    private final List<DatasetRecord.Builder> spare = new ArrayList<>();
    /** The bytes a dataset record aims at (it is sent when the next event would pass them), within the limit. */
    private final int recordTarget;
    private final Map<String, int[]> filteredCounts = new HashMap<>();
    /** The rules' time budget of the batch being split. */
    private Budget budget;
    /** Batches split so far, and whether this one's steps are timed ({@link StepCpu}: one batch in a few). */
    private long splits;
    private boolean timed;
    /** In a timed batch: this thread's CPU clock at the last step, and the CPU its events' steps took. */
    private long clock;
    private long eventSteps;

    BatchSplitter(ValidatorTopology.Settings settings, DatasetTopics datasetTopics, ValidatorMetrics metrics,
            BatchProgress progress) {
        this.progress = progress;
        this.datasetTopics = datasetTopics;
        this.topics = settings.topics();
        this.limits = settings.limits();
        this.maxRecordBytes = settings.maxRecordBytes();
        this.writeLimit = (int) Math.min(Integer.MAX_VALUE - 16, 4L * maxRecordBytes);
        this.topicWait = settings.topicWait();
        this.metrics = metrics;
        this.recordTarget = Math.min(maxRecordBytes, RECORD_TARGET);
    }

    @Override
    public void init(ProcessorContext<Object, Object> context) {
        this.context = context;
        this.routes = new Routes(context.getStateStore(Routes.STORE), limits);
        this.parked = new ParkedBatches(context.getStateStore(ParkedBatches.STORE));
        context.schedule(UNPARK_EVERY, PunctuationType.WALL_CLOCK_TIME, this::unpark);
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        progress.begin();
        try {
            RecordMetadata source = context.recordMetadata().orElseThrow();
            if (!split(record, source, topicWait, false)) {
                parked.park(record, source, context.currentSystemTimeMs());
                metrics.parked();
            }
        } finally {
            progress.end();
        }
    }

    /** Splits the parked batches whose topics now exist. */
    private void unpark(long now) {
        parked.drain(p -> {
            progress.begin();
            try {
                return split(p.record(), p.source(), Duration.ZERO, now - p.parkedAt() > MAX_PARKED.toMillis());
            } finally {
                progress.end();
            }
        }, UNPARK_BUDGET.toNanos());
    }

    /**
     * Splits a batch; false (and nothing done) when a topic it needs is still being created, unless
     * {@code waitedEnough}: then the events for that topic go to the dead letters.
     */
    private boolean split(Record<byte[], byte[]> record, RecordMetadata source, Duration wait,
            boolean waitedEnough) {
        timed = StepCpu.ENABLED && ++splits % StepCpu.SAMPLE_EVERY == 0;
        long start = timed ? StepCpu.now() : 0;
        eventSteps = 0;
        RawBatch batch;
        try {
            batch = RawBatchCodec.read(record.headers(), record.value());
        } catch (ContractException e) {
            deadLetter(record, record.value(), DeadLetters.STAGE_CONTRACT, e.getClass().getName(), message(e), null,
                    null, source, -1);
            return true;
        }
        Routes.Resolution resolution = routes.of(batch.context().target());
        Map<String, String> unwritable = unwritableTopics(resolution, wait, waitedEnough);
        if (unwritable == null) {
            return false;
        }
        routedCounts.clear(); // nothing left over from a batch that failed half-way
        filteredCounts.clear();
        budget = limits.ruleBudget().start();
        outgoing.clear(); // nothing left over from a batch that failed half-way
        RawBatch.forEachLine(batch.payload(),
                (index, buf, off, len) -> event(record, batch, resolution, unwritable, index, buf, off, len, source));
        if (StepCpu.ENABLED && timed) {
            clock = StepCpu.now();
        }
        for (Outgoing o : outgoing.values()) {
            send(record, o);
            spare.add(o.builder);
        }
        outgoing.clear();
        step(StepCpu.Step.VALIDATOR_SEND);
        // counted per batch and dataset, not per event: one label and one counter lookup a batch
        if (!routedCounts.isEmpty() || !filteredCounts.isEmpty()) {
            String rule = resolution.target() == null ? null : label(resolution.target().rule());
            routedCounts.forEach((dataset, n) -> metrics.routed(dataset, rule, n[0]));
            filteredCounts.forEach((dataset, n) -> metrics.filtered(dataset, rule, n[0]));
            routedCounts.clear();
            filteredCounts.clear();
        }
        if (StepCpu.ENABLED && timed) {
            // what the events' steps did not take: reading the batch, finding its lines, dead letters, metrics
            StepCpu.add(StepCpu.Step.VALIDATOR_SPLIT, start + eventSteps);
            StepCpu.count(StepCpu.Stage.VALIDATOR, batch.eventCount());
        }
        return true;
    }

    /** In a timed batch, adds the CPU time since the last step to {@code step}. */
    private void step(StepCpu.Step step) {
        if (StepCpu.ENABLED && timed) {
            long now = StepCpu.add(step, clock);
            eventSteps += now - clock;
            clock = now;
        }
    }

    /**
     * The datasets of the batch whose topic cannot be created, with the reason; null when one is still being
     * created (nothing of the batch has been forwarded yet).
     */
    private Map<String, String> unwritableTopics(Routes.Resolution resolution, Duration wait, boolean waitedEnough) {
        if (resolution.target() == null) {
            return Map.of();
        }
        Map<String, String> failed = Map.of();
        List<String> pending = null;
        for (String dataset : resolution.target().datasets()) {
            DatasetTopics.Status status = datasetTopics.status(dataset, wait);
            if (status instanceof DatasetTopics.Pending && waitedEnough) {
                status = new DatasetTopics.Failed("not created within " + MAX_PARKED.toMinutes() + " minutes");
            }
            if (status instanceof DatasetTopics.Pending) {
                if (pending == null) {
                    pending = new ArrayList<>();
                }
                pending.add(dataset);
            } else if (status instanceof DatasetTopics.Failed f) {
                if (failed.isEmpty()) {
                    failed = new HashMap<>();
                }
                failed.put(dataset, f.reason());
            }
        }
        if (pending != null) {
            LOG.debug("the topics of datasets {} are being created", pending);
            return null;
        }
        return failed;
    }

    private static void count(Map<String, int[]> counts, String dataset) {
        counts.computeIfAbsent(dataset, d -> new int[1])[0]++;
    }

    private void event(Record<byte[], byte[]> record, RawBatch batch, Routes.Resolution resolution,
            Map<String, String> unwritable, int index, byte[] buf, int off, int len, RecordMetadata source) {
        if (StepCpu.ENABLED && timed) {
            clock = StepCpu.now();
        }
        if (resolution.target() != null && streamed(resolution.target(), record, batch, unwritable, index, buf, off,
                len, source)) {
            return;
        }
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
        step(StepCpu.Step.VALIDATOR_PARSE);
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
        List<Outcome> outcomes = target.apply(fields, len, budget);
        step(StepCpu.Step.VALIDATOR_CHECKS_RULE);
        for (Outcome o : outcomes) {
            if (o instanceof Outcome.Output out) {
                if (noTopic(record, unwritable, out.dataset(), rule, buf, off, len, source, index)) {
                    continue;
                }
                EventEnvelope envelope = new EventEnvelope(batch.eventId(index), out.dataset(),
                        out.time() == null ? c.receivedAt() : out.time(), out.event(),
                        new EventOrigin(c.dialect(), c.tokenId(), c.requestId()), rule);
                output(record, batch, envelope, () -> line(buf, off, len), source, index);
            } else if (o instanceof Outcome.Dropped dropped) {
                count(filteredCounts, dropped.dataset());
            } else {
                failed(record, batch, (Outcome.Failed) o, rule, line(buf, off, len), source, index);
            }
        }
    }

    /**
     * An event of a target that takes a streaming pass: one that passes events through as they came
     * ({@link PassThrough}: no tree) or a dataset's rule that reads its declared columns only ({@link RulePass}: a tree
     * of those columns only). False, and nothing done, when there is none or the event needs the tree path (whose
     * parse step then counts the pass too). Timed as one step, {@code validator.parse} (parsing, checks, the rule's
     * transformation and writing the value are one pass); {@code validator.envelope} is left with the headers and
     * the record's size.
     */
    private boolean streamed(CompiledTarget target, Record<byte[], byte[]> record, RawBatch batch,
            Map<String, String> unwritable, int index, byte[] buf, int off, int len, RecordMetadata source) {
        PassThrough passThrough = target.passThrough();
        RulePass rulePass = passThrough == null ? target.rulePass() : null;
        if (passThrough == null && rulePass == null) {
            return false;
        }
        BatchContext c = batch.context();
        String id = batch.eventId(index);
        PassThrough.Result result = passThrough != null
                ? passThrough.write(buf, off, len, id, c.receivedAt(), writeLimit)
                : rulePass.write(buf, off, len, id, c.receivedAt(), writeLimit, budget);
        if (result instanceof PassThrough.TreePath) {
            return false;
        }
        step(StepCpu.Step.VALIDATOR_PARSE);
        RuleRef rule = target.rule();
        String dataset = passThrough != null ? passThrough.dataset() : rulePass.dataset();
        if (result instanceof PassThrough.Refused refused) {
            failed(record, batch, refused.failure(), rule, line(buf, off, len), source, index);
        } else if (result instanceof PassThrough.Dropped dropped) {
            count(filteredCounts, dropped.dataset());
        } else if (!noTopic(record, unwritable, dataset, rule, buf, off, len, source, index)) {
            PassThrough.Written written = (PassThrough.Written) result;
            // the fields are in the value already: the envelope gives the headers
            EventEnvelope envelope = new EventEnvelope(id, dataset, written.time(), MAPPER.createObjectNode(),
                    new EventOrigin(c.dialect(), c.tokenId(), c.requestId()), rule);
            output(record, batch, envelope, written.value(), () -> line(buf, off, len), source, index);
        }
        return true;
    }

    /** Dead-letters the event when the topic of {@code dataset} cannot be created; false when it can. */
    private boolean noTopic(Record<byte[], byte[]> record, Map<String, String> unwritable, String dataset,
            RuleRef rule, byte[] buf, int off, int len, RecordMetadata source, int index) {
        String noTopic = unwritable.get(dataset);
        if (noTopic != null) {
            deadLetter(record, line(buf, off, len), DeadLetters.STAGE_ROUTE, IllegalStateException.class.getName(),
                    "the topic of dataset " + dataset + " cannot be created: " + noTopic, dataset, rule, source, index);
        }
        return noTopic != null;
    }

    private void failed(Record<byte[], byte[]> record, RawBatch batch, Outcome.Failed f, RuleRef rule, byte[] line,
            RecordMetadata source, int index) {
        String dataset = f.dataset() != null ? f.dataset() : targetDataset(batch);
        deadLetter(record, line, f.stage(), "io.ingestline.rules.Outcome.Failed",
                f.dataset() == null ? f.reason() : (f.stage().equals(Outcome.STAGE_TRANSFORM)
                        ? "transformation to dataset " + f.dataset() + " failed: " : "to dataset "
                        + f.dataset() + ": ") + f.reason(), dataset,
                rule, source, index);
    }

    /** {@link #output(Record, RawBatch, EventEnvelope, byte[], Supplier, RecordMetadata, int)}, its value written. */
    private void output(Record<byte[], byte[]> record, RawBatch batch, EventEnvelope envelope,
            Supplier<byte[]> line, RecordMetadata source, int index) {
        output(record, batch, envelope, EventEnvelopeSerde.value(envelope, writeLimit), line, source, index);
    }

    /**
     * Adds an output event (its envelope's value, null when over {@link #writeLimit}) to its dataset's record (sending
     * the record first when the event would take it past {@link #recordTarget}), or dead-letters it (its input line)
     * when a record holding it alone would be over the record limit.
     */
    private void output(Record<byte[], byte[]> record, RawBatch batch, EventEnvelope envelope, byte[] value,
            Supplier<byte[]> line, RecordMetadata source, int index) {
        Outgoing o = outgoing.computeIfAbsent(envelope.dataset(), d -> outgoing(batch, d, envelope));
        int idBytes = envelope.id().length(); // ids are ASCII (batch id, dash, index)
        long alone = value == null ? -1 : o.size(idBytes, value.length + 1L, 1);
        if (value == null || alone > maxRecordBytes) {
            Headers dead = DeadLetters.headers(record.headers(), DeadLetters.STAGE_STORE,
                    RecordTooLargeException.class.getName(), "the event for dataset " + envelope.dataset() + " is "
                            + (value == null ? "more than " + writeLimit : alone) + " bytes as a record, over the"
                            + " record limit of " + maxRecordBytes + " bytes",
                    envelope.rule(), source, index);
            if (value != null) {
                IngestHeaders.put(dead, IngestHeaders.DLQ_RECORD_BYTES, Long.toString(alone));
            }
            IngestHeaders.put(dead, IngestHeaders.DATASET, envelope.dataset());
            deadLetter(record.key(), line.get(), dead, record.timestamp());
            metrics.deadLetter(envelope.dataset(), label(envelope.rule()), DeadLetters.STAGE_STORE);
            return;
        }
        step(StepCpu.Step.VALIDATOR_ENVELOPE);
        DatasetRecord.Builder b = o.builder;
        if (b.count() > 0 && (b.count() == DatasetRecord.MAX_EVENTS || o.size(b.firstId().length(),
                b.valueBytes() + value.length + 1L, b.count() + 1) > recordTarget)) {
            send(record, o);
            b.reset();
        }
        b.add(envelope.id(), index, envelope.time().toEpochMilli(), value, 0, value.length);
        count(routedCounts, envelope.dataset());
        step(StepCpu.Step.VALIDATOR_SEND);
    }

    private Outgoing outgoing(RawBatch batch, String dataset, EventEnvelope first) {
        Headers headers = new RecordHeaders();
        EventEnvelopeSerde.writeHeaders(dataset, first.origin(), first.rule(), headers);
        DatasetRecord.Builder b = spare.isEmpty() ? new DatasetRecord.Builder() : spare.remove(spare.size() - 1);
        b.reset();
        return new Outgoing(topics.dataset(dataset), batch.batchId(), headers,
                RecordSize.fixed(headers, batch.batchId()), b);
    }

    /** Forwards the events collected for a dataset as one record. */
    private void send(Record<byte[], byte[]> record, Outgoing o) {
        DatasetRecord.Builder b = o.builder;
        if (b.count() == 0) {
            return;
        }
        Headers headers = new RecordHeaders(o.headers.toArray());
        b.putHeaders(headers, o.batchId);
        context.forward(new Record<Object, Object>(b.firstId(), new Routed(o.topic, b.value()), record.timestamp(),
                headers), ValidatorTopology.DATASET_SINK);
    }

    /**
     * The record being filled for one dataset of a batch: its topic, shared headers, and its size without key, value
     * and events header ({@link RecordSize#fixed}).
     */
    private record Outgoing(String topic, String batchId, Headers headers, long fixed, DatasetRecord.Builder builder) {
        /** The record's size (an upper bound) with a key of {@code keyBytes}, that value and that many events. */
        long size(int keyBytes, long valueBytes, int events) {
            return fixed + keyBytes + valueBytes + (long) events * DatasetRecord.EVENT_BYTES;
        }
    }

    /**
     * Dead-letters one event; {@code dataset}, when known, replaces the request's {@code ingest.dataset}: it is the
     * dataset the event was meant for (a rule's output dataset; the only one an Azure request has), which is what an
     * operator searches the stored dead letters by.
     */
    private void deadLetter(Record<byte[], byte[]> record, byte[] value, String stage, String errorClass,
            String message, String dataset, RuleRef rule, RecordMetadata source, int eventIndex) {
        Headers headers = DeadLetters.headers(record.headers(), stage, errorClass, message, rule, source, eventIndex);
        if (dataset != null) {
            IngestHeaders.put(headers, IngestHeaders.DATASET, dataset);
        }
        deadLetter(record.key(), value, headers, record.timestamp());
        metrics.deadLetter(dataset, label(rule), stage);
    }

    private void deadLetter(byte[] key, byte[] value, Headers headers, long timestamp) {
        context.forward(new Record<Object, Object>(key, DeadLetters.fit(key, value, headers, maxRecordBytes),
                timestamp, headers), ValidatorTopology.DEAD_LETTER_SINK);
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
