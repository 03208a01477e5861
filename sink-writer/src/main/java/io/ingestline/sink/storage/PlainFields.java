package io.ingestline.sink.storage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.ingestline.model.Json;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * {@link TypedFields}' quick way: one pass over the bytes of a <em>plain</em> event, which finds the typed columns'
 * values as Jackson's parser does, or gives up. Plain (the benchmark's events, and any log of ASCII text without
 * unusual escapes or numbers) is one JSON object, ASCII only, names without escapes, escapes in strings only of ASCII
 * characters other than U+0000, numbers of at most {@value #MAX_NUMBER} characters with exponents of at most four
 * digits, nesting at most {@value #MAX_DEPTH} deep, a typed column's value a string without escapes, a number,
 * {@code true}, {@code false} or {@code null}.
 * Anything else (and any text that is not JSON) makes it give up, and the parser reads the event: so it needs no
 * rule of its own for what JSON is, beyond seeing that plain text is well formed.
 *
 * <p>An event it reads through holds nothing {@code jsonb} refuses whatever the database's encoding (what
 * {@link JsonbRisk} looks for lies outside plain), so the commit need not look again. Checked against the parser by
 * {@code PlainFieldsTest}. One instance per thread.
 */
final class PlainFields {
    static final int MAX_NUMBER = 100;
    static final int MAX_DEPTH = 64;
    private static final JsonNodeFactory NODES = Json.mapper().getNodeFactory();
    /** Per byte, inside a string: 0 plain, 1 the end quote, 2 a backslash, 3 not plain (a control byte, non-ASCII). */
    private static final byte[] IN_STRING = new byte[256];

    static {
        for (int c = 0; c < 256; c++) {
            IN_STRING[c] = (byte) (c < 0x20 || c >= 0x80 ? 3 : 0);
        }
        IN_STRING['"'] = 1;
        IN_STRING['\\'] = 2;
    }

    /** The columns' names as bytes (null for one that is not ASCII: no plain event holds it). */
    private final byte[][] names;
    private byte[] b;
    private int pos;
    private int limit;

    PlainFields(List<TypedColumn> columns) {
        names = new byte[columns.size()][];
        for (int i = 0; i < names.length; i++) {
            String name = columns.get(i).name();
            names[i] = name.chars().allMatch(c -> c < 0x80) ? name.getBytes(StandardCharsets.US_ASCII) : null;
        }
    }

    /**
     * Fills {@code values} (cleared by the caller, in the columns' order) from the event {@code event[off, off + len)}
     * and returns true when it is plain; else returns false, {@code values} then partly filled.
     */
    boolean read(byte[] event, int off, int len, JsonNode[] values) {
        b = event;
        pos = off;
        limit = off + len;
        try {
            if (ws() != '{') {
                return false;
            }
            pos++;
            int c = ws();
            if (c == '}') {
                pos++;
                return ws() == -1;
            }
            while (c == '"') {
                int from = ++pos;
                if (!plainString()) {
                    return false;
                }
                int column = column(from, pos - 1);
                if (ws() != ':') {
                    return false;
                }
                pos++;
                ws();
                if (column >= 0) {
                    JsonNode v = value();
                    if (v == null) {
                        return false;
                    }
                    values[column] = v; // a name given twice: its last value, as the parser's reading gives
                } else if (!skip(1)) {
                    return false;
                }
                c = ws();
                if (c == '}') {
                    pos++;
                    return ws() == -1; // nothing after the object but white space
                }
                if (c != ',') {
                    return false;
                }
                pos++;
                c = ws();
            }
            return false;
        } finally {
            b = null;
        }
    }

    /** Skips JSON white space; the byte then at {@code pos}, or -1 at the end. */
    private int ws() {
        while (pos < limit) {
            int c = b[pos] & 0xff;
            if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
                return c;
            }
            pos++;
        }
        return -1;
    }

    /** The column named {@code b[from, to)}: the last of that name, as the parser's name index holds; else -1. */
    private int column(int from, int to) {
        for (int i = names.length - 1; i >= 0; i--) {
            byte[] n = names[i];
            if (n != null && n.length == to - from && Arrays.equals(b, from, to, n, 0, n.length)) {
                return i;
            }
        }
        return -1;
    }

    /** A string of plain bytes without escapes, from after its quote; {@code pos} then after its end quote. */
    private boolean plainString() {
        while (pos < limit) {
            int k = IN_STRING[b[pos++] & 0xff];
            if (k == 1) {
                return true;
            }
            if (k != 0) {
                return false;
            }
        }
        return false;
    }

    /** A string from after its quote, its escapes only of ASCII characters other than U+0000. */
    private boolean string() {
        while (pos < limit) {
            int k = IN_STRING[b[pos++] & 0xff];
            if (k == 0) {
                continue;
            }
            if (k == 1) {
                return true;
            }
            if (k == 3 || pos >= limit) {
                return false;
            }
            int e = b[pos++];
            if (e == 'u') {
                if (pos + 4 > limit) {
                    return false;
                }
                int code = 0;
                for (int i = 0; i < 4; i++) {
                    int d = Character.digit(b[pos++], 16);
                    if (d < 0) {
                        return false;
                    }
                    code = code * 16 + d;
                }
                if (code == 0 || code >= 0x80) {
                    return false;
                }
            } else if (e != '"' && e != '\\' && e != '/' && e != 'b' && e != 'f' && e != 'n' && e != 'r' && e != 't') {
                return false;
            }
        }
        return false;
    }

    /** Skips the value at {@code pos}, at nesting {@code depth} (the top object is 1). */
    private boolean skip(int depth) {
        if (pos >= limit) {
            return false;
        }
        int c = b[pos];
        if (c == '"') {
            pos++;
            return string();
        }
        if (c == '{' || c == '[') {
            if (depth >= MAX_DEPTH) {
                return false;
            }
            boolean object = c == '{';
            int close = object ? '}' : ']';
            pos++;
            int d = ws();
            if (d == close) {
                pos++;
                return true;
            }
            while (true) {
                if (object) {
                    if (d != '"') {
                        return false;
                    }
                    pos++;
                    if (!string() || ws() != ':') {
                        return false;
                    }
                    pos++;
                    ws();
                }
                if (!skip(depth + 1)) {
                    return false;
                }
                d = ws();
                if (d == close) {
                    pos++;
                    return true;
                }
                if (d != ',') {
                    return false;
                }
                pos++;
                d = ws();
            }
        }
        if (c == '-' || (c >= '0' && c <= '9')) {
            return number() != 0;
        }
        return literal() != null;
    }

    /**
     * A number at {@code pos} in JSON's grammar: 1 for an integer, 2 for a fraction or an exponent, 0 when it is not
     * one this pass reads ({@code pos} then anywhere).
     */
    private int number() {
        int from = pos;
        if (b[pos] == '-') {
            pos++;
        }
        if (pos >= limit) {
            return 0;
        }
        if (b[pos] == '0') {
            pos++; // a leading zero stands alone; a digit after it is left to the parser's refusal
        } else if (!digits()) {
            return 0;
        }
        int kind = 1;
        if (pos < limit && b[pos] == '.') {
            pos++;
            if (!digits()) {
                return 0;
            }
            kind = 2;
        }
        if (pos < limit && (b[pos] == 'e' || b[pos] == 'E')) {
            pos++;
            if (pos < limit && (b[pos] == '+' || b[pos] == '-')) {
                pos++;
            }
            int at = pos;
            if (!digits() || pos - at > 4) {
                return 0; // five exponent digits or more: a value jsonb may refuse, or beyond BigDecimal's scale
            }
            kind = 2;
        }
        return pos - from > MAX_NUMBER ? 0 : kind;
    }

    /** One digit or more at {@code pos}. */
    private boolean digits() {
        int from = pos;
        while (pos < limit && b[pos] >= '0' && b[pos] <= '9') {
            pos++;
        }
        return pos > from;
    }

    /** {@code true}, {@code false} or {@code null} at {@code pos}, as its node; else null. */
    private JsonNode literal() {
        if (matches("true")) {
            return NODES.booleanNode(true);
        }
        if (matches("false")) {
            return NODES.booleanNode(false);
        }
        if (matches("null")) {
            return NODES.nullNode();
        }
        return null;
    }

    private boolean matches(String word) {
        int n = word.length();
        if (pos + n > limit) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            if (b[pos + i] != word.charAt(i)) {
                return false;
            }
        }
        pos += n;
        return true;
    }

    /** A typed column's value at {@code pos} as the parser's node for it ({@code Json.node}); null to give up. */
    private JsonNode value() {
        if (pos >= limit) {
            return null;
        }
        int c = b[pos];
        if (c == '"') {
            int from = ++pos;
            return plainString() ? NODES.textNode(new String(b, from, pos - 1 - from, StandardCharsets.ISO_8859_1))
                    : null;
        }
        if (c == '-' || (c >= '0' && c <= '9')) {
            int from = pos;
            int kind = number();
            if (kind == 2) {
                return NODES.numberNode(new BigDecimal(new String(b, from, pos - from, StandardCharsets.ISO_8859_1)));
            }
            if (kind != 1) {
                return null;
            }
            boolean negative = b[from] == '-';
            int digits = pos - from - (negative ? 1 : 0);
            if (digits > 18) {
                return null; // the parser's long or BigInteger: left to it
            }
            long v = 0;
            for (int i = pos - digits; i < pos; i++) {
                v = v * 10 + (b[i] - '0');
            }
            v = negative ? -v : v;
            return v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE ? NODES.numberNode((int) v) : NODES.numberNode(v);
        }
        return literal();
    }
}
