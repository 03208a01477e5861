package io.ingestline.edge.ingest;

import java.io.IOException;
import java.io.InputStream;

/**
 * Reads an NDJSON body as the format defines it: one JSON value a line. The body is split into lines first
 * ({@link LineSplitter}: {@code \n} or {@code \r\n}, a buffer at a time, so memory stays bounded whatever the body's
 * size), then each line is checked alone with {@link JsonScanner}: a line that is not exactly one JSON object (broken
 * or truncated JSON, invalid UTF-8, another value, two values, a line over the event limit) is refused alone, named by
 * its line, and never affects another line. Blank lines are skipped. An object spread over several lines is therefore
 * not taken: each of its lines is refused (none of Axiom's clients writes one; a JSON body takes it).
 */
final class NdjsonBodyReader implements LineSplitter.Lines {
    private static final int INITIAL_BUFFER = 64 * 1024;

    private final EventWriter events;
    private final int maxEventBytes;
    /** One scanner for the body's lines (nothing keeps it past a line). */
    private JsonScanner scan;

    private NdjsonBodyReader(EventWriter events, int maxEventBytes) {
        this.events = events;
        this.maxEventBytes = maxEventBytes;
    }

    static void read(InputStream body, EventWriter events, int maxEventBytes) throws IOException {
        read(body, events, maxEventBytes, INITIAL_BUFFER);
    }

    /** @param initialBuffer the buffer's first size (tests make it small to reach its growth and limits) */
    static void read(InputStream body, EventWriter events, int maxEventBytes, int initialBuffer) throws IOException {
        LineSplitter.split(body, maxEventBytes, false, initialBuffer, new NdjsonBodyReader(events, maxEventBytes));
    }

    @Override
    public void tooLong(int number) {
        events.line(number);
        events.fail("event is over the limit of " + maxEventBytes + " bytes");
    }

    @Override
    public void line(byte[] buf, int start, int end, int number) throws IOException {
        events.line(number);
        int s = start;
        int e = end;
        while (s < e && LinesBodyReader.isSpace(buf[s])) {
            s++;
        }
        while (e > s && LinesBodyReader.isSpace(buf[e - 1])) {
            e--;
        }
        if (s == e) {
            return; // a blank line is no event
        }
        JsonScanner scan = this.scan == null ? (this.scan = new JsonScanner(buf, e)) : this.scan.over(buf, e);
        try {
            boolean object = buf[s] == '{';
            int after = scan.skipSpace(object ? scan.scanObject(s) : scan.scanTopValue(s));
            if (after < e) {
                events.fail("invalid JSON: unexpected character '" + (char) (buf[after] & 0xff)
                        + "' after the value (one JSON value a line)");
            } else if (object) {
                events.scanned(buf, s, e, scan);
            } else {
                events.fail("event must be a JSON object, not " + JsonBodyReader.describe(buf[s]));
            }
        } catch (JsonScanner.Invalid invalid) {
            events.fail("invalid JSON: " + invalid.getMessage());
        }
    }
}
