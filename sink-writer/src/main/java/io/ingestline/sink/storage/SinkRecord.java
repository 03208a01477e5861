package io.ingestline.sink.storage;

/**
 * One event as a storage backend receives it.
 *
 * @param dataset       the dataset it belongs to
 * @param partition     the dataset topic's partition it was read from
 * @param offset        its offset there
 * @param eventTimeMs   the event's time (from the {@code ingest.event-time} header), for time partitioning
 * @param id            the event's id (the record key)
 * @param value         the event as one JSON object ({@code _time}, {@code _id}, fields), as the validator wrote it
 */
public record SinkRecord(String dataset, int partition, long offset, long eventTimeMs, String id, byte[] value) {
    public DatasetPartition datasetPartition() {
        return new DatasetPartition(dataset, partition);
    }
}
