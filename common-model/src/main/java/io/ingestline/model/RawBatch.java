package io.ingestline.model;

import java.util.Objects;

/**
 * One record on the raw topic: a part of one request's events, as the edge accepted them.
 *
 * <p>Payload: UTF-8 NDJSON, one JSON object per line, each line ending in {@code \n}; no blank lines. An object is
 * either as the client wrote it (line breaks between tokens turned into spaces) or rewritten compactly when the edge
 * had to change it (time field, labels, a repeated key). The edge turns every dialect's body (JSON array, NDJSON,
 * CSV, text) into this form, so nothing dialect-specific passes the edge. A request bigger than the record limit is split into several parts ({@link #part()} of {@link #parts()}).
 *
 * <p>Key: see {@link #key()}. Headers: see {@link RawBatchCodec}.
 *
 * @param batchId    unique id of this record; event ids are {@code batchId-index}, so they are stable on reprocessing
 * @param part       index of this part in its request, from 0
 * @param parts      number of parts of the request
 * @param context    what the edge knows of the request
 * @param eventCount number of lines in the payload
 * @param payload    the NDJSON bytes (not copied: callers must not change them)
 */
public record RawBatch(String batchId, int part, int parts, BatchContext context, int eventCount, byte[] payload) {

    public RawBatch {
        Objects.requireNonNull(batchId, "batchId");
        Objects.requireNonNull(context, "context");
        Objects.requireNonNull(payload, "payload");
        if (parts < 1 || part < 0 || part >= parts) {
            throw new IllegalArgumentException("part " + part + " of " + parts);
        }
        if (eventCount < 0) {
            throw new IllegalArgumentException("eventCount " + eventCount);
        }
    }

    /**
     * The record key. With a client request id: token id and request id, so a retried request reaches the same
     * partition as its first try and the validator's duplicate check sees both. Without: the batch id, which spreads
     * load evenly over the partitions.
     */
    public String key() {
        return context.requestId() == null ? batchId : context.tokenId() + "/" + context.requestId();
    }

    /** The stable id of the event at {@code index} (0-based line number) of this batch. */
    public String eventId(int index) {
        return eventId(batchId, index);
    }

    public static String eventId(String batchId, int index) {
        return batchId + "-" + index;
    }

    /** Receives the lines of a payload without copying them. */
    @FunctionalInterface
    public interface LineConsumer {
        void accept(int index, byte[] buffer, int offset, int length);
    }

    /** Calls {@code consumer} for each non-blank line of an NDJSON payload, in order, numbering them from 0. */
    public static int forEachLine(byte[] payload, LineConsumer consumer) {
        int index = 0;
        for (int start = 0; start <= payload.length;) {
            int nl = Bytes.indexOf(payload, (byte) '\n', start, payload.length);
            int next = nl < 0 ? payload.length : nl;
            int end = next;
            if (end > start && payload[end - 1] == '\r') {
                end--;
            }
            if (!isBlank(payload, start, end)) {
                consumer.accept(index++, payload, start, end - start);
            }
            start = next + 1;
        }
        return index;
    }

    private static boolean isBlank(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] != ' ' && b[i] != '\t') {
                return false;
            }
        }
        return true;
    }
}
