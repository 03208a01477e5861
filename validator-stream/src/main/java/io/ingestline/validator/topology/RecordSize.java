package io.ingestline.validator.topology;

import io.ingestline.model.DatasetRecord;
import io.ingestline.model.IngestHeaders;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * The size the producer gives a record when it checks it against {@code max.request.size}: the upper bound of one
 * record alone in a batch (Kafka's {@code DefaultRecordBatch.estimateBatchSizeUpperBound}, which the producer uses
 * whatever the compression), so that a record this class passes is never refused by the producer.
 */
final class RecordSize {
    /** The batch header of a record batch (magic 2). */
    static final int BATCH_OVERHEAD = 61;
    /** Length, attributes, timestamp and offset deltas of one record, at their longest varints. */
    static final int RECORD_OVERHEAD = 21;
    /** A length varint at its longest. */
    private static final int VARINT = 5;

    private RecordSize() {
    }

    static int of(byte[] key, byte[] value, Headers headers) {
        long size = BATCH_OVERHEAD + RECORD_OVERHEAD + VARINT + length(key) + VARINT + length(value) + VARINT;
        for (Header h : headers) {
            size += VARINT + h.key().getBytes(StandardCharsets.UTF_8).length + VARINT + length(h.value());
        }
        return (int) Math.min(Integer.MAX_VALUE, size);
    }

    /**
     * The size of a {@link io.ingestline.model.DatasetRecord} with these shared headers, without its key, value and
     * events header's value: what its own headers ({@code ingest.events}, {@code ingest.batch},
     * {@code ingest.event-time} at its longest) add is counted here.
     */
    static long fixed(Headers shared, String batchId) {
        long size = of(null, null, shared);
        size += VARINT + DatasetRecord.EVENTS.length() + VARINT;
        size += VARINT + IngestHeaders.BATCH.length() + VARINT + batchId.getBytes(StandardCharsets.UTF_8).length;
        size += VARINT + IngestHeaders.EVENT_TIME.length() + VARINT + 20;
        return size;
    }

    private static int length(byte[] bytes) {
        return bytes == null ? 0 : bytes.length;
    }
}
