package io.ingestline.edge.ingest;

import java.io.IOException;

/**
 * Reads a JSON body, an array of objects or one object, with {@link JsonScanner}: one pass over the bytes, nothing
 * built for events taken as written. An array element that is not an object is refused on its own; a body that is not
 * valid JSON (syntax, UTF-8, nesting) is refused whole, with the line and column of the fault.
 */
final class JsonBodyReader {
    private JsonBodyReader() {
    }

    /** A JSON array of objects only. */
    static void readArray(byte[] body, EventWriter events) throws IOException {
        JsonScanner scan = new JsonScanner(body, body.length);
        int i = scan.skipSpace(0);
        if (i == body.length) {
            throw new BadBodyException("request body is empty");
        }
        if (body[i] != '[') {
            throw new BadBodyException("request body must be a JSON array of objects");
        }
        read(body, events);
    }

    /**
     * An object whose {@code member} is the array of events ({@code {"logs":[...]}}); its other members are checked
     * and ignored.
     */
    static void readMember(byte[] body, String member, EventWriter events) throws IOException {
        JsonScanner scan = new JsonScanner(body, body.length);
        byte[] key = ("\"" + member + "\"").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        String shape = "request body must be a JSON object with the events in \"" + member + "\": {\"" + member
                + "\":[...]}";
        try {
            int i = scan.skipSpace(0);
            if (i == body.length) {
                throw new BadBodyException("request body is empty");
            }
            if (body[i] != '{') {
                throw new BadBodyException(shape);
            }
            boolean found = false;
            i = scan.skipSpace(i + 1);
            while (i < body.length && body[i] != '}') {
                if (body[i] != '"') {
                    throw new BadBodyException("invalid JSON at " + position(body, i) + ": expected a field name");
                }
                int ks = i;
                i = scan.skipSpace(scan.scanName(i));
                boolean isMember = i - ks >= key.length && java.util.Arrays.equals(body, ks, ks + key.length, key, 0,
                        key.length) && scan.skipSpace(ks + key.length) == i;
                if (i >= body.length || body[i] != ':') {
                    throw new BadBodyException("invalid JSON at " + position(body, i) + ": expected ':'");
                }
                i = scan.skipSpace(i + 1);
                if (isMember && !found) {
                    if (i >= body.length || body[i] != '[') {
                        throw new BadBodyException(shape);
                    }
                    found = true;
                    i = elements(body, scan.skipSpace(i + 1), scan, events);
                } else {
                    i = scan.scanTopValue(i);
                }
                i = scan.skipSpace(i);
                if (i < body.length && body[i] == ',') {
                    i = scan.skipSpace(i + 1);
                } else if (i >= body.length || body[i] != '}') {
                    throw new BadBodyException("invalid JSON at " + position(body, i) + ": expected ',' or '}'");
                }
            }
            if (i >= body.length) {
                throw new BadBodyException("invalid JSON: the object is not closed");
            }
            if (scan.skipSpace(i + 1) != body.length) {
                throw new BadBodyException("invalid JSON: unexpected content after the end of the body");
            }
            if (!found) {
                throw new BadBodyException(shape);
            }
        } catch (JsonScanner.Invalid e) {
            throw new BadBodyException("invalid JSON at " + position(body, e.offset) + ": " + e.getMessage());
        }
    }

    static void read(byte[] body, EventWriter events) throws IOException {
        JsonScanner scan = new JsonScanner(body, body.length);
        try {
            int i = scan.skipSpace(0);
            if (i == body.length) {
                throw new BadBodyException("request body is empty");
            }
            if (body[i] == '{') {
                int end = scan.scanObject(i);
                events.scanned(body, i, end, scan);
                i = end;
            } else if (body[i] == '[') {
                i = elements(body, scan.skipSpace(i + 1), scan, events);
            } else {
                throw new BadBodyException("request body must be a JSON array of objects or one JSON object");
            }
            if (scan.skipSpace(i) != body.length) {
                throw new BadBodyException("invalid JSON: unexpected content after the end of the body");
            }
        } catch (JsonScanner.Invalid e) {
            throw new BadBodyException("invalid JSON at " + position(body, e.offset) + ": " + e.getMessage());
        }
    }

    /** Reads the elements of the top-level array from {@code i}; returns the position after its ']'. */
    private static int elements(byte[] body, int i, JsonScanner scan, EventWriter events)
            throws JsonScanner.Invalid, IOException {
        if (i < body.length && body[i] == ']') {
            return i + 1;
        }
        while (true) {
            if (i >= body.length) {
                throw new BadBodyException("invalid JSON: the array is not closed");
            }
            int start = i;
            if (body[i] == '{') {
                i = scan.scanObject(i);
                events.scanned(body, start, i, scan);
            } else {
                i = scan.scanTopValue(i);
                events.fail("event must be a JSON object, not " + describe(body[start]));
            }
            i = scan.skipSpace(i);
            if (i < body.length && body[i] == ',') {
                i = scan.skipSpace(i + 1);
            } else if (i < body.length && body[i] == ']') {
                return i + 1;
            } else {
                throw new BadBodyException("invalid JSON at " + position(body, i) + ": expected ',' or ']' in the array");
            }
        }
    }

    /** What a JSON value starting with {@code first} is, in words. */
    static String describe(byte first) {
        return switch (first) {
            case '"' -> "a string";
            case '[' -> "an array";
            case 't', 'f' -> "a boolean";
            case 'n' -> "null";
            default -> "a number";
        };
    }

    /** "line L, column C" (from 1) of a byte offset. */
    static String position(byte[] body, int offset) {
        int line = 1;
        int column = 1;
        for (int i = 0; i < Math.min(offset, body.length); i++) {
            if (body[i] == '\n') {
                line++;
                column = 1;
            } else {
                column++;
            }
        }
        return "line " + line + ", column " + column;
    }
}
