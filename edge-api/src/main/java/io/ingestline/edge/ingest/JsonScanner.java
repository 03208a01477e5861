package io.ingestline.edge.ingest;

import io.ingestline.model.Bytes;
import io.ingestline.model.Json;
import java.lang.invoke.VarHandle;
import java.util.Arrays;

/**
 * Checks JSON text (RFC 8259: strings with their escapes and valid UTF-8, numbers, literals) within the project's
 * limits ({@link Json}: nesting, number and string lengths, counted as Jackson counts them, so that both refuse the
 * same text) without building anything: a single pass over the bytes. For a top-level object it
 * also notes where the value of {@code _time} is, whether a key repeats, and whether a key has an escape (then the
 * caller lets a full parser decide), so that an event needing no change can be taken as its bytes. Not thread-safe:
 * one per request.
 */
final class JsonScanner {
    private static final int MAX_KEYS = 1024;
    private static final byte[] TIME = {'_', 't', 'i', 'm', 'e'};
    /** Bytes a string's inner loop cannot simply step over: quote, backslash, control characters, non-ASCII. */
    private static final boolean[] SPECIAL = new boolean[256];

    static {
        for (int c = 0; c < 256; c++) {
            SPECIAL[c] = c == '"' || c == '\\' || c < 0x20 || c >= 0x80;
        }
    }

    /** Eight bytes as a little-endian {@code long}. */
    private static final VarHandle LONGS = Bytes.LONGS;

    private byte[] b;
    private int end;
    private int depth;

    // what the last scanObject found at its top level
    private int[] keyStart = new int[32];
    private int[] keyEnd = new int[32];
    private int[] keyHash = new int[32];
    /** Open addressing over the keys, twice their room: key index + 1, or 0 for a free slot. */
    private int[] slots = new int[64];
    private boolean stringEscaped;
    /** The string being scanned is a field name: its surrogate escapes must pair, as Jackson's byte parser asks. */
    private boolean inName;
    /** What the escapes and multi-byte sequences of the last string save: raw bytes less UTF-16 units, less bytes. */
    private int charSavings;
    private int byteSavings;
    private int keys;
    int timeStart;
    int timeEnd;
    boolean repeatedKey;
    boolean escapedKey;
    boolean lineBreak;

    JsonScanner(byte[] b, int end) {
        this.b = b;
        this.end = end;
    }

    /**
     * The same scanner over other text, for the next line of a body: its arrays are kept (making them per event was
     * 3-5% of the edge's request threads). {@link #scanObject} and {@link #scanTopValue} reset what they report.
     */
    JsonScanner over(byte[] text, int textEnd) {
        this.b = text;
        this.end = textEnd;
        return this;
    }

    /** A place where the text is not valid JSON. */
    static final class Invalid extends Exception {
        private static final long serialVersionUID = 1L;
        final int offset;
        final boolean truncated;

        Invalid(String message, int offset, boolean truncated) {
            super(message, null, false, false);
            this.offset = offset;
            this.truncated = truncated;
        }
    }

    /** The first position at or after {@code i} that is not JSON whitespace; notes line breaks. */
    int skipSpace(int i) {
        while (i < end) {
            byte c = b[i];
            if (c == ' ' || c == '\t') {
                i++;
            } else if (c == '\n' || c == '\r') {
                lineBreak = true;
                i++;
            } else {
                return i;
            }
        }
        return i;
    }

    /** Checks the object at {@code i} (which holds '{'); returns the position after its '}'. */
    int scanObject(int i) throws Invalid {
        if (keys > 0) {
            Arrays.fill(slots, 0);
        }
        keys = 0;
        timeStart = -1;
        timeEnd = -1;
        repeatedKey = false;
        escapedKey = false;
        lineBreak = false;
        depth = 1;
        i = skipSpace(i + 1);
        if (at(i) == '}') {
            return i + 1;
        }
        while (true) {
            if (at(i) != '"') {
                throw invalid("expected a field name in double quotes", i);
            }
            int ks = i + 1;
            i = scanName(i);
            int ke = i - 1;
            topLevelKey(ks, ke);
            i = skipSpace(i);
            if (at(i) != ':') {
                throw invalid("expected ':' after a field name", i);
            }
            i = skipSpace(i + 1);
            int vs = i;
            i = scanValue(i);
            if (isTime(ks, ke)) {
                timeStart = vs;
                timeEnd = i;
            }
            i = skipSpace(i);
            int c = at(i);
            if (c == ',') {
                i = skipSpace(i + 1);
            } else if (c == '}') {
                return i + 1;
            } else {
                throw invalid("expected ',' or '}' in an object", i);
            }
        }
    }

