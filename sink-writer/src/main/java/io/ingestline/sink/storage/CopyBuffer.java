package io.ingestline.sink.storage;

import java.sql.SQLException;
import java.util.List;

/**
 * A {@code COPY}'s data built in a buffer that is handed on whenever it fills ({@link CopyText}, {@link CopyBinary}):
 * the subclasses write a row's fixed-size pieces after making {@link #room} for them, and byte runs of any length with
 * {@link #raw}.
 */
abstract class CopyBuffer {
    /** Where a full buffer goes (the driver's {@code COPY} stream). */
    @FunctionalInterface
    interface Out {
        void write(byte[] bytes, int length) throws SQLException;
    }

    private final Out out;
    final byte[] buf;
    int size;

    /** @param capacity bytes held before they are handed on, at least {@code least} (the longest fixed piece's room) */
    CopyBuffer(Out out, int capacity, int least) {
        if (capacity < least) {
            throw new IllegalArgumentException("capacity " + capacity + " < " + least);
        }
        this.out = out;
        this.buf = new byte[capacity];
    }

    /** Writes one event's row. */
    abstract void row(SinkRecord r) throws SQLException;

    /** Writes the rows and hands on what is held: the end of the {@code COPY}'s data. */
    final void writeAll(List<SinkRecord> rows) throws SQLException {
        for (SinkRecord r : rows) {
            row(r);
        }
        finish();
    }

    /** Ends the data (what the format puts after the last row) and hands on what is held. */
    void finish() throws SQLException {
        flush();
    }

    /** Hands on what is held. */
    void flush() throws SQLException {
        if (size > 0) {
            out.write(buf, size);
            size = 0;
        }
    }

    /** Makes room for a piece of this many bytes (at most the buffer's capacity). */
    final void room(int bytes) throws SQLException {
        if (size + bytes > buf.length) {
            flush();
        }
    }

    /** Copies {@code b[from, to)}, handing the buffer on as often as it fills. */
    final void raw(byte[] b, int from, int to) throws SQLException {
        while (from < to) {
            if (size == buf.length) {
                flush();
            }
            int n = Math.min(to - from, buf.length - size);
            System.arraycopy(b, from, buf, size, n);
            size += n;
            from += n;
        }
    }
}
