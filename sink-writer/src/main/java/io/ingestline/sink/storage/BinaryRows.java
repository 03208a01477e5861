package io.ingestline.sink.storage;

import io.ingestline.model.DatasetRecord;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One partition's events as {@code COPY} binary rows ({@link CopyBinary}), encoded when they are written rather than at
 * the commit: the event's bytes are read once, while they are in the cache, and held in a few large arrays (kept from
 * one commit to the next) instead of an object and an array per event, which young collections would copy. Per row it
 * keeps what the commit sorts by (time, position) and where its bytes are.
 *
 * <p>A row holds the typed columns its writer gave when it was written (its layout); the commit sends it as it is when
 * the table's columns are those, and otherwise (a rule changed in between, another writer added a column with another
 * type) reads the event back ({@link #record}) and encodes it again. What it holds is counted by whole chunks (an idle
 * partition's one event holds a chunk); between commits a partition keeps only small row arrays
 * ({@value #KEPT_ROWS} rows), its chunks going back to its writer's pool. Single-threaded, as its writer.
 */
final class BinaryRows implements CopyBuffer.Out {
    /** Bytes of one array of rows. */
    static final int CHUNK = 16 * 1024;
    /** Heap a row costs beside its bytes: its time, position and end below. */
    static final int ROW_OVERHEAD = 24;
    /** Bytes the row encoder holds before handing them here (a row longer than this arrives in pieces). */
    private static final int ENCODER_BYTES = 4 * 1024;
    /** Rows whose arrays a partition keeps from one commit to the next (larger ones are made again). */
    static final int KEPT_ROWS = 1024;
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);

    /**
     * The arrays of rows every partition of a writer takes and gives back at its commit, so that they last (and are
     * not copied by each young collection); it keeps at most {@code keptBytes} of them unused.
     */
    static final class Chunks {
        private final ArrayDeque<byte[]> free = new ArrayDeque<>();
        private final long kept;

        Chunks(long keptBytes) {
            this.kept = keptBytes;
        }

        byte[] take() {
            byte[] c = free.poll();
            return c != null ? c : new byte[CHUNK];
        }

        void give(byte[] chunk) {
            if ((long) free.size() * CHUNK < kept) {
                free.push(chunk);
            }
        }

        /** Bytes of the chunks it keeps unused. */
        long keptBytes() {
            return (long) free.size() * CHUNK;
        }
    }

    private final Chunks pool;
    private byte[][] chunks = new byte[4][];
    /** Chunks taken from the pool. */
    private int taken;
    /** Bytes held: row {@code i} is {@code [end[i - 1], end[i])} (row 0 starts at 0). */
    private long size;
    private long[] time = new long[256];
    private long[] position = new long[256];
    private long[] end = new long[256];
    /** A bit per row: its event was plain when it was encoded ({@link TypedFields#wasPlain}). */
    private long[] plain = new long[4];
    /** A bit per row: its event encoded for a {@code json} column (no version byte), else for {@code jsonb}. */
    private long[] json = new long[4];
    private int rows;
    /** The typed columns of each layout, and the first row of each (layouts change only when rules do). */
    private final List<List<TypedColumn>> layouts = new ArrayList<>();
    private int[] layoutFrom = new int[4];
    /** The current layout's columns (as its writer gave them), and its encoder. */
    private List<TypedColumn> typed;
    private boolean asJson;
    private CopyBinary encoder;
    /** One row's bytes, gathered from its chunks when it spans two ({@link #rowBytes}). */
    private byte[] scratch = new byte[1024];
    /** Where the row {@link #rowBytes} gave starts in the array it gave. */
    private int rowFrom;
    /** An event's length for a {@code json} column. */
    private final byte[] lengthBytes = new byte[4];

    BinaryRows(Chunks pool) {
        this.pool = pool;
    }

    /**
     * Encodes an event as a row: {@code value[off, off + len)} is its JSON, {@code typed} the typed columns to write
     * (a list given again as long as the columns stay the same).
     *
     * @return the bytes this adds to what is held: the chunks it took, and the row's own overhead
     */
    long add(List<TypedColumn> typed, long timeMs, byte[] key, byte[] value, int off, int len, int partition,
            long position) {
        return add(typed, false, timeMs, key, value, off, len, partition, position);
    }

    /**
     * As {@link #add(List, long, byte[], byte[], int, int, int, long)}, the event encoded for a {@code json} column
     * when {@code asJson} (the writer's guess at its table's type: a commit copes with rows of either).
     */
    long add(List<TypedColumn> typed, boolean asJson, long timeMs, byte[] key, byte[] value, int off, int len,
            int partition, long position) {
        if (typed != this.typed || asJson != this.asJson) {
            layout(typed, asJson);
        }
        long before = size;
        int chunksBefore = taken;
        try {
            encoder.row(timeMs, key, value, off, len, partition, position);
            encoder.flush();
        } catch (SQLException | RuntimeException e) {
            // nothing of the row stays: neither in the encoder (made again) nor in the chunks
            size = before;
            this.typed = null;
            throw e instanceof SQLException ? new IllegalStateException(e) : (RuntimeException) e;
        }
        if (rows == end.length) {
            int n = rows * 2;
            time = Arrays.copyOf(time, n);
            this.position = Arrays.copyOf(this.position, n);
            end = Arrays.copyOf(end, n);
            plain = Arrays.copyOf(plain, n / 64);
            json = Arrays.copyOf(json, n / 64);
        }
        set(plain, rows, encoder.wasPlain());
        set(json, rows, asJson);
        time[rows] = timeMs;
        this.position[rows] = position;
        end[rows] = size;
        rows++;
        return (long) (taken - chunksBefore) * CHUNK + ROW_OVERHEAD;
    }

    private static void set(long[] bits, int row, boolean on) {
        if (on) {
            bits[row >> 6] |= 1L << row;
        } else {
            bits[row >> 6] &= ~(1L << row);
        }
    }

    private static boolean get(long[] bits, int row) {
        return (bits[row >> 6] & 1L << row) != 0;
    }

    private void layout(List<TypedColumn> typed, boolean asJson) {
        this.typed = typed;
        this.asJson = asJson;
        encoder = CopyBinary.rows(this, ENCODER_BYTES, typed, asJson);
        if (!layouts.isEmpty() && layouts.get(layouts.size() - 1).equals(typed)) {
            return;
        }
        if (layouts.size() == layoutFrom.length) {
            layoutFrom = Arrays.copyOf(layoutFrom, layoutFrom.length * 2);
        }
        layoutFrom[layouts.size()] = rows;
        layouts.add(typed);
    }

    /** Appends encoded bytes (the encoder's output). */
    @Override
    public void write(byte[] bytes, int length) {
        int from = 0;
        while (from < length) {
            int chunk = (int) (size / CHUNK);
            int at = (int) (size % CHUNK);
            if (chunk == taken) {
                if (taken == chunks.length) {
                    chunks = Arrays.copyOf(chunks, taken * 2);
                }
                chunks[taken++] = pool.take();
            }
            int n = Math.min(length - from, CHUNK - at);
            System.arraycopy(bytes, from, chunks[chunk], at, n);
            from += n;
            size += n;
        }
    }

    int rows() {
        return rows;
    }

    /** What it holds, as {@link #add} counts it: its chunks and its rows' overhead. */
    long held() {
        return (long) taken * CHUNK + (long) rows * ROW_OVERHEAD;
    }

    long time(int row) {
        return time[row];
    }

    long position(int row) {
        return position[row];
    }

    /** The typed columns the row was encoded with. */
    List<TypedColumn> layout(int row) {
        int k = layouts.size() - 1;
        while (layoutFrom[k] > row) {
            k--;
        }
        return layouts.get(k);
    }

    /** Whether the row's event was encoded for a {@code json} column (else for {@code jsonb}). */
    boolean json(int row) {
        return get(json, row);
    }

    /** Copies the row's bytes into a {@code COPY}'s data (whose event column is of the type it was encoded for). */
    void copy(int row, CopyBuffer into) throws SQLException {
        long from = row == 0 ? 0 : end[row - 1];
        long to = end[row];
        while (from < to) {
            int at = (int) (from % CHUNK);
            int n = (int) Math.min(to - from, CHUNK - at);
            into.raw(chunks[(int) (from / CHUNK)], at, at + n);
            from += n;
        }
    }

    /**
     * Copies the row into a {@code COPY} whose event column is {@code json}: as {@link #copy}, its event without
     * {@code jsonb}'s version byte when it was encoded for {@code jsonb} (before its table's type was known).
     */
    void copyAsJson(int row, CopyBuffer into) throws SQLException {
        if (json(row)) {
            copy(row, into);
            return;
        }
        byte[] b = rowBytes(row);
        int from = rowFrom;
        int at = eventAt(b, from);
        INT.set(lengthBytes, 0, (int) INT.get(b, at) - 1);
        into.raw(b, from, at);
        into.raw(lengthBytes, 0, 4);
        into.raw(b, at + 5, from + (int) (end[row] - (row == 0 ? 0 : end[row - 1])));
    }

    /**
     * Whether the row's event may be one {@code jsonb} refuses ({@link JsonbRisk}): never when it was plain as it was
     * encoded (what {@link JsonbRisk} flags lies outside plain), else as the scan of its bytes says.
     */
    boolean jsonbRisk(int row, boolean utf8) {
        if (get(plain, row)) {
            return false;
        }
        byte[] b = rowBytes(row);
        int at = eventAt(b, rowFrom);
        int version = json(row) ? 0 : 1;
        return JsonbRisk.risky(b, at + 4 + version, (int) INT.get(b, at) - version, utf8);
    }

    /** Where a row's event field (its length) starts: after the field count (2), the time (4 + 8) and the id. */
    private static int eventAt(byte[] b, int rowStart) {
        int at = rowStart + 2 + 12;
        return at + 4 + (int) INT.get(b, at);
    }

    /**
     * The array holding a row's bytes whole, from {@link #rowFrom}: its chunk when it lies in one (most rows), else
     * {@link #scratch}, gathered.
     */
    private byte[] rowBytes(int row) {
        long from = row == 0 ? 0 : end[row - 1];
        if (from / CHUNK == (end[row] - 1) / CHUNK) {
            rowFrom = (int) (from % CHUNK);
            return chunks[(int) (from / CHUNK)];
        }
        gather(row);
        rowFrom = 0;
        return scratch;
    }

    /** Copies a row's bytes to the start of {@link #scratch}; returns their length. */
    private int gather(int row) {
        long from = row == 0 ? 0 : end[row - 1];
        int length = (int) (end[row] - from);
        if (scratch.length < length) {
            scratch = new byte[Math.max(length, scratch.length * 2)];
        }
        for (int done = 0; done < length; ) {
            long p = from + done;
            int n = Math.min(length - done, CHUNK - (int) (p % CHUNK));
            System.arraycopy(chunks[(int) (p / CHUNK)], (int) (p % CHUNK), scratch, done, n);
            done += n;
        }
        return length;
    }

    /**
     * The event of a row, read back from its bytes: its id and JSON as they were written, its record's offset and index
     * from its position.
     */
    SinkRecord record(String dataset, int partition, int row) {
        long from = row == 0 ? 0 : end[row - 1];
        byte[] b = new byte[(int) (end[row] - from)];
        for (int done = 0; done < b.length; ) {
            long p = from + done;
            int n = Math.min(b.length - done, CHUNK - (int) (p % CHUNK));
            System.arraycopy(chunks[(int) (p / CHUNK)], (int) (p % CHUNK), b, done, n);
            done += n;
        }
        // field count (2), time (4 + 8), id (4 + its bytes), event (4 + version byte for jsonb + its JSON)
        int at = 2 + 12;
        int idLength = (int) INT.get(b, at);
        byte[] key = Arrays.copyOfRange(b, at + 4, at + 4 + idLength);
        at += 4 + idLength;
        int version = json(row) ? 0 : 1;
        int jsonLength = (int) INT.get(b, at) - version;
        byte[] value = Arrays.copyOfRange(b, at + 4 + version, at + 4 + version + jsonLength);
        long pos = position[row];
        return new SinkRecord(dataset, partition, pos / DatasetRecord.MAX_EVENTS,
                (int) (pos % DatasetRecord.MAX_EVENTS), time[row], key, value);
    }

    /** Forgets every row, giving its chunks back to the pool (and keeping small row arrays for the next rows). */
    void clear() {
        for (int i = 0; i < taken; i++) {
            pool.give(chunks[i]);
            chunks[i] = null;
        }
        taken = 0;
        if (end.length > KEPT_ROWS) {
            time = new long[256];
            position = new long[256];
            end = new long[256];
            plain = new long[4];
            json = new long[4];
        }
        if (scratch.length > CHUNK) {
            scratch = new byte[1024];
        }
        size = 0;
        rows = 0;
        layouts.clear();
        encoder = null;
        typed = null;
    }
}