    /** Checks a whole value at {@code i} (an event that is not an object); returns the position after it. */
    int scanTopValue(int i) throws Invalid {
        depth = 0;
        return scanValue(i);
    }

    private int scanValue(int i) throws Invalid {
        int c = at(i);
        switch (c) {
            case '"':
                return scanStringValue(i);
            case '{':
                return scanNested(i, '}');
            case '[':
                return scanNested(i, ']');
            case 't':
                return literal(i, "true");
            case 'f':
                return literal(i, "false");
            case 'n':
                return literal(i, "null");
            default:
                if (c == '-' || (c >= '0' && c <= '9')) {
                    return scanNumber(i);
                }
                throw invalid(c < 0 ? "unexpected end of input" : "unexpected character '" + (char) c + "'", i);
        }
    }

    private int scanNested(int i, char close) throws Invalid {
        if (++depth > Json.MAX_NESTING_DEPTH) {
            throw new Invalid("JSON too deeply nested (more than " + Json.MAX_NESTING_DEPTH + " levels)", i, false);
        }
        i = skipSpace(i + 1);
        if (at(i) == close) {
            depth--;
            return i + 1;
        }
        while (true) {
            if (close == '}') {
                if (at(i) != '"') {
                    throw invalid("expected a field name in double quotes", i);
                }
                i = skipSpace(scanName(i));
                if (at(i) != ':') {
                    throw invalid("expected ':' after a field name", i);
                }
                i = skipSpace(i + 1);
            }
            i = skipSpace(scanValue(i));
            int c = at(i);
            if (c == ',') {
                i = skipSpace(i + 1);
            } else if (c == close) {
                depth--;
                return i + 1;
            } else {
                throw invalid("expected ',' or '" + close + "'", i);
            }
        }
    }

    /** Checks a field name at {@code i} (a quote); returns the position after its closing quote. */
    int scanName(int i) throws Invalid {
        inName = true;
        int end;
        try {
            end = scanString(i);
        } finally {
            inName = false;
        }
        if (end - i - 2 - byteSavings > Json.MAX_STRING_LENGTH) {
            throw new Invalid("field name longer than " + Json.MAX_STRING_LENGTH + " bytes", i, false);
        }
        return end;
    }

    private int scanStringValue(int i) throws Invalid {
        int end = scanString(i);
        if (end - i - 2 - charSavings > Json.MAX_STRING_LENGTH) {
            throw new Invalid("string longer than " + Json.MAX_STRING_LENGTH + " characters", i, false);
        }
        return end;
    }

    /** Checks the string starting at the quote at {@code i}; returns the position after its closing quote. */
    private int scanString(int i) throws Invalid {
        i++;
        stringEscaped = false;
        charSavings = 0;
        byteSavings = 0;
        while (i < end) {
            // Eight bytes a step while none of them needs a look (most of a log line's text).
            while (i <= end - 8) {
                long special = Bytes.stringSpecial((long) LONGS.get(b, i));
                if (special != 0) {
                    i += Long.numberOfTrailingZeros(special) >>> 3;
                    break;
                }
                i += 8;
            }
            if (i >= end) {
                break;
            }
            int c = b[i] & 0xff;
            if (!SPECIAL[c]) {
                i++;
                continue;
            }
            if (c == '"') {
                return i + 1;
            }
            if (c == '\\') {
                stringEscaped = true;
                i = escape(i);
            } else if (c < 0x20) {
                throw invalid("unescaped control character in a string", i);
            } else {
                i = utf8(i, c);
            }
        }
        throw new Invalid("unexpected end of input in a string", i, true);
    }

