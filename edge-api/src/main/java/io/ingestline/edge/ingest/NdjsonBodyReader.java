package io.ingestline.edge.ingest;

import java.io.IOException;
import java.io.InputStream;

/**
 * Reads an NDJSON body as a stream of JSON values, a buffer at a time (about two events' limit), checked with
 * {@link JsonScanner} in one pass: memory stays bounded whatever the body's size. A value that is not an object is
 * refused alone. Where the text cannot be parsed (bad syntax, invalid UTF-8), the line holding the error is refused
 * and reading resumes on the next line. Like most NDJSON readers it also takes an object spread over lines, or two on
 * one line.
 */
final class NdjsonBodyReader {
    private static final int INITIAL_BUFFER = 64 * 1024;
    private final InputStream in;
    private final EventWriter events;
    private final int maxEventBytes;
    /** Room for at least two events at the limit; it starts small and grows only when an event needs it. */
    private final int maxBuffer;
    private byte[] buf;
    private int len;
    private boolean eof;

    private NdjsonBodyReader(InputStream in, EventWriter events, int maxEventBytes, int initialBuffer) {
        this.in = in;
        this.events = events;
        this.maxEventBytes = maxEventBytes;
        this.maxBuffer = Math.max(initialBuffer, 2 * maxEventBytes + 2);
        this.buf = new byte[initialBuffer];
    }

    static void read(InputStream body, EventWriter events, int maxEventBytes) throws IOException {
        read(body, events, maxEventBytes, INITIAL_BUFFER);
    }

    /** @param initialBuffer the buffer's first size (tests make it small to reach its growth and limits) */
    static void read(InputStream body, EventWriter events, int maxEventBytes, int initialBuffer) throws IOException {
        new NdjsonBodyReader(body, events, maxEventBytes, initialBuffer).read();
    }

    private void read() throws IOException {
        while (true) {
            fill();
            if (len == 0 && eof) {
                return;
            }
            // Parse up to the last line break, or everything at the end of the body.
            int end = eof ? len : lastLineBreak() + 1;
            int consumed = end == 0 ? 0 : region(end);
            if (consumed == 0 && !eof && len == buf.length && buf.length < maxBuffer) {
                buf = java.util.Arrays.copyOf(buf, (int) Math.min(maxBuffer, 2L * buf.length));
                continue; // a value longer than the buffer: read on with more room
            }
            if (consumed == 0 && !eof && len == buf.length) {
                events.fail("event is over the limit of " + maxEventBytes + " bytes");
                skipLine();
                continue;
            }
            System.arraycopy(buf, consumed, buf, 0, len - consumed);
            len -= consumed;
            if (eof && consumed == 0) {
                return;
            }
        }
    }

    /** Reads {@code buf[0, end)}; returns how much of it was used: less than {@code end} when a value runs past it. */
    private int region(int end) throws IOException {
        JsonScanner scan = new JsonScanner(buf, end);
        int pos = scan.skipSpace(0);
        while (pos < end) {
            int start = pos;
            try {
                if (buf[pos] == '{') {
                    pos = scan.scanObject(pos);
                    events.scanned(buf, start, pos, scan);
                } else {
                    pos = scan.scanTopValue(pos);
                    events.fail("event must be a JSON object, not " + JsonBodyReader.describe(buf[start]));
                }
            } catch (JsonScanner.Invalid e) {
                if (e.truncated && !eof) {
                    return start; // a value spread over lines goes on in the next buffer
                }
                events.fail("invalid JSON: " + e.getMessage());
                pos = nextLine(Math.max(e.offset, start), end);
            }
            pos = scan.skipSpace(pos);
        }
        return end;
    }

    private void fill() throws IOException {
        while (len < buf.length && !eof) {
            int n = in.read(buf, len, buf.length - len);
            if (n < 0) {
                eof = true;
            } else {
                len += n;
            }
        }
    }

    private int lastLineBreak() {
        for (int i = len - 1; i >= 0; i--) {
            if (buf[i] == '\n') {
                return i;
            }
        }
        return -1;
    }

    private int nextLine(int from, int end) {
        for (int i = Math.max(from, 0); i < end; i++) {
            if (buf[i] == '\n') {
                return i + 1;
            }
        }
        return end;
    }

    /** Drops bytes up to and including the next line break. */
    private void skipLine() throws IOException {
        while (true) {
            int nl = nextLine(0, len);
            if (nl > 0 && buf[nl - 1] == '\n') {
                System.arraycopy(buf, nl, buf, 0, len - nl);
                len -= nl;
                return;
            }
            len = 0;
            if (eof) {
                return;
            }
            fill();
        }
    }
}
