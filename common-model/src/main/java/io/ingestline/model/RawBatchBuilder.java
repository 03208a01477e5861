package io.ingestline.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Collects one request's events (each one compact JSON object, no newline) into raw batches whose payloads stay under
 * a byte limit, so that every record fits the broker's record size limit.
 */
public final class RawBatchBuilder {
    private final int maxPayloadBytes;
    private final Supplier<String> batchIds;
    private final int expectedBytes;
    private final List<Chunk> sealed = new ArrayList<>();
    private byte[] current;
    private int currentSize;
    private int currentCount;
    private int totalEvents;

    /** @param maxPayloadBytes the largest payload a record may carry; a single event must fit in it, newline included */
    public RawBatchBuilder(int maxPayloadBytes) {
        this(maxPayloadBytes, 0);
    }

    /**
     * @param expectedBytes how large the payload will likely be (0: unknown), so that its buffer is allocated once at
     *                      that size rather than grown; a payload of exactly that size is then not copied either
     */
    public RawBatchBuilder(int maxPayloadBytes, int expectedBytes) {
        this(maxPayloadBytes, expectedBytes, RawBatchBuilder::newBatchId);
    }

    public RawBatchBuilder(int maxPayloadBytes, Supplier<String> batchIds) {
        this(maxPayloadBytes, 0, batchIds);
    }

    public RawBatchBuilder(int maxPayloadBytes, int expectedBytes, Supplier<String> batchIds) {
        if (maxPayloadBytes < 2) {
            throw new IllegalArgumentException("maxPayloadBytes " + maxPayloadBytes);
        }
        this.maxPayloadBytes = maxPayloadBytes;
        this.batchIds = batchIds;
        this.expectedBytes = expectedBytes;
    }

    /** The largest payload a record of this builder carries. */
    public int maxPayloadBytes() {
        return maxPayloadBytes;
    }

    /** A random 128-bit id as 32 hex digits. */
    public static String newBatchId() {
        UUID u = UUID.randomUUID();
        return String.format("%016x%016x", u.getMostSignificantBits(), u.getLeastSignificantBits());
    }

    /** Whether one event of {@code length} bytes can be added at all. */
    public boolean fits(int length) {
        return length + 1 <= maxPayloadBytes;
    }

    /**
     * Adds one event.
     *
     * @throws IllegalArgumentException if the event alone is over the limit (check {@link #fits(int)} first)
     */
    public void add(byte[] buffer, int offset, int length) {
        if (!fits(length)) {
            throw new IllegalArgumentException("event of " + length + " bytes is over the record limit");
        }
        if (current != null && currentSize + length + 1 > maxPayloadBytes) {
            seal();
        }
        if (current == null) {
            int expected = sealed.isEmpty() ? expectedBytes : 0; // the hint is for the whole request
            current = new byte[Math.min(maxPayloadBytes, Math.max(Math.max(4096, length + 1), expected > 0 ? expected : length * 64))];
        } else if (currentSize + length + 1 > current.length) {
            current = Arrays.copyOf(current, Math.min(maxPayloadBytes, Math.max(current.length * 2, currentSize + length + 1)));
        }
        System.arraycopy(buffer, offset, current, currentSize, length);
        currentSize += length;
        current[currentSize++] = '\n';
        currentCount++;
        totalEvents++;
    }

    public int eventCount() {
        return totalEvents;
    }

    /** The batches so far, numbered as parts of one request. No events gives no batches. */
    public List<RawBatch> build(BatchContext context) {
        seal();
        List<RawBatch> out = new ArrayList<>(sealed.size());
        for (int i = 0; i < sealed.size(); i++) {
            Chunk c = sealed.get(i);
            out.add(new RawBatch(batchIds.get(), i, sealed.size(), context, c.count, c.bytes));
        }
        return out;
    }

    private void seal() {
        if (current != null && currentCount > 0) {
            sealed.add(new Chunk(currentSize == current.length ? current : Arrays.copyOf(current, currentSize),
                    currentCount));
        }
        current = null;
        currentSize = 0;
        currentCount = 0;
    }

    private record Chunk(byte[] bytes, int count) {
    }
}
