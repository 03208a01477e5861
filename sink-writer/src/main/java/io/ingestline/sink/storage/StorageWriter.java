package io.ingestline.sink.storage;

import io.ingestline.model.DatasetRecord;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collection;
import java.util.Map;

/**
 * A storage backend, driven by one consumer thread, that stores each event of the partitions it owns exactly once.
 *
 * <p>The life of a partition: {@link #open} when it is assigned (the backend finishes or discards what a crash left
 * and says where reading resumes), {@link #write} for each event (or a record's events at once), {@link #commit} to make everything written so far
 * durable and visible at once together with the offsets that follow it, {@link #release} when it is revoked (after a
 * commit) or lost (without one: what was written since the last commit is discarded). The backend keeps its own
 * record of where each partition resumes, so a crash at any point neither loses nor repeats an event; Kafka's
 * committed offsets are also moved (through the {@link Fence}) for lag monitoring and to fence a worker that lost its
 * partitions without knowing it.
 */
public interface StorageWriter extends AutoCloseable {

    /**
     * Prepares newly assigned partitions and returns, for each one the backend has a record of, the next offset to
     * read; a partition absent from the answer resumes at Kafka's committed offset. {@code generation} is the
     * consumer group's generation of the assignment (-1 when unknown): a backend that tells owners apart by an epoch
     * starts above it.
     */
    Map<DatasetPartition, Long> open(Collection<DatasetPartition> partitions, int generation);

    /** Accepts one record of an open partition; it stays invisible until {@link #commit}. */
    void write(SinkRecord record);

    /**
     * Accepts the events of one dataset record ({@link DatasetRecord}) of an open partition, in order: by default one
     * {@link #write(SinkRecord)} each; a backend that stores the envelopes as they are may copy runs of them at once.
     */
    default void write(DatasetPartition dp, long offset, DatasetRecord.Events events) {
        for (int i = 0; i < events.count(); i++) {
            write(record(dp, offset, events, i));
        }
    }

    /** Event {@code i} of a dataset record as a record of its own. */
    static SinkRecord record(DatasetPartition dp, long offset, DatasetRecord.Events events, int i) {
        byte[] value = events.count() == 1 && events.start(0) == 0 && events.end(0) == events.value().length
                ? events.value() : Arrays.copyOfRange(events.value(), events.start(i), events.end(i));
        return new SinkRecord(dp.dataset(), dp.partition(), offset, i, events.time(i), key(dp, offset, events.id(i)),
                value);
    }

    /** An event's id in UTF-8; for an old-form record without one, its dataset, partition and offset. */
    static byte[] key(DatasetPartition dp, long offset, String id) {
        return (id != null ? id : dp.dataset() + "-" + dp.partition() + "-" + offset).getBytes(StandardCharsets.UTF_8);
    }

    /** True when a partition's open data reached the size at which it should be committed now. */
    boolean commitDue();

    /**
     * Makes every record written for these partitions durable and visible, recording {@code next} (per partition,
     * the offset after the last record written) in the same step. {@code fence} commits the offsets to Kafka; it
     * throws when this worker no longer owns the partitions, and then nothing becomes visible.
     */
    void commit(Map<DatasetPartition, Long> next, Fence fence);

    /** Forgets these partitions; what was written since their last commit is discarded. */
    void release(Collection<DatasetPartition> partitions);

    @Override
    void close();

    /** Commits offsets to Kafka; throws when the worker no longer owns the partitions. */
    @FunctionalInterface
    interface Fence {
        void commit(Map<DatasetPartition, Long> next);
    }
}
