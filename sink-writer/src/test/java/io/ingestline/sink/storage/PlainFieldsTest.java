package io.ingestline.sink.storage;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link PlainFields} against Jackson's parser ({@link TypedFields#parsed}): on seeded events, plain and not (escapes
 * of every kind, non-ASCII, numbers of every form and length, literals, nesting, names given twice, white space) and
 * on their corruptions (cut, a byte changed, inserted or dropped, text after the object), the values {@link
 * TypedFields#read} gives are the parser's, node for node (an {@code int} where the parser makes one, a
 * {@code BigDecimal} with its scale); an event read as plain holds nothing {@link JsonbRisk} flags; and plain events
 * are read as plain. Replay a seed with {@code -Dplain.seed=<seed>}.
 */
class PlainFieldsTest {
    private static final String[] NAMES = {"status", "n", "ratio", "ok", "at", "msg", "user", "tags", "x", "é"};
    /** The typed columns (one of them not ASCII: never matched by the quick pass). */
    static final List<TypedColumn> COLUMNS = List.of(TypedColumn.of("status", "string"), TypedColumn.of("n", "long"),
            TypedColumn.of("ratio", "real"), TypedColumn.of("ok", "boolean"), TypedColumn.of("at", "datetime"),
            TypedColumn.of("é", "string"));

    @Test
    void gives_the_parsers_values_or_leaves_the_event_to_it() {
        long seed = Long.getLong("plain.seed", System.nanoTime());
        System.out.println("PlainFieldsTest seed " + seed + " (-Dplain.seed=" + seed + ")");
        Random random = new Random(seed);
        TypedFields fields = new TypedFields(COLUMNS);
        int plain = 0;
        int plainGenerated = 0;
        for (int i = 0; i < 30_000; i++) {
            boolean plainOnly = i % 3 == 0;
            byte[] event = event(random, plainOnly).getBytes(StandardCharsets.UTF_8);
            if (!plainOnly && random.nextInt(3) == 0) {
                event = corrupt(random, event);
            }
            int pad = random.nextInt(3);
            byte[] in = new byte[event.length + 2 * pad];
            Arrays.fill(in, (byte) '{');
            System.arraycopy(event, 0, in, pad, event.length);
            JsonNode[] read = fields.read(in, pad, event.length).clone();
            boolean wasPlain = fields.wasPlain();
            JsonNode[] parsed = fields.parsed(in, pad, event.length).clone();
            String text = new String(event, StandardCharsets.UTF_8);
            assertThat(read).as("seed %d, event %s", seed, text).containsExactly(parsed);
            for (int c = 0; c < read.length; c++) {
                if (read[c] != null) {
                    assertThat(read[c].getClass()).as("seed %d, event %s", seed, text).isEqualTo(parsed[c].getClass());
                }
            }
            if (wasPlain) {
                plain++;
                assertThat(JsonbRisk.risky(event, 0, event.length, true)
                        || JsonbRisk.risky(event, 0, event.length, false)).as("seed %d, event %s", seed, text)
                        .isFalse();
            } else if (plainOnly) {
                throw new AssertionError("seed " + seed + ": a plain event not read as plain: " + text);
            }
            plainGenerated += plainOnly ? 1 : 0;
        }
        System.out.println("PlainFieldsTest: " + plain + " of 30,000 events read as plain (" + plainGenerated
                + " generated plain)");
        assertThat(plain).isGreaterThan(plainGenerated);
    }

