package io.ingestline.edge.ingest;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Reads bodies of log lines, as Loggly takes them: each line is one event (or the whole body is one event), a JSON
 * object when the line is exactly one valid object, else text kept as {@code message}. Blank lines are skipped, a
 * trailing {@code \r} dropped. A line over the event limit (counted as sent, spaces included) is refused alone.
 * Read a buffer at a time: memory stays bounded whatever the body's size.
 */
final class LinesBodyReader {
    private static final int INITIAL_BUFFER = 64 * 1024;

    private final InputStream in;
    private final EventWriter events;
    private final int maxEventBytes;
    private final boolean wholeBody;
    private byte[] buf;
    private int len;
    private boolean eof;

    private LinesBodyReader(InputStream in, EventWriter events, int maxEventBytes, boolean wholeBody,
            int initialBuffer) {
        this.in = in;
        this.events = events;
        this.maxEventBytes = maxEventBytes;
        this.wholeBody = wholeBody;
        this.buf = new byte[initialBuffer];
    }

    /** @param wholeBody the body is one event, line breaks included */
    static void read(InputStream body, EventWriter events, int maxEventBytes, boolean wholeBody) throws IOException {
        read(body, events, maxEventBytes, wholeBody, INITIAL_BUFFER);
    }

    /** @param initialBuffer the buffer's first size (tests make it small to reach its growth and limits) */
    static void read(InputStream body, EventWriter events, int maxEventBytes, boolean wholeBody, int initialBuffer)
            throws IOException {
        new LinesBodyReader(body, events, maxEventBytes, wholeBody, initialBuffer).read();
    }

    private void read() throws IOException {
        int limit = maxEventBytes + 2; // an event at the limit, its \r\n
        while (true) {
            fill(limit);
            if (len == 0 && eof) {
                return;
            }
            int nl = wholeBody ? -1 : indexOf((byte) '\n', len);
            if (nl < 0 && !eof) {
                // no line end yet and the buffer is full: the line is over the limit
                events.fail("event is over the limit of " + maxEventBytes + " bytes");
                if (wholeBody) {
                    drain();
                    return;
                }
                skipLine();
                continue;
            }
            int end = nl < 0 ? len : nl;
            take(0, end);
            int consumed = nl < 0 ? len : nl + 1;
            System.arraycopy(buf, consumed, buf, 0, len - consumed);
            len -= consumed;
        }
    }

    /** One event from {@code buf[start, end)}. */
    private void take(int start, int end) throws IOException {
        if (end > start && buf[end - 1] == '\r') {
            end--;
        }
        if (end - start > maxEventBytes) {
            // measured as sent, blank or not: whether a longer line fits the buffer must not change the answer
            events.fail("event is over the limit of " + maxEventBytes + " bytes");
            return;
        }
        int s = start;
        int e = end;
        while (s < e && isSpace(buf[s])) {
            s++;
        }
        while (e > s && isSpace(buf[e - 1])) {
            e--;
        }
        if (s == e) {
            return; // a blank line is no event
        }
        if (buf[s] == '{') {
            JsonScanner scan = new JsonScanner(buf, e);
            try {
                if (scan.scanObject(s) == e) {
                    events.scanned(buf, s, e, scan);
                    return;
                }
            } catch (JsonScanner.Invalid notJson) {
                // text that happens to start with a brace
            }
        }
        events.text(buf, s, e);
    }

    private static boolean isSpace(byte c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r';
    }

    /** Reads until the buffer holds {@code limit} bytes, a line end (unless whole-body), or the end of the body. */
    private void fill(int limit) throws IOException {
        int searched = 0;
        while (!eof && (wholeBody || indexOf((byte) '\n', searched, len) < 0)) {
            searched = len;
            if (len == buf.length) {
                if (buf.length >= limit) {
                    return;
                }
                buf = Arrays.copyOf(buf, (int) Math.min(limit, 2L * buf.length));
            }
            int n = in.read(buf, len, buf.length - len);
            if (n < 0) {
                eof = true;
            } else {
                len += n;
            }
        }
    }

    private int indexOf(byte b, int end) {
        return indexOf(b, 0, end);
    }

    private int indexOf(byte b, int from, int end) {
        for (int i = from; i < end; i++) {
            if (buf[i] == b) {
                return i;
            }
        }
        return -1;
    }

    private void skipLine() throws IOException {
        while (true) {
            int nl = indexOf((byte) '\n', len);
            if (nl >= 0) {
                System.arraycopy(buf, nl + 1, buf, 0, len - nl - 1);
                len -= nl + 1;
                return;
            }
            len = 0;
            if (eof) {
                return;
            }
            int n = in.read(buf, 0, buf.length);
            if (n < 0) {
                eof = true;
            } else {
                len = n;
            }
        }
    }

    private void drain() throws IOException {
        len = 0;
        while (in.read(buf, 0, buf.length) >= 0) {
            // the rest of an event already refused
        }
        eof = true;
    }
}