    private int escape(int i) throws Invalid {
        int c = at(i + 1);
        switch (c) {
            case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
                charSavings += 1;
                byteSavings += 1;
                return i + 2;
            case 'u':
                int unit = 0;
                for (int k = i + 2; k < i + 6; k++) {
                    int h = at(k);
                    if (!((h >= '0' && h <= '9') || (h >= 'a' && h <= 'f') || (h >= 'A' && h <= 'F'))) {
                        throw invalid("invalid \\u escape", k);
                    }
                    unit = unit << 4 | Character.digit(h, 16);
                }
                if (inName && Character.isSurrogate((char) unit)) {
                    return surrogatePair(i, unit);
                }
                charSavings += 5;
                // in UTF-8: 1 to 3 bytes; a surrogate is half of a 4-byte sequence
                byteSavings += unit < 0x80 ? 5 : unit < 0x800 || Character.isSurrogate((char) unit) ? 4 : 3;
                return i + 6;
            default:
                throw invalid("invalid escape in a string", i);
        }
    }

    /**
     * In a field name, a high surrogate escape at {@code i} must be followed at once by a low one: JSON's grammar takes
     * a lone half, but Jackson's byte parser, which rewrites events, refuses it in a name (in a value it is kept).
     */
    private int surrogatePair(int i, int unit) throws Invalid {
        if (Character.isLowSurrogate((char) unit)) {
            throw invalid("unpaired surrogate escape in a field name", i);
        }
        if (i + 12 > end) {
            throw invalid("unpaired surrogate escape in a field name", end); // or one cut by the end of a buffer
        }
        int low = 0;
        if (at(i + 6) == '\\' && at(i + 7) == 'u') {
            for (int k = i + 8; k < i + 12; k++) {
                int h = at(k);
                int d = h < 0 ? -1 : Character.digit(h, 16);
                if (d < 0) {
                    throw invalid("invalid \\u escape", k);
                }
                low = low << 4 | d;
            }
        }
        if (!Character.isLowSurrogate((char) low)) {
            throw invalid("unpaired surrogate escape in a field name", i);
        }
        charSavings += 10; // two escapes of six bytes: two UTF-16 units
        byteSavings += 8; // twelve bytes: one 4-byte UTF-8 sequence
        return i + 12;
    }

    /** Checks one UTF-8 sequence whose first byte {@code c} is at {@code i} (Unicode table 3-7). */
    private int utf8(int i, int c) throws Invalid {
        int n;
        int lo = 0x80;
        int hi = 0xBF;
        if (c >= 0xC2 && c <= 0xDF) {
            n = 1;
        } else if (c >= 0xE0 && c <= 0xEF) {
            n = 2;
            if (c == 0xE0) {
                lo = 0xA0;
            } else if (c == 0xED) {
                hi = 0x9F;
            }
        } else if (c >= 0xF0 && c <= 0xF4) {
            n = 3;
            if (c == 0xF0) {
                lo = 0x90;
            } else if (c == 0xF4) {
                hi = 0x8F;
            }
        } else {
            throw invalid("invalid UTF-8 start byte 0x" + Integer.toHexString(c), i);
        }
        for (int k = 1; k <= n; k++) {
            int d = at(i + k);
            if (d < 0) {
                throw new Invalid("unexpected end of input in a string", i + k, true);
            }
            if (d < lo || d > hi) {
                throw invalid("invalid UTF-8 middle byte 0x" + Integer.toHexString(d), i + k);
            }
            lo = 0x80;
            hi = 0xBF;
        }
        charSavings += n == 3 ? 2 : n; // a 4-byte sequence is two UTF-16 units
        return i + n + 1;
    }

    /**
     * Checks a number. Its length is its digits, as Jackson counts it ({@link Json#MAX_NUMBER_LENGTH}); its exponent
     * must leave it a {@link java.math.BigDecimal} (a scale within {@code int}), as {@link Json#mapper()} reads
     * fractions as {@code BigDecimal} and refuses one beyond it.
     */
    private int scanNumber(int i) throws Invalid {
        int start = i;
        int signs = 0; // what is not a digit: sign, point, e, exponent sign
        if (at(i) == '-') {
            i++;
            signs++;
        }
        int c = at(i);
        if (c == '0') {
            i++;
        } else if (c >= '1' && c <= '9') {
            while (isDigit(at(i))) {
                i++;
            }
        } else {
            throw invalid("invalid number", start);
        }
        int fraction = 0;
        if (at(i) == '.') {
            i++;
            signs++;
            if (!isDigit(at(i))) {
                throw invalid("invalid number: digits must follow '.'", i);
            }
            while (isDigit(at(i))) {
                i++;
                fraction++;
            }
        }
        c = at(i);
        if (c == 'e' || c == 'E') {
            i++;
            signs++;
            boolean negative = at(i) == '-';
            if (negative || at(i) == '+') {
                i++;
                signs++;
            }
            if (!isDigit(at(i))) {
                throw invalid("invalid number: digits must follow the exponent", i);
            }
            long exponent = 0;
            while (isDigit(at(i))) {
                exponent = Math.min(exponent * 10 + at(i) - '0', 1L << 40); // past int either way
                i++;
            }
            long scale = fraction + (negative ? exponent : -exponent);
            if (exponent - (negative ? 1 : 0) > Integer.MAX_VALUE || scale > Integer.MAX_VALUE
                    || scale < Integer.MIN_VALUE) {
                throw new Invalid("number out of range: exponent too large", start, false);
            }
        }
        if (isDigit(at(i))) {
            throw invalid("invalid number: leading zero", start);
        }
        if (i - start - signs > Json.MAX_NUMBER_LENGTH) {
            throw new Invalid("number longer than " + Json.MAX_NUMBER_LENGTH + " digits", start, false);
        }
        return i;
    }

