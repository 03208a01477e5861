package io.ingestline.rules;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.ingestline.model.Bytes;
import io.ingestline.model.Json;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The bytes route of a streaming pass: an event's top-level fields read from its bytes as they came, when its text
 * is already in the form the token route ({@link EventTokens#read}) writes back, so that copying a field's bytes
 * gives what decoding and encoding its tokens would, without either. That form: strings whose escapes are the ones
 * Jackson writes ({@code \" \\ \b \f \n \r \t}, {@code \}{@code u00XX} in upper case for the other control
 * characters) and whose UTF-8 is in its shortest form, without characters past U+FFFF (Jackson escapes those);
 * integers of up to 18 digits without leading zeros; decimals without exponent that {@code BigDecimal} prints as
 * they are (no {@code -0.0}, at most five zeros after {@code 0.} before a digit); whitespace anywhere (dropped from
 * the copy); no name given twice in one object; at most {@value #MAX_DEPTH} levels and {@value #MAX_KEYS} names an
 * object. Anything else, and anything invalid, makes {@link #read} say no and the pass takes the token route, which
 * decides as before: this route accepts a subset of what Jackson accepts within {@link Json}'s limits, and for that
 * subset gives the token route's result byte for byte ({@code EventBytesTest}; the passes' tests and fuzzers compare
 * both routes with the tree path). {@code RulePassCpu}: 2,700 -> 2,200 ns an event,
 * {@code PassThroughCpu} 1,121 -> 746 (before and after in turn, one sitting).
 *
 * <p>Its result is the token route's: {@link EventTokens}' fields ({@code fields}, {@code badName}, {@code time},
 * {@code columns}, the copied fields and where they lie) and, in the body, an opening brace and the copied fields
 * as the generator writes them. Not thread-safe: one per thread ({@link #get()}).
 */
final class EventBytes {
    static final int MAX_DEPTH = 64;
    static final int MAX_KEYS = 64;
    /** Integers longer than this are left to the token route (a {@code long} holds them). */
    private static final int MAX_INT_DIGITS = 18;
    private static final int MAX_DECIMAL_DIGITS = 100;
    private static final int NO = -1;
    private static final JsonNodeFactory NODES = Json.mapper().getNodeFactory();
    private static final ThreadLocal<EventBytes> PER_THREAD = ThreadLocal.withInitial(EventBytes::new);

    private byte[] b;
    private int end;
    private int depth;
    /** Whitespace bytes skipped since last reset (a value's inner whitespace, dropped from its copy). */
    private int spaces;
    /** What the last string scanned had: an escape; the last name's hash ({@link Arrays#hashCode(byte[])}'s). */
    private boolean escaped;
    private int nameHash;
    /** The last number: a decimal (else an integer of at most {@value #MAX_INT_DIGITS} digits), its value. */
    private boolean decimal;
    private long integer;
    /** The names of the objects being read, innermost last: the top level's without a bit, then nested ones'. */
    private int[] keyStart = new int[32];
    private int[] keyEnd = new int[32];
    private int[] keyHash = new int[32];
    private int keys;

    private EventBytes() {
    }

    /** This thread's. */
    static EventBytes get() {
        return PER_THREAD.get();
    }

    /**
     * Reads the event in {@code buf[off, off + len)} into {@code event} and its copied fields into {@code body}
     * (after an opening brace, without the closing one) as the token route would; false when it is not in the form
     * this route takes, and then {@code event} and {@code body} hold partial results the caller throws away.
     */
    boolean read(EventTokens event, FieldNames roles, boolean ranges, byte[] buf, int off, int len,
            EventTokens.Bounded body) {
        b = buf;
        end = off + len;
        try {
            return readObject(event, roles, ranges, off, body);
        } finally {
            b = null; // not kept: it is the batch's buffer
        }
    }

    private boolean readObject(EventTokens event, FieldNames roles, boolean ranges, int off, EventTokens.Bounded body) {
        keys = 0;
        depth = 1;
        int i = skip(off);
        if (at(i) != '{') {
            return false;
        }
        body.write('{');
        long seenBits = 0;
        int written = 0;
        i = skip(i + 1);
        if (at(i) == '}') {
            return skip(i + 1) == end;
        }
        while (true) {
            if (at(i) != '"') {
                return false;
            }
            int nameStart = i + 1;
            int nameEnd = name(i);
            if (nameEnd == NO) {
                return false;
            }
            FieldNames.Name known = roles.of(b, nameStart, nameEnd - 1, nameHash);
            if (known.bit != 0) {
                if ((seenBits & known.bit) != 0) {
                    return false;
                }
                seenBits |= known.bit;
            } else if (!newKey(0, nameStart, nameEnd - 1, nameHash)) {
                return false;
            }
            event.fields++;
            if (event.badName == null) {
                event.badName = known.problem;
            }
            i = skip(nameEnd);
            if (at(i) != ':') {
                return false;
            }
            int valueStart = skip(i + 1);
            spaces = 0;
            int valueEnd = value(valueStart);
            if (valueEnd == NO) {
                return false;
            }
            int inner = spaces;
            switch (known.role) {
                case FieldNames.TIME -> event.time = b[valueStart] == 'n' ? null : node(valueStart, valueEnd);
                case FieldNames.ID -> {
                    // checked, not written
                }
                case FieldNames.DECLARED -> event.columns.set(known.name, node(valueStart, valueEnd));
                default -> {
                    int start = body.count;
                    if (written++ > 0) {
                        body.write(',');
                    }
                    body.write(b, nameStart - 1, nameEnd - nameStart + 1); // the name in its quotes
                    body.write(':');
                    if (inner == 0) {
                        body.write(b, valueStart, valueEnd - valueStart);
                    } else {
                        compact(valueStart, valueEnd, body);
                    }
                    if (ranges) {
                        event.note(known, start, body.count);
                    }
                }
            }
            i = skip(valueEnd);
            int c = at(i);
            if (c == ',') {
                i = skip(i + 1);
            } else if (c == '}') {
                return skip(i + 1) == end;
            } else {
                return false;
            }
        }
    }

    /** The node the token route reads for the value in {@code [from, to)} ({@link Json#node}). */
    private JsonNode node(int from, int to) {
        switch (b[from]) {
            case '"':
                if (!escaped) {
                    return NODES.textNode(new String(b, from + 1, to - from - 2, StandardCharsets.UTF_8));
                }
                break;
            case 't':
                return NODES.booleanNode(true);
            case 'f':
                return NODES.booleanNode(false);
            case 'n':
                return NODES.nullNode();
            case '{':
            case '[':
                break;
            default:
                if (!decimal) {
                    return integer == (int) integer ? NODES.numberNode((int) integer) : NODES.numberNode(integer);
                }
                return NODES.numberNode(new BigDecimal(new String(b, from, to - from, StandardCharsets.ISO_8859_1)));
        }
        // escaped strings, objects and arrays: as the token route reads them
        try (JsonParser p = EventTokens.FACTORY.createParser(b, from, to - from)) {
            return Json.node(p, p.nextToken());
        } catch (IOException e) {
            throw new IllegalStateException("a value this route accepted does not parse", e);
        }
    }

    private int at(int i) {
        return i < end ? b[i] : -1;
    }

    private int skip(int i) {
        int from = i;
        while (i < end) {
            byte c = b[i];
            if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
                break;
            }
            i++;
        }
        spaces += i - from;
        return i;
    }

    private int value(int i) {
        switch (at(i)) {
            case '"':
                return string(i);
            case '{':
                return nested(i, '}');
            case '[':
                return nested(i, ']');
            case 't':
                return literal(i, 't', 'r', 'u', 'e');
            case 'f':
                return i + 4 < end && b[i + 4] == 'e' && literal(i, 'f', 'a', 'l', 's') != NO ? i + 5 : NO;
            case 'n':
                return literal(i, 'n', 'u', 'l', 'l');
            default:
                return number(i);
        }
    }

    private int literal(int i, char c0, char c1, char c2, char c3) {
        return i + 3 < end && b[i] == c0 && b[i + 1] == c1 && b[i + 2] == c2 && b[i + 3] == c3 ? i + 4 : NO;
    }

    /** The object or array at {@code i} (its opening bracket), whose closing bracket is {@code close}. */
    private int nested(int i, char close) {
        if (++depth > MAX_DEPTH) {
            return NO;
        }
        int base = keys;
        i = skip(i + 1);
        if (at(i) != close) {
            while (true) {
                if (close == '}') {
                    if (at(i) != '"') {
                        return NO;
                    }
                    int nameEnd = name(i);
                    if (nameEnd == NO || !newKey(base, i + 1, nameEnd - 1, nameHash)) {
                        return NO;
                    }
                    i = skip(nameEnd);
                    if (at(i) != ':') {
                        return NO;
                    }
                    i = skip(i + 1);
                }
                i = value(i);
                if (i == NO) {
                    return NO;
                }
                i = skip(i);
                int c = at(i);
                if (c == close) {
                    break;
                }
                if (c != ',') {
                    return NO;
                }
                i = skip(i + 1);
            }
        }
        keys = base;
        depth--;
        return i + 1;
    }

    /**
     * Notes the name {@code b[from, to)} among the current object's (from {@code base}); false when it is there
     * already, or the object has more than {@value #MAX_KEYS} to compare with.
     */
    private boolean newKey(int base, int from, int to, int hash) {
        if (keys - base >= MAX_KEYS) {
            return false;
        }
        for (int k = base; k < keys; k++) {
            if (keyHash[k] == hash && Arrays.equals(b, keyStart[k], keyEnd[k], b, from, to)) {
                return false;
            }
        }
        if (keys == keyStart.length) {
            keyStart = Arrays.copyOf(keyStart, keys * 2);
            keyEnd = Arrays.copyOf(keyEnd, keys * 2);
            keyHash = Arrays.copyOf(keyHash, keys * 2);
        }
        keyStart[keys] = from;
        keyEnd[keys] = to;
        keyHash[keys] = hash;
        keys++;
        return true;
    }

    /**
     * The name at {@code i} (its opening quote): the position after its closing quote, its hash in {@link #nameHash};
     * {@link #NO} when it has an escape or is not a string this route takes.
     */
    private int name(int i) {
        int h = 1;
        int from = ++i;
        while (i < end) {
            int c = b[i] & 0xff;
            if (c == '"') {
                if (i - from > Json.MAX_STRING_LENGTH) {
                    return NO;
                }
                nameHash = h;
                return i + 1;
            }
            if (c == '\\' || c < 0x20) {
                return NO;
            }
            if (c >= 0x80) {
                int n = utf8(i);
                if (n == NO) {
                    return NO;
                }
                for (; i < n; i++) {
                    h = 31 * h + b[i];
                }
            } else {
                h = 31 * h + (byte) c;
                i++;
            }
        }
        return NO;
    }

    /**
     * The string at {@code i} (its opening quote): the position after its closing quote, whether it has escapes in
     * {@link #escaped}; {@link #NO} when it is not a string this route takes.
     */
    private int string(int i) {
        int from = ++i;
        escaped = false;
        while (true) {
            while (i + Long.BYTES <= end && Bytes.stringSpecial((long) Bytes.LONGS.get(b, i)) == 0) {
                i += Long.BYTES;
            }
            if (i >= end) {
                return NO;
            }
            int c = b[i] & 0xff;
            if (c == '"') {
                return i - from > Json.MAX_STRING_LENGTH ? NO : i + 1;
            } else if (c == '\\') {
                i = escape(i);
                escaped = true;
            } else if (c >= 0x80) {
                i = utf8(i);
            } else if (c < 0x20) {
                return NO;
            } else {
                i++;
            }
            if (i == NO) {
                return NO;
            }
        }
    }

    /**
     * The escape at {@code i} (its backslash): the position after it when Jackson writes it so ({@code \" \\ \b \f
     * \n \r \t}, or {@code \}{@code u00XX} in upper case for another control character); else {@link #NO}.
     */
    private int escape(int i) {
        if (i + 1 >= end) {
            return NO;
        }
        switch (b[i + 1]) {
            case '"', '\\', 'b', 'f', 'n', 'r', 't':
                return i + 2;
            case 'u':
                if (i + 5 >= end || b[i + 2] != '0' || b[i + 3] != '0' || (b[i + 4] != '0' && b[i + 4] != '1')) {
                    return NO;
                }
                int low = b[i + 5];
                int v = (b[i + 4] - '0') * 16 + (low >= '0' && low <= '9' ? low - '0'
                        : low >= 'A' && low <= 'F' ? low - 'A' + 10 : -100);
                return v < 0 || v == 0x08 || v == 0x09 || v == 0x0a || v == 0x0c || v == 0x0d ? NO : i + 6;
            default:
                return NO;
        }
    }

    /**
     * The UTF-8 sequence at {@code i} (a lead byte of 0x80 or more): the position after it when it is well formed,
     * in its shortest form and within the Basic Multilingual Plane (no surrogates); else {@link #NO}. Jackson writes
     * a character past U+FFFF to bytes as an escaped surrogate pair, so its four bytes are not copied.
     */
    private int utf8(int i) {
        int c = b[i] & 0xff;
        int n;
        int lo = 0x80;
        int hi = 0xbf;
        if (c >= 0xc2 && c <= 0xdf) {
            n = 1;
        } else if (c >= 0xe0 && c <= 0xef) {
            n = 2;
            if (c == 0xe0) {
                lo = 0xa0;
            } else if (c == 0xed) {
                hi = 0x9f;
            }
        } else {
            return NO;
        }
        if (i + n >= end) {
            return NO;
        }
        int second = b[i + 1] & 0xff;
        if (second < lo || second > hi) {
            return NO;
        }
        for (int k = 2; k <= n; k++) {
            int next = b[i + k] & 0xff;
            if (next < 0x80 || next > 0xbf) {
                return NO;
            }
        }
        return i + n + 1;
    }

    /**
     * The number at {@code i}: the position after it, its kind in {@link #decimal} and an integer's value in
     * {@link #integer}; {@link #NO} for anything but an integer or a decimal Jackson's value prints as it is.
     */
    private int number(int i) {
        boolean negative = at(i) == '-';
        if (negative) {
            i++;
        }
        int c = at(i);
        if (c < '0' || c > '9') {
            return NO;
        }
        int intStart = i;
        long value = 0;
        if (c == '0') {
            i++;
        } else {
            while (i < end && b[i] >= '0' && b[i] <= '9') {
                value = value * 10 + (b[i] - '0');
                i++;
                if (i - intStart > MAX_INT_DIGITS) {
                    return NO;
                }
            }
        }
        int intDigits = i - intStart;
        c = at(i);
        if (c == 'e' || c == 'E' || (c >= '0' && c <= '9')) {
            return NO; // an exponent, or a leading zero
        }
        if (c != '.') {
            if (negative && value == 0) {
                return NO; // -0: the value is 0
            }
            decimal = false;
            integer = negative ? -value : value;
            return i;
        }
        int fracStart = ++i;
        int leadingZeros = -1;
        while (i < end && b[i] >= '0' && b[i] <= '9') {
            if (leadingZeros < 0 && b[i] != '0') {
                leadingZeros = i - fracStart;
            }
            i++;
        }
        int fracDigits = i - fracStart;
        c = at(i);
        if (fracDigits == 0 || c == 'e' || c == 'E' || intDigits + fracDigits > MAX_DECIMAL_DIGITS) {
            return NO;
        }
        if (value == 0 && intDigits == 1) {
            // 0.xxx: BigDecimal prints it plain while its adjusted exponent is -6 or more, and has no -0
            if (leadingZeros < 0 ? negative || fracDigits > 6 : leadingZeros > 5) {
                return NO;
            }
        }
        decimal = true;
        return i;
    }

    /** Copies the value in {@code [from, to)} to {@code body} without its whitespace outside strings. */
    private void compact(int from, int to, EventTokens.Bounded body) {
        int run = from;
        boolean inString = false;
        for (int i = from; i < to; i++) {
            byte c = b[i];
            if (inString) {
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    inString = false;
                }
            } else if (c == '"') {
                inString = true;
            } else if (c == ' ' || c == '\n' || c == '\r' || c == '\t') {
                body.write(b, run, i - run);
                run = i + 1;
            }
        }
        body.write(b, run, to - run);
    }
}
