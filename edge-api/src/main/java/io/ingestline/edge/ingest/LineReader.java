package io.ingestline.edge.ingest;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Splits a byte stream into lines ({@code \n} or {@code \r\n}) without decoding them, holding at most
 * {@code maxLineBytes} of one line: a longer line is reported as too long and skipped to its end.
 */
final class LineReader {
    private final InputStream in;
    private final int maxLineBytes;
    private final byte[] chunk = new byte[16 * 1024];
    private int chunkPos;
    private int chunkLen;
    private byte[] line = new byte[1024];

    LineReader(InputStream in, int maxLineBytes) {
        this.in = in;
        this.maxLineBytes = maxLineBytes;
    }

    /** A line: valid until the next call to {@link #next()}. */
    record Line(byte[] buffer, int length, boolean tooLong) {
        boolean isBlank() {
            for (int i = 0; i < length; i++) {
                if (buffer[i] != ' ' && buffer[i] != '\t') {
                    return false;
                }
            }
            return true;
        }
    }

    /** The next line, or null at the end of the stream. */
    Line next() throws IOException {
        int len = 0;
        boolean tooLong = false;
        boolean any = false;
        while (true) {
            if (chunkPos == chunkLen) {
                chunkLen = in.read(chunk);
                chunkPos = 0;
                if (chunkLen <= 0) {
                    chunkLen = 0;
                    return any ? finish(len, tooLong) : null;
                }
            }
            any = true;
            byte b = chunk[chunkPos++];
            if (b == '\n') {
                return finish(len, tooLong);
            }
            if (tooLong) {
                continue;
            }
            if (len == maxLineBytes + 1) {
                tooLong = true;
                continue;
            }
            if (len == line.length) {
                line = Arrays.copyOf(line, Math.min(maxLineBytes + 1, line.length * 2));
            }
            line[len++] = b;
        }
    }

    private Line finish(int len, boolean tooLong) {
        if (!tooLong && len > 0 && line[len - 1] == '\r') {
            len--;
        }
        return new Line(line, len, tooLong || len > maxLineBytes);
    }
}