    @Test
    void reads_the_usual_forms() {
        TypedFields fields = new TypedFields(COLUMNS);
        byte[] e = ("{ \"status\" : \"ok\", \"n\":-2147483648,\"ratio\":1.50e+2,\"ok\":false,\"at\":null,"
                + "\"msg\":\"a \\\"quoted\\\" \\u0041\\n\",\"tags\":[1,{\"a\":[]},true],\"n\":2147483648}\r\n")
                .getBytes(StandardCharsets.UTF_8);
        JsonNode[] read = fields.read(e, 0, e.length).clone();
        assertThat(fields.wasPlain()).isTrue();
        assertThat(read).containsExactly(fields.parsed(e, 0, e.length));
        assertThat(read[1].isLong()).isTrue(); // the last of the two
        assertThat(read[2].decimalValue().scale()).isZero(); // 1.50e+2: 150, as the parser reads it
        for (String notPlain : new String[] {"{\"msg\":\"\\u0000\"}", "{\"msg\":\"\\ud83d\\ude00\"}",
            "{\"msg\":\"caf\u00e9\"}", "{\"n\":1e10000}", "{\"status\":\"a\\tb\"}", "{\"n\":12345678901234567890}",
            "{\"tags\":" + "[".repeat(70) + "]".repeat(70) + "}", "{\"n\":01}", "{\"n\":1}x", "[1]", "",
            "{\"status\":{\"a\":1}}", "{\"n\":" + "1".repeat(101) + "}"}) {
            byte[] b = notPlain.getBytes(StandardCharsets.UTF_8);
            JsonNode[] r = fields.read(b, 0, b.length).clone();
            assertThat(fields.wasPlain()).as(notPlain).isFalse();
            assertThat(r).as(notPlain).containsExactly(fields.parsed(b, 0, b.length));
        }
    }

