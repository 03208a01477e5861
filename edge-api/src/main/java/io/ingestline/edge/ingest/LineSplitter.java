package io.ingestline.edge.ingest;

import io.ingestline.model.Bytes;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Splits a body into lines, a buffer at a time, before anything parses them: a line ends at {@code \n}, a {@code \r}
 * ending it is dropped, and the last line needs no line end. A line may be {@code maxLineBytes} long (counted as sent,
 * spaces included), so the buffer grows to one such line and its line end at most; a longer line is reported as such
 * and skipped to its end, unread. Line numbers count from 1, as editors do.
 */
final class LineSplitter {
    /** What the lines of a body are handed to. */
    interface Lines {
        /** Line {@code number} is {@code buf[start, end)}, without its line end; the bytes are valid until return. */
        void line(byte[] buf, int start, int end, int number) throws IOException;

        /** Line {@code number} is longer than the limit. */
        void tooLong(int number);
    }

    private final InputStream in;
    private final int maxLineBytes;
    private final boolean wholeBody;
    private byte[] buf;
    /** The bytes read and not yet handed out are {@code buf[start, len)}. */
    private int start;
    private int len;
    private boolean eof;

    private LineSplitter(InputStream in, int maxLineBytes, boolean wholeBody, int initialBuffer) {
        this.in = in;
        this.maxLineBytes = maxLineBytes;
        this.wholeBody = wholeBody;
        this.buf = new byte[Math.max(1, initialBuffer)];
    }

    /**
     * @param wholeBody     the body is one line, line breaks included
     * @param initialBuffer the buffer's first size; it grows up to a line at the limit and its line end
     */
    static void split(InputStream body, int maxLineBytes, boolean wholeBody, int initialBuffer, Lines lines)
            throws IOException {
        new LineSplitter(body, maxLineBytes, wholeBody, initialBuffer).split(lines);
    }

    private void split(Lines lines) throws IOException {
        int limit = maxLineBytes + 2; // a line at the limit, its \r\n
        int number = 0;
        while (true) {
            int nl = wholeBody ? -1 : indexOf((byte) '\n', start, len);
            if (nl < 0 && !eof) {
                fill(limit);
                nl = wholeBody ? -1 : indexOf((byte) '\n', start, len);
            }
            if (start == len && eof) {
                return;
            }
            number++;
            if (nl < 0 && !eof) {
                // no line end yet and the buffer is full: the line is over the limit
                lines.tooLong(number);
                if (wholeBody) {
                    drain();
                    return;
                }
                skipLine();
                continue;
            }
            int end = nl < 0 ? len : nl;
            if (end > start && buf[end - 1] == '\r') {
                end--;
            }
            if (end - start > maxLineBytes) {
                // measured as sent, blank or not: whether a longer line fits the buffer must not change the answer
                lines.tooLong(number);
            } else {
                lines.line(buf, start, end, number);
            }
            start = nl < 0 ? len : nl + 1;
        }
    }

    /**
     * Moves what is left to the buffer's start, then reads until the buffer holds {@code limit} bytes, a line end
     * (unless whole-body), or the end of the body.
     */
    private void fill(int limit) throws IOException {
        System.arraycopy(buf, start, buf, 0, len - start);
        len -= start;
        start = 0;
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

    private int indexOf(byte b, int from, int end) {
        return Bytes.indexOf(buf, b, from, end);
    }

    /** Drops bytes up to and including the next line end. */
    private void skipLine() throws IOException {
        while (true) {
            int nl = indexOf((byte) '\n', start, len);
            if (nl >= 0) {
                start = nl + 1;
                return;
            }
            start = 0;
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
        start = 0;
        len = 0;
        while (in.read(buf, 0, buf.length) >= 0) {
            // the rest of a line already refused
        }
        eof = true;
    }
}
