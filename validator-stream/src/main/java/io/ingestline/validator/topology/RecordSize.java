package io.ingestline.validator.topology;

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

    private static int length(byte[] bytes) {
        return bytes == null ? 0 : bytes.length;
    }
}