    private int literal(int i, String word) throws Invalid {
        for (int k = 0; k < word.length(); k++) {
            int c = at(i + k);
            if (c != word.charAt(k)) {
                throw c < 0 ? new Invalid("unexpected end of input", i + k, true)
                        : invalid("unrecognised token, expected " + word, i);
            }
        }
        return i + word.length();
    }

    /** Notes a top-level key; a repeat is found through a small open-addressing table of the keys seen so far. */
    private void topLevelKey(int start, int stop) throws Invalid {
        escapedKey |= stringEscaped;
        if (keys == keyStart.length) {
            if (keys == MAX_KEYS) {
                throw invalid("more than " + MAX_KEYS + " fields in one event", start);
            }
            keyStart = Arrays.copyOf(keyStart, keys * 2);
            keyEnd = Arrays.copyOf(keyEnd, keys * 2);
            keyHash = Arrays.copyOf(keyHash, keys * 2);
            slots = new int[slots.length * 2];
            for (int k = 0; k < keys; k++) {
                place(keyHash[k], k);
            }
        }
        int len = stop - start;
        int hash = hash(start, len);
        int mask = slots.length - 1;
        for (int slot = hash & mask; slots[slot] != 0; slot = (slot + 1) & mask) {
            int k = slots[slot] - 1;
            if (keyHash[k] == hash && keyEnd[k] - keyStart[k] == len && same(keyStart[k], start, len)) {
                repeatedKey = true;
                return; // the first value counts; a repeat need not be kept
            }
        }
        keyStart[keys] = start;
        keyEnd[keys] = stop;
        keyHash[keys] = hash;
        place(hash, keys);
        keys++;
    }

    private void place(int hash, int key) {
        int mask = slots.length - 1;
        int slot = hash & mask;
        while (slots[slot] != 0) {
            slot = (slot + 1) & mask;
        }
        slots[slot] = key + 1;
    }

    /** A hash of {@code b[start, start + len)} from its length and its first and last eight bytes (or all of them). */
    private int hash(int start, int len) {
        long h;
        if (len >= 8) {
            h = (long) LONGS.get(b, start) * 0x9E3779B97F4A7C15L ^ (long) LONGS.get(b, start + len - 8);
        } else {
            h = 0;
            for (int k = start; k < start + len; k++) {
                h = h << 8 | (b[k] & 0xff);
            }
        }
        h = (h ^ len) * 0xC2B2AE3D27D4EB4FL;
        return (int) (h ^ h >>> 29 ^ h >>> 41);
    }

    private boolean isTime(int start, int stop) {
        return stop - start == TIME.length && b[start] == '_' && same(start, TIME);
    }

    private boolean same(int a, int c, int len) {
        for (int k = 0; k < len; k++) {
            if (b[a + k] != b[c + k]) {
                return false;
            }
        }
        return true;
    }

    private boolean same(int a, byte[] word) {
        for (int k = 0; k < word.length; k++) {
            if (b[a + k] != word[k]) {
                return false;
            }
        }
        return true;
    }

    private static boolean isDigit(int c) {
        return c >= '0' && c <= '9';
    }

    /** The byte at {@code i}, or -1 past the end. */
    private int at(int i) {
        return i < end ? b[i] & 0xff : -1;
    }

    private Invalid invalid(String message, int i) {
        return new Invalid(message, i, i >= end);
    }
}
