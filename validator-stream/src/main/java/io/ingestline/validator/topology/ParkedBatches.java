package io.ingestline.validator.topology;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Raw batches put aside until the topics they need exist, in a changelogged store written in the same transaction as
 * everything else: a batch is parked and its offset committed at once (the transaction does not wait for a topic),
 * and it is split later, exactly once, from a punctuation. Keyed by source partition and offset, so they come back in
 * the order they came. A batch parked for longer than {@code BatchSplitter.MAX_PARKED} is split anyway, the events
 * for a topic still missing going to the dead letters, so the store does not grow without end.
 */
final class ParkedBatches {
    static final String STORE = "parked-batches";

    private final KeyValueStore<Bytes, byte[]> store;

    /** A parked batch: the raw record and where it came from. */
    record Parked(Bytes id, Record<byte[], byte[]> record, Source source, long parkedAt) {
    }

    /** Where a parked record came from (for the dead letters' source header). */
    record Source(String topic, int partition, long offset) implements RecordMetadata {
    }

    ParkedBatches(KeyValueStore<Bytes, byte[]> store) {
        this.store = store;
    }

    void park(Record<byte[], byte[]> record, RecordMetadata source, long now) {
        Bytes id = Bytes.wrap(ByteBuffer.allocate(Integer.BYTES + Long.BYTES).putInt(source.partition())
                .putLong(source.offset()).array());
        store.put(id, encode(record, source, now));
    }

    /**
     * Offers each parked batch, oldest first per partition, one at a time; those {@code handled} takes are removed.
     * Stops offering once {@code budgetNanos} have passed, leaving the rest to the next call: everything split here
     * goes into the task's open transaction, which must commit well within its timeout however much was parked.
     */
    void drain(Predicate<Parked> handled, long budgetNanos) {
        List<Bytes> done = new ArrayList<>();
        long start = System.nanoTime();
        try (KeyValueIterator<Bytes, byte[]> it = store.all()) {
            while (it.hasNext() && System.nanoTime() - start < budgetNanos) {
                KeyValue<Bytes, byte[]> e = it.next();
                if (handled.test(decode(e.key, e.value))) {
                    done.add(e.key);
                }
            }
        }
        done.forEach(store::delete);
    }

    private static byte[] encode(Record<byte[], byte[]> r, RecordMetadata source, long parkedAt) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + (r.value() == null ? 0 : r.value().length));
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeLong(parkedAt);
            out.writeUTF(source.topic());
            out.writeInt(source.partition());
            out.writeLong(source.offset());
            out.writeLong(r.timestamp());
            writeBytes(out, r.key());
            writeBytes(out, r.value());
            Header[] headers = r.headers().toArray();
            out.writeInt(headers.length);
            for (Header h : headers) {
                out.writeUTF(h.key());
                writeBytes(out, h.value());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static Parked decode(Bytes id, byte[] value) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(value))) {
            long parkedAt = in.readLong();
            Source source = new Source(in.readUTF(), in.readInt(), in.readLong());
            long timestamp = in.readLong();
            byte[] key = readBytes(in);
            byte[] v = readBytes(in);
            int n = in.readInt();
            Headers headers = new RecordHeaders();
            for (int i = 0; i < n; i++) {
                headers.add(in.readUTF(), readBytes(in));
            }
            return new Parked(id, new Record<>(key, v, timestamp, headers), source, parkedAt);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void writeBytes(DataOutputStream out, byte[] b) throws IOException {
        out.writeInt(b == null ? -1 : b.length);
        if (b != null) {
            out.write(b);
        }
    }

    private static byte[] readBytes(DataInputStream in) throws IOException {
        int n = in.readInt();
        return n < 0 ? null : in.readNBytes(n);
    }
}