    private static String event(Random random, boolean plainOnly) {
        StringBuilder sb = new StringBuilder();
        sb.append(ws(random)).append('{').append(ws(random));
        int n = random.nextInt(12);
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                sb.append(ws(random)).append(',').append(ws(random));
            }
            String name = NAMES[random.nextInt(NAMES.length)];
            if (plainOnly && name.equals("é")) {
                name = "plain";
            }
            sb.append('"').append(name).append('"').append(ws(random)).append(':').append(ws(random));
            value(random, sb, plainOnly, 1, !name.equals("msg") && !name.equals("tags") && !name.equals("x"));
        }
        if (random.nextInt(40) == 0) { // nesting around the pass's limit
            int depth = plainOnly ? 50 + random.nextInt(13) : 55 + random.nextInt(20);
            sb.append(n > 0 ? "," : "").append("\"x\":").append("[".repeat(depth)).append("]".repeat(depth));
        }
        sb.append(ws(random)).append('}').append(ws(random));
        return sb.toString();
    }

    /** A value; a typed column's (when {@code typed}) is a scalar string without escapes in a plain event. */
    private static void value(Random random, StringBuilder sb, boolean plainOnly, int depth, boolean typed) {
        int kind = random.nextInt(6);
        switch (kind) {
            case 0 -> sb.append('"').append(string(random, plainOnly, typed)).append('"');
            case 1 -> sb.append(number(random, plainOnly, typed));
            case 2 -> sb.append(new String[] {"true", "false", "null"}[random.nextInt(3)]);
            case 3 -> sb.append(plainOnly ? "1" : new String[] {"tru", "nul", "True", "NaN", "-", "'a'"}[random
                    .nextInt(6)]);
            default -> {
                if (plainOnly && (typed || depth >= PlainFields.MAX_DEPTH - 1)) {
                    sb.append("\"s\"");
                    return;
                }
                boolean object = kind == 4;
                sb.append(object ? '{' : '[').append(ws(random));
                int n = random.nextInt(depth > 3 ? 2 : 4);
                for (int i = 0; i < n; i++) {
                    if (i > 0) {
                        sb.append(',').append(ws(random));
                    }
                    if (object) {
                        sb.append('"').append(string(random, plainOnly, false)).append("\":").append(ws(random));
                    }
                    value(random, sb, plainOnly, depth + 1, false);
                }
                sb.append(ws(random)).append(object ? '}' : ']');
            }
        }
    }

    private static String string(Random random, boolean plainOnly, boolean typed) {
        StringBuilder sb = new StringBuilder();
        int n = random.nextInt(random.nextInt(10) == 0 ? 200 : 12);
        for (int i = 0; i < n; i++) {
            int k = random.nextInt(20);
            if (plainOnly && typed) {
                sb.append((char) ('a' + random.nextInt(26)));
            } else if (k < 14) {
                char c = (char) (' ' + random.nextInt(95));
                sb.append(c == '"' || c == '\\' ? "\\" + c : String.valueOf(c));
            } else if (k < 17) {
                sb.append('\\').append("\"\\/bfnrt".charAt(random.nextInt(8)));
            } else if (k < 19 || plainOnly) {
                sb.append(String.format("\\u%04x", 1 + random.nextInt(0x7f)));
            } else {
                sb.append(new String[] {"\\u0000", "\\u00e9", "\\ud83d\\ude00", "\\udc00", "é", "\u0001", "\\x",
                    "\\u12", "日本"}[random.nextInt(9)]);
            }
        }
        return sb.toString();
    }

    private static String number(Random random, boolean plainOnly, boolean typed) {
        String sign = random.nextBoolean() ? "-" : "";
        String digits = random.nextInt(5) == 0 ? "0" : (char) ('1' + random.nextInt(9)) + digits(random,
                new int[] {0, 1, 5, 8, 9, 10, 17, 18, 19, 30}[random.nextInt(10)]);
        String frac = random.nextBoolean() ? "" : "." + digits(random, 1 + random.nextInt(random.nextInt(5) == 0 ? 30
                : 4));
        String exp = random.nextInt(3) != 0 ? "" : (random.nextBoolean() ? "e" : "E")
                + new String[] {"", "+", "-"}[random.nextInt(3)]
                + digits(random, 1 + random.nextInt(plainOnly ? 4 : 7));
        String number = sign + digits + frac + exp;
        if (plainOnly) {
            boolean wide = typed && frac.isEmpty() && exp.isEmpty() && digits.length() > 18; // the parser's to read
            return number.length() > PlainFields.MAX_NUMBER || wide ? "7" : number;
        }
        return switch (random.nextInt(12)) {
            case 0 -> "0" + number.replace("-", "");
            case 1 -> number + ".";
            case 2 -> "." + digits(random, 2);
            case 3 -> "+" + number;
            case 4 -> number + "e";
            case 5 -> "1" + "0".repeat(90 + random.nextInt(20));
            default -> number;
        };
    }

    private static String digits(Random random, int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sb.append((char) ('0' + random.nextInt(10)));
        }
        return sb.toString();
    }

    private static String ws(Random random) {
        return switch (random.nextInt(8)) {
            case 0 -> " ";
            case 1 -> "\n\t ";
            case 2 -> "\r\n";
            default -> "";
        };
    }

    private static byte[] corrupt(Random random, byte[] event) {
        if (event.length == 0) {
            return event;
        }
        int at = random.nextInt(event.length);
        byte b = (byte) "{}[]\",:\\ a0-.eE\u007f".charAt(random.nextInt(16));
        return switch (random.nextInt(5)) {
            case 0 -> Arrays.copyOf(event, at);
            case 1 -> {
                byte[] out = event.clone();
                out[at] = random.nextInt(4) == 0 ? (byte) random.nextInt(256) : b;
                yield out;
            }
            case 2 -> {
                byte[] out = new byte[event.length + 1];
                System.arraycopy(event, 0, out, 0, at);
                out[at] = b;
                System.arraycopy(event, at, out, at + 1, event.length - at);
                yield out;
            }
            case 3 -> {
                byte[] out = new byte[event.length - 1];
                System.arraycopy(event, 0, out, 0, at);
                System.arraycopy(event, at + 1, out, at, event.length - at - 1);
                yield out;
            }
            default -> (new String(event, StandardCharsets.UTF_8) + new String[] {"x", "{}", " 1", "]"}[random
                    .nextInt(4)]).getBytes(StandardCharsets.UTF_8);
        };
    }
}
