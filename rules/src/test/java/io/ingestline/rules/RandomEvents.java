package io.ingestline.rules;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Random event text for the differential tests: nested values, every number form, escapes and non-BMP text,
 * duplicate names at any depth, {@code _time} in each accepted form and bad ones, an incoming {@code _id}, too many
 * fields, bad names, oversize events, broken JSON, non-objects and trailing text; and, among the top-level fields,
 * the names given (a rule's declared and output columns) with values of every type, right or wrong for a column.
 */
final class RandomEvents {
    private static final String[] TIMES = {"\"2026-12-05T01:02:03Z\"", "\"2026-12-05T01:02:03.123456789Z\"",
        "\"2026-12-05T01:02:03+02:00\"", "\"2026-12-05T01:02:03.5-0530\"", "\"2026-12-05 01:02:03\"",
        "\"2026-12-05T01:02\"", "\" 2026-12-05t01:02:03z \"", "\"1764900000\"", "\"1764900000.25\"",
        "1764900000", "1764900000123", "1764900000123456", "1764900000123456789", "1764900000.5",
        "1.7649e9", "1764900000.123456789123", "0", "-0", "-1.5", "0.0", "1E+2", "null",
        // not times
        "\"soon\"", "\"\"", "\"  \"", "\"2026-13-45T00:00:00Z\"", "99999999999999999999999", "1e400",
        "1e-300", "123456789012.5", "true", "[]", "{}", "[\"2026-12-05T01:02:03Z\"]", "{\"t\":1}",
        "\"-\"", "\"1.2.3\""};
    private static final String[] NUMBERS = {"0", "-0", "1", "-1", "2147483647", "2147483648", "-2147483648",
        "-2147483649", "9223372036854775807", "9223372036854775808", "-9223372036854775809",
        "123456789012345678901234567890", "0.0", "-0.0", "1.5", "2.50", "1e3", "1E3", "1e+3", "1E-7", "-1e-7",
        "0e0", "0.000", "1.0e+10", "123456789.123456789e-5", "1e400", "1e-400", "3.141592653589793238462643",
        "1e2147483647", "-0e-0", "10E-2"};
    private static final String[] STRINGS = {"", "plain", "with space", "é", "\\u00e9", "\\ud83d\\ude00", "😀",
        "\\n\\r\\t\\b\\f", "\\\"q\\\"", "\\\\", "\\/", "/", "\\u0000", "\\u001f", "\\u007f", "\u007f", "€",
        "日本語", "\\u2028", "<script>", "\\ud800", "\\udc00x", "a\\ud83dz"};

    /** Values for the given names: typed right for some column, or wrong, or nested, or null. */
    private static final String[] COLUMN_VALUES = {"200", "404", "500", "503", "0", "-1", "2147483647",
        "2147483648", "9223372036854775807", "9223372036854775808", "\"42\"", "\"500\"", "\" 7 \"", "\"abc\"",
        "\"\"", "12.5", "500.0", "500.5", "1e3", "2.50", "-0.0", "1e400", "\"12.5\"", "\"NaN\"", "true", "false",
        "\"true\"", "\"False\"", "null", "\"INFO\"", "\"warn\"", "\"é😀\\n\"", "\"\\u00e9\"",
        "\"2026-12-05T01:02:03Z\"", "\"2026-12-05 01:02:03.5\"", "\"2026-13-45\"", "1764900000",
        "{\"a\":1,\"b\":[1,2.0,\"x\"]}", "{\"a\":{\"a\":null}}", "{\"a\":1,\"a\":2}", "[]", "[1,\"2\",null]",
        "{}"};

    private final Random r;
    private final List<String> given;

    /** @param given top-level names to give often, with {@link #COLUMN_VALUES} (empty: none) */
    RandomEvents(Random r, List<String> given) {
        this.r = r;
        this.given = given;
    }

    String event() {
        int kind = r.nextInt(100);
        if (kind < 3) {
            return value(2);
        }
        String object = object(0, r.nextInt(20) == 0 ? 11 + r.nextInt(3) : r.nextInt(9), true);
        if (kind < 6) {
            return object + pick(" x", "}", " {}", " 1", "\"", "  ", "\n", "]", ",");
        }
        if (kind < 10) {
            return breakText(object);
        }
        if (kind < 12) {
            return "{\"pad\":\"" + "p".repeat(2900 + r.nextInt(200)) + "\"," + object.substring(1);
        }
        if (kind < 13) {
            int depth = 195 + r.nextInt(10);
            return "{\"deep\":" + "[".repeat(depth) + "]".repeat(depth) + "}";
        }
        return object;
    }

    private String object(int depth, int fields, boolean top) {
        StringBuilder b = new StringBuilder().append(ws()).append('{');
        List<String> names = new ArrayList<>();
        if (top && r.nextInt(3) > 0) {
            fields++;
        }
        boolean timeDone = false;
        for (int i = 0; i < fields; i++) {
            String name;
            String value = null;
            if (top && !timeDone && r.nextInt(3) == 0) {
                name = "_time";
                value = pick(TIMES);
                timeDone = true;
            } else if (top && r.nextInt(15) == 0) {
                name = "_id";
            } else if (top && !given.isEmpty() && r.nextInt(2) == 0) {
                name = given.get(r.nextInt(given.size()));
                if (names.contains(name) && r.nextInt(20) > 0) {
                    name = name(names); // a name given twice now and then, not in most events
                } else {
                    value = r.nextInt(4) == 0 ? value(depth + 1) : pick(COLUMN_VALUES);
                }
            } else {
                name = name(names);
            }
            if (value == null) {
                value = value(depth + 1);
            }
            if (i > 0) {
                b.append(',');
            }
            b.append(ws()).append('"').append(name).append('"').append(ws()).append(':').append(ws())
                    .append(value).append(ws());
            names.add(name);
        }
        return b.append('}').append(ws()).toString();
    }

    private String name(List<String> names) {
        int n = r.nextInt(60);
        if (n == 0 && !names.isEmpty()) {
            return names.get(r.nextInt(names.size()));
        }
        return switch (n) {
            case 1 -> "";
            case 2 -> "n".repeat(256 + r.nextInt(2));
            case 3 -> "ctl\\u0001";
            case 4 -> "tab\\t";
            case 5 -> "é\\u00e9";
            case 6 -> "\\ud83d\\ude00";
            case 7 -> "\\u0085next";
            case 8 -> "q\\\"uote";
            default -> "f" + r.nextInt(400);
        };
    }

    private String value(int depth) {
        int n = r.nextInt(depth > 4 ? 7 : 10);
        return switch (n) {
            case 0, 1 -> '"' + pick(STRINGS) + (r.nextBoolean() ? pick(STRINGS) : "") + '"';
            case 2, 3 -> pick(NUMBERS);
            case 4 -> Integer.toString(r.nextInt());
            case 5 -> pick("true", "false", "null");
            case 6 -> r.nextBoolean() ? Double.toString(r.nextGaussian() * Math.pow(10, r.nextInt(40) - 20))
                    : Long.toString(r.nextLong());
            case 7, 8 -> object(depth, r.nextInt(5), false);
            default -> {
                StringBuilder b = new StringBuilder("[");
                for (int i = 0, k = r.nextInt(5); i < k; i++) {
                    b.append(i > 0 ? "," : "").append(ws()).append(value(depth + 1)).append(ws());
                }
                yield b.append(']').toString();
            }
        };
    }

    private String breakText(String s) {
        int at = r.nextInt(s.length() + 1);
        return switch (r.nextInt(4)) {
            case 0 -> s.substring(0, at);
            case 1 -> s.substring(0, at) + pick(",", ":", "{", "\"", "\\", "'", "x", "]", "\u0001")
                    + s.substring(at);
            case 2 -> at < s.length() ? s.substring(0, at) + s.substring(at + 1) : s + ",";
            default -> s.replace(':', '=');
        };
    }

    /** Bytes that are not UTF-8, or a stray byte, somewhere in the event. */
    byte[] breakBytes(byte[] b) {
        if (b.length == 0) {
            return b;
        }
        byte[] out = b.clone();
        int at = r.nextInt(out.length);
        out[at] = (byte) pick(0xff, 0xc3, 0x80, 0xed, 0xf4, 0x00);
        return out;
    }

    /**
     * An event's bytes as a pass is given them: one event in 50 broken, placed at a random offset of a larger buffer,
     * and a write limit that is small one time in 20.
     */
    record Placed(byte[] buf, int off, int len, int maxBytes) {
    }

    Placed placed(byte[] event, int writeLimit) {
        byte[] e = r.nextInt(50) == 0 ? breakBytes(event) : event;
        int off = r.nextInt(8);
        byte[] buf = new byte[off + e.length + r.nextInt(8)];
        System.arraycopy(e, 0, buf, off, e.length);
        return new Placed(buf, off, e.length, r.nextInt(20) == 0 ? 64 + r.nextInt(400) : writeLimit);
    }

    private String ws() {
        return r.nextInt(8) == 0 ? pick(" ", "  ", "\t", "\r", "\n", " \t ") : "";
    }

    private String pick(String... options) {
        return options[r.nextInt(options.length)];
    }

    private int pick(int... options) {
        return options[r.nextInt(options.length)];
    }
}
