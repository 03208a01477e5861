package io.ingestline.sink.consume;

import io.ingestline.model.DatasetName;
import io.ingestline.model.IngestHeaders;
import io.ingestline.model.Topics;
import io.ingestline.sink.storage.Rejects;
import io.ingestline.sink.storage.SinkRecord;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends what storage refuses to the dead-letter topic: the event's bytes, its id as the key, and headers naming the
 * stage ({@code store}), the reason, the dataset and where it came from. {@link #flush()} waits for the broker's
 * acknowledgement of each, so a backend commits past them only once they are safe.
 *
 * <p>A dead letter storage refuses (dataset {@link DatasetName#DEAD_LETTERS}) is not sent again: it came from the
 * dead-letter topic, and sending it back would store and refuse it again without end. It is logged and counted
 * ({@code sink_dead_letters_unstored_total}) and stays in the dead-letter topic, where the log names its offset.
 */
public final class DeadLetterRejects implements Rejects {
    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterRejects.class);
    public static final String STAGE_STORE = "store";
    private final Producer<byte[], byte[]> producer;
    private final Topics topics;
    private final SinkMetrics metrics;
    private final List<Future<RecordMetadata>> pending = new ArrayList<>();

    public DeadLetterRejects(Producer<byte[], byte[]> producer, Topics topics, SinkMetrics metrics) {
        this.producer = producer;
        this.topics = topics;
        this.metrics = metrics;
    }

    @Override
    public void reject(SinkRecord r, String reason) {
        if (r.dataset().equals(DatasetName.DEAD_LETTERS)) {
            LOG.warn("the dead letter at {}/{}/{} cannot be stored as dataset {} ({}); it stays in the dead-letter "
                    + "topic only", topics.deadLetters(), r.partition(), r.offset(), DatasetName.DEAD_LETTERS, reason);
            metrics.unstored();
            return;
        }
        RecordHeaders h = new RecordHeaders();
        IngestHeaders.put(h, IngestHeaders.DATASET, r.dataset());
        IngestHeaders.put(h, IngestHeaders.EVENT_TIME, Long.toString(r.eventTimeMs()));
        IngestHeaders.put(h, IngestHeaders.DLQ_STAGE, STAGE_STORE);
        IngestHeaders.put(h, IngestHeaders.DLQ_ERROR_CLASS, "storage");
        IngestHeaders.put(h, IngestHeaders.DLQ_ERROR_MESSAGE, reason.length() > 1000 ? reason.substring(0, 1000) : reason);
        IngestHeaders.put(h, IngestHeaders.DLQ_SOURCE, topics.dataset(r.dataset()) + "/" + r.partition() + "/"
                + r.offset());
        pending.add(producer.send(new ProducerRecord<>(topics.deadLetters(), null, r.id().getBytes(StandardCharsets.UTF_8), r.value(),
                h)));
        metrics.rejected(r.dataset());
    }

    @Override
    public void flush() {
        if (pending.isEmpty()) {
            return;
        }
        producer.flush();
        try {
            for (Future<RecordMetadata> f : pending) {
                f.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while sending dead letters", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot send dead letters: " + e.getCause().getMessage(), e.getCause());
        } finally {
            pending.clear();
        }
    }
}
