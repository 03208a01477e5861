package io.ingestline.edge.ingest;

import java.io.IOException;
import java.io.InputStream;

/**
 * Reads bodies of log lines, as Loggly takes them: each line is one event (or the whole body is one event), a JSON
 * object when the line is exactly one valid object, else text kept as {@code message}. Blank lines are skipped. A line
 * over the event limit (counted as sent, spaces included) is refused alone, as is one that is not UTF-8; a refusal
 * names its line. Read a buffer at a time ({@link LineSplitter}): memory stays bounded whatever the body's size.
 */
final class LinesBodyReader implements LineSplitter.Lines {
    private static final int INITIAL_BUFFER = 64 * 1024;

    private final EventWriter events;
    private final int maxEventBytes;
    private final boolean wholeBody;
    /** One scanner for the body's lines (nothing keeps it past a line). */
    private JsonScanner scan;

    private LinesBodyReader(EventWriter events, int maxEventBytes, boolean wholeBody) {
        this.events = events;
        this.maxEventBytes = maxEventBytes;
        this.wholeBody = wholeBody;
    }

    /** @param wholeBody the body is one event, line breaks included */
    static void read(InputStream body, EventWriter events, int maxEventBytes, boolean wholeBody) throws IOException {
        read(body, events, maxEventBytes, wholeBody, INITIAL_BUFFER);
    }

    /** @param initialBuffer the buffer's first size (tests make it small to reach its growth and limits) */
    static void read(InputStream body, EventWriter events, int maxEventBytes, boolean wholeBody, int initialBuffer)
            throws IOException {
        LineSplitter.split(body, maxEventBytes, wholeBody, initialBuffer,
                new LinesBodyReader(events, maxEventBytes, wholeBody));
    }

    @Override
    public void tooLong(int number) {
        at(number);
        events.fail("event is over the limit of " + maxEventBytes + " bytes");
    }

    /** One event from {@code buf[start, end)}. */
    @Override
    public void line(byte[] buf, int start, int end, int number) throws IOException {
        at(number);
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
            JsonScanner scan = this.scan == null ? (this.scan = new JsonScanner(buf, e)) : this.scan.over(buf, e);
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

    /** A body that is one event has no line to name. */
    private void at(int number) {
        if (!wholeBody) {
            events.line(number);
        }
    }

    /** JSON's white space; a text line is trimmed of the same. */
    static boolean isSpace(byte c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r';
    }
}
