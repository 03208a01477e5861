package io.ingestline.sink.storage;

import io.ingestline.model.DatasetRecord;
import java.nio.charset.StandardCharsets;

/**
 * One event as a storage backend receives it.
 *
 * @param dataset       the dataset it belongs to
 * @param partition     the dataset topic's partition it was read from
 * @param offset        the offset there of the record that holds it
 * @param index         its index in that record ({@link DatasetRecord}: a record holds the events of one batch)
 * @param eventTimeMs   the event's time (from the record's headers), for time partitioning
 * @param key           the event's id in UTF-8 (read as text only by backends that store it)
 * @param value         the event as one JSON object ({@code _time}, {@code _id}, fields), as the validator wrote it
 */
public record SinkRecord(String dataset, int partition, long offset, int index, long eventTimeMs, byte[] key,
        byte[] value) {
    /** The only event of its record. */
    public SinkRecord(String dataset, int partition, long offset, long eventTimeMs, byte[] key, byte[] value) {
        this(dataset, partition, offset, 0, eventTimeMs, key, value);
    }

    public SinkRecord(String dataset, int partition, long offset, long eventTimeMs, String id, byte[] value) {
        this(dataset, partition, offset, 0, eventTimeMs, id.getBytes(StandardCharsets.UTF_8), value);
    }

    /** The event's id. */
    public String id() {
        return new String(key, StandardCharsets.UTF_8);
    }

    /** Orders a partition's events as they were written ({@link DatasetRecord#position}). */
    public long position() {
        return DatasetRecord.position(offset, index);
    }

    public DatasetPartition datasetPartition() {
        return new DatasetPartition(dataset, partition);
    }
}
