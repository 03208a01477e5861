package io.ingestline.validator.topology;

import io.ingestline.model.IngestHeaders;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Drops a raw batch that repeats one seen within the window: same token, same client request id
 * ({@code Idempotency-Key}, {@code x-ms-client-request-id}), same target and same part. A client that retries after a
 * timeout thus does not store its events twice, and a retry of a request of which only some parts were published
 * before a failure stores only the missing parts. Batches without a request id pass.
 *
 * <p>The edge keys such batches by token and request id, so a retry reaches the partition (and so the task and store)
 * of its first try. The store is changelogged and written in the same transaction as the outputs (exactly-once), so
 * an instance that takes over the partition knows what was seen. Entries older than the window are purged by a
 * wall-clock punctuation; a retry is compared with its first try by record timestamps (the edge's publish time).
 *
 * <p>A second store orders the same entries by time ({@code <8-byte big-endian timestamp><key>}, to nothing), so a
 * purge reads only the expired entries, oldest first, and stops at the first one still in the window: its cost is
 * that of what expires, not of the whole window (millions of keys when every request carries an id).
 */
final class DuplicateFilter implements Processor<byte[], byte[], byte[], byte[]> {
    static final String STORE = "request-ids";
    static final String BY_TIME = "request-ids-by-time";
    private static final byte[] NOTHING = new byte[0];

    private final Duration window;
    private final ValidatorMetrics metrics;
    private ProcessorContext<byte[], byte[]> context;
    private KeyValueStore<String, Long> seen;
    private KeyValueStore<Bytes, byte[]> byTime;

    DuplicateFilter(Duration window, ValidatorMetrics metrics) {
        this.window = window;
        this.metrics = metrics;
    }

    @Override
    public void init(ProcessorContext<byte[], byte[]> context) {
        this.context = context;
        this.seen = context.getStateStore(STORE);
        this.byTime = context.getStateStore(BY_TIME);
        Duration every = window.compareTo(Duration.ofMinutes(1)) < 0 ? window : Duration.ofMinutes(1);
        context.schedule(every, PunctuationType.WALL_CLOCK_TIME, this::purge);
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        String key = key(record.headers());
        if (key == null) {
            context.forward(record);
            return;
        }
        Long first = seen.get(key);
        if (first != null && record.timestamp() - first <= window.toMillis()) {
            metrics.duplicate(IngestHeaders.get(record.headers(), IngestHeaders.COUNT));
            return;
        }
        if (first != null) {
            byTime.delete(timeKey(first, key));
        }
        seen.put(key, record.timestamp());
        byTime.put(timeKey(record.timestamp(), key), NOTHING);
        context.forward(record);
    }

    /** token, request id, target and part; null without a request id. */
    static String key(Headers h) {
        String request = IngestHeaders.get(h, IngestHeaders.REQUEST);
        if (request == null) {
            return null;
        }
        String dataset = IngestHeaders.get(h, IngestHeaders.DATASET);
        String target = dataset != null ? "d:" + dataset
                : "s:" + IngestHeaders.get(h, IngestHeaders.DCR) + "/" + IngestHeaders.get(h, IngestHeaders.STREAM);
        return IngestHeaders.get(h, IngestHeaders.TOKEN) + "\n" + request + "\n" + target + "\n"
                + IngestHeaders.get(h, IngestHeaders.PART);
    }

    /** Deletes the entries older than the window, reading only those (and the first one still in it). */
    private void purge(long now) {
        long oldest = now - window.toMillis();
        List<Bytes> expired = new ArrayList<>();
        try (KeyValueIterator<Bytes, byte[]> it = byTime.all()) {
            while (it.hasNext()) {
                Bytes k = it.next().key;
                if (ByteBuffer.wrap(k.get()).getLong() >= oldest) {
                    break;
                }
                expired.add(k);
            }
        }
        for (Bytes k : expired) {
            byTime.delete(k);
            String key = new String(k.get(), Long.BYTES, k.get().length - Long.BYTES, StandardCharsets.UTF_8);
            Long at = seen.get(key);
            if (at != null && at < oldest) {
                seen.delete(key);
            }
        }
    }

    /**
     * The time-ordered key: record timestamps are never negative in Kafka, so big-endian bytes sort as the numbers.
     */
    static Bytes timeKey(long timestamp, String key) {
        byte[] k = key.getBytes(StandardCharsets.UTF_8);
        return Bytes.wrap(ByteBuffer.allocate(Long.BYTES + k.length).putLong(timestamp).put(k).array());
    }
}
