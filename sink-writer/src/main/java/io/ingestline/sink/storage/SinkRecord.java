package io.ingestline.sink.storage;

import java.nio.charset.StandardCharsets;

/**
 * One event as a storage backend receives it.
 *
 * @param dataset       the dataset it belongs to
 * @param partition     the dataset topic's partition it was read from
 * @param offset        its offset there
 * @param eventTimeMs   the event's time (from the {@code ingest.event-time} header), for time partitioning
 * @param key           the record key: the event's id in UTF-8 (read as text only by backends that store it)
 * @param value         the event as one JSON object ({@code _time}, {@code _id}, fields), as the validator wrote it
 */
public record SinkRecord(String dataset, int partition, long offset, long eventTimeMs, byte[] key, byte[] value) {
    public SinkRecord(String dataset, int partition, long offset, long eventTimeMs, String id, byte[] value) {
        this(dataset, partition, offset, eventTimeMs, id.getBytes(StandardCharsets.UTF_8), value);
    }

    /** The event's id. */
    public String id() {
        return new String(key, StandardCharsets.UTF_8);
    }

    public DatasetPartition datasetPartition() {
        return new DatasetPartition(dataset, partition);
    }
}
