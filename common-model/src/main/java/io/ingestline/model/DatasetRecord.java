package io.ingestline.model;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * The wire form of a dataset topic's record: the events of one raw batch that went to one dataset with one version of
 * its rule, so that the validator sends, the broker stores and the sink reads one record per batch and dataset instead
 * of one per event (a record per event cost more CPU than parsing the event: the issue 21 cost budget).
 *
 * <ul>
 *   <li>value: each event's envelope ({@link EventEnvelopeSerde#value}: one JSON object, {@code _time} and
 *       {@code _id} first) followed by a line feed, so a sink that stores NDJSON copies runs of it as they are;</li>
 *   <li>header {@value #EVENTS}: 12 bytes per event, in order: its time (epoch ms, 8 bytes big-endian) and its index
 *       in its raw batch (4 bytes): its id is {@link RawBatch#eventId(String, int)} of {@link IngestHeaders#BATCH}
 *       and that index, and its time partitions it without parsing;</li>
 *   <li>headers {@link IngestHeaders#BATCH}, {@link IngestHeaders#DATASET}, {@link IngestHeaders#EVENT_TIME} (the first
 *       event's), and the origin and rule headers of {@link EventEnvelopeSerde#writeHeaders}, shared by its events;</li>
 *   <li>key: the first event's id (it spreads a dataset's records over its partitions).</li>
 * </ul>
 * A record without {@value #EVENTS} is one event in the older form (key its id, value its envelope): {@link #read}
 * takes both. At most {@link #MAX_EVENTS} events a record: a sink orders a dataset's events by their record's offset
 * and their index in it, as one number ({@link #position}).
 */
public final class DatasetRecord {
    /** Header: each event's time and index in its raw batch, 12 bytes each. */
    public static final String EVENTS = "ingest.events";
    /** Bytes of {@link #EVENTS} per event. */
    public static final int EVENT_BYTES = 12;
    /** Most events a record holds: an event's index in its record fits in 16 bits. */
    public static final int MAX_EVENTS = 1 << 16;

    private DatasetRecord() {
    }

    /** One event of a record: its id, time, and where its envelope is in the value (without the line feed). */
    @FunctionalInterface
    public interface EventConsumer {
        void accept(int indexInRecord, String id, long timeMs, byte[] value, int offset, int length);
    }

    /**
     * A number that orders a dataset partition's events as they were written: the record's offset times
     * {@link #MAX_EVENTS} plus the event's index in the record.
     */
    public static long position(long offset, int indexInRecord) {
        return offset * MAX_EVENTS + indexInRecord;
    }

    /**
     * Reads each event of a record, old form or new.
     *
     * @param key             the record's key (the event id in the old form)
     * @param fallbackTimeMs  the time of an event in the old form whose {@code ingest.event-time} is missing or bad
     * @throws IllegalArgumentException when the record is not of this form (its events header and value disagree);
     *                                  then no event was read
     */
    public static void read(byte[] key, byte[] value, Headers headers, long fallbackTimeMs, EventConsumer events) {
        Events e = Events.of(key, value, headers, fallbackTimeMs);
        for (int i = 0; i < e.count(); i++) {
            events.accept(i, e.id(i), e.time(i), e.value(), e.start(i), e.end(i) - e.start(i));
        }
    }

    /**
     * The events of one record, checked whole before any is read: where each one's envelope starts and ends in the
     * value, its time and its id.
     */
    public static final class Events {
        private final byte[] value;
        private final byte[] meta;
        private final String batch;
        private final String oldId;
        private final long oldTime;
        /** Where each envelope ends (its line feed, or the value's end in the old form). */
        private final int[] ends;

        private Events(byte[] value, byte[] meta, String batch, String oldId, long oldTime, int[] ends) {
            this.value = value;
            this.meta = meta;
            this.batch = batch;
            this.oldId = oldId;
            this.oldTime = oldTime;
            this.ends = ends;
        }

        /** @throws IllegalArgumentException when the events header and the value disagree */
        public static Events of(byte[] key, byte[] value, Headers headers, long fallbackTimeMs) {
            Header h = headers.lastHeader(EVENTS);
            byte[] v = value == null ? new byte[0] : value;
            if (h == null || h.value() == null) {
                return new Events(v, null, null, key == null ? null : new String(key, StandardCharsets.UTF_8),
                        eventTime(headers, fallbackTimeMs), new int[] {v.length});
            }
            byte[] meta = h.value();
            if (meta.length % EVENT_BYTES != 0 || meta.length / EVENT_BYTES > MAX_EVENTS) {
                throw new IllegalArgumentException(EVENTS + " header of " + meta.length + " bytes");
            }
            String batch = IngestHeaders.get(headers, IngestHeaders.BATCH);
            if (batch == null) {
                throw new IllegalArgumentException("a record with " + EVENTS + " lacks " + IngestHeaders.BATCH);
            }
            int n = meta.length / EVENT_BYTES;
            int[] ends = new int[n];
            int at = 0;
            for (int i = 0; i < n; i++) {
                int end = indexOf(v, (byte) '\n', at);
                if (end < 0) {
                    throw new IllegalArgumentException("record holds fewer events than its " + EVENTS + " header ("
                            + i + " of " + n + ")");
                }
                ends[i] = end;
                at = end + 1;
            }
            if (at != v.length) {
                throw new IllegalArgumentException("record holds more than the " + n + " events of its " + EVENTS
                        + " header");
            }
            return new Events(v, meta, batch, null, 0, ends);
        }

        public int count() {
            return ends.length;
        }

        /** The record's value: the envelopes, each followed by a line feed (but in the old form). */
        public byte[] value() {
            return value;
        }

        /** Where event {@code i}'s envelope starts in {@link #value()}. */
        public int start(int i) {
            return i == 0 ? 0 : ends[i - 1] + 1;
        }

        /** Where it ends (exclusive): its line feed, when it has one. */
        public int end(int i) {
            return ends[i];
        }

        /** Whether the envelopes are followed by line feeds (the new form): a run of them is NDJSON as it is. */
        public boolean lines() {
            return meta != null;
        }

        public long time(int i) {
            if (meta == null) {
                return oldTime;
            }
            int at = i * EVENT_BYTES;
            long t = 0;
            for (int k = 0; k < 8; k++) {
                t = (t << 8) | (meta[at + k] & 0xff);
            }
            return t;
        }

        /** Its id; null for an old-form record without a key. */
        public String id(int i) {
            if (meta == null) {
                return oldId;
            }
            int at = i * EVENT_BYTES + 8;
            int index = ((meta[at] & 0xff) << 24) | ((meta[at + 1] & 0xff) << 16) | ((meta[at + 2] & 0xff) << 8)
                    | (meta[at + 3] & 0xff);
            return RawBatch.eventId(batch, index);
        }
    }

    /**
     * The records with each dataset record opened into one record per event (key its id, value its envelope, the
     * record's headers with the event's own {@code ingest.event-time}, same topic, partition and offset); other
     * records as they are. For tools and tests that read dataset topics event by event.
     */
    public static List<ConsumerRecord<byte[], byte[]>> events(List<ConsumerRecord<byte[], byte[]>> records) {
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>(records.size());
        for (ConsumerRecord<byte[], byte[]> r : records) {
            if (r.headers().lastHeader(EVENTS) == null) {
                out.add(r);
                continue;
            }
            read(r.key(), r.value(), r.headers(), r.timestamp(), (i, id, time, buf, off, len) -> {
                Headers h = eventHeaders(r.headers(), time);
                byte[] key = id.getBytes(StandardCharsets.UTF_8);
                out.add(new ConsumerRecord<>(r.topic(), r.partition(), r.offset(), r.timestamp(), r.timestampType(),
                        key.length, len, key, Arrays.copyOfRange(buf, off, off + len), h, r.leaderEpoch()));
            });
        }
        return out;
    }

    /** An event's headers as a one-event record would have them: the record's, with the event's own time. */
    public static Headers eventHeaders(Headers record, long timeMs) {
        Headers h = new RecordHeaders(record.toArray());
        h.remove(EVENTS);
        IngestHeaders.put(h, IngestHeaders.EVENT_TIME, Long.toString(timeMs));
        return h;
    }

    /** The number of events of a record, old form or new. */
    public static int count(Headers headers) {
        Header h = headers.lastHeader(EVENTS);
        return h == null || h.value() == null ? 1 : h.value().length / EVENT_BYTES;
    }

    private static int indexOf(byte[] b, byte x, int from) {
        for (int i = from; i < b.length; i++) {
            if (b[i] == x) {
                return i;
            }
        }
        return -1;
    }

    /** The {@code ingest.event-time} header (decimal epoch ms, read without making a string), else the fallback. */
    public static long eventTime(Headers headers, long fallback) {
        Header h = headers.lastHeader(IngestHeaders.EVENT_TIME);
        byte[] v = h == null ? null : h.value();
        if (v == null || v.length == 0 || v.length > 19) {
            return fallback;
        }
        long n = 0;
        int i = v[0] == '-' ? 1 : 0;
        if (i == v.length) {
            return fallback;
        }
        for (; i < v.length; i++) {
            if (v[i] < '0' || v[i] > '9') {
                return fallback;
            }
            n = n * 10 + (v[i] - '0');
        }
        return v[0] == '-' ? -n : n;
    }

    /**
     * Collects the events of one record. Not thread-safe; reused after {@link #reset}.
     */
    public static final class Builder {
        private byte[] value = new byte[4096];
        private int length;
        private byte[] meta = new byte[EVENT_BYTES * 64];
        private int count;
        private long firstTime;
        private String firstId;

        /** Adds an event's envelope (without line feed). */
        public void add(String id, int indexInBatch, long timeMs, byte[] envelope, int off, int len) {
            if (count == MAX_EVENTS) {
                throw new IllegalStateException("a record holds at most " + MAX_EVENTS + " events");
            }
            if (count == 0) {
                firstId = id;
                firstTime = timeMs;
            }
            value = fit(value, length + len + 1);
            System.arraycopy(envelope, off, value, length, len);
            length += len;
            value[length++] = '\n';
            meta = fit(meta, (count + 1) * EVENT_BYTES);
            int at = count * EVENT_BYTES;
            for (int s = 56; s >= 0; s -= 8) {
                meta[at++] = (byte) (timeMs >>> s);
            }
            for (int s = 24; s >= 0; s -= 8) {
                meta[at++] = (byte) (indexInBatch >>> s);
            }
            count++;
        }

        private static byte[] fit(byte[] b, int needed) {
            return needed <= b.length ? b : Arrays.copyOf(b, Math.max(needed, (int) Math.min(Integer.MAX_VALUE - 16,
                    b.length * 2L)));
        }

        public int count() {
            return count;
        }

        /** Bytes of the value so far. */
        public int valueBytes() {
            return length;
        }

        /** Bytes of the events header so far. */
        public int metaBytes() {
            return count * EVENT_BYTES;
        }

        public String firstId() {
            return firstId;
        }

        public byte[] value() {
            return Arrays.copyOf(value, length);
        }

        /**
         * Puts this record's own headers: events, batch, the first event's time (the older readers' and tools'
         * {@code ingest.event-time}); the dataset, origin and rule headers are the caller's.
         */
        public void putHeaders(Headers headers, String batchId) {
            headers.remove(EVENTS);
            headers.add(EVENTS, Arrays.copyOf(meta, count * EVENT_BYTES));
            IngestHeaders.put(headers, IngestHeaders.BATCH, batchId);
            IngestHeaders.put(headers, IngestHeaders.EVENT_TIME, Long.toString(firstTime));
        }

        public void reset() {
            length = 0;
            count = 0;
            firstId = null;
            if (value.length > 1 << 20) {
                value = new byte[4096]; // do not hold a large buffer for good
            }
        }
    }
}
