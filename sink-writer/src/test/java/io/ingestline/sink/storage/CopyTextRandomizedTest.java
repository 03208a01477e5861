package io.ingestline.sink.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link CopyText} against the text the backend wrote before it ({@link CopyTextReference}: whole tree, byte by byte,
 * {@link java.time.Instant#toString()}), byte for byte, on generated events: fields in random orders, names given
 * twice, nested values, unicode, control characters, tabs, newlines and backslashes in strings and between tokens,
 * numbers at the edges of {@code int} and {@code long} and beyond, numbers as text, times as text, and broken JSON.
 * Replay a seed with {@code -Dcopy.seed=<seed>}.
 */
@Timeout(120)
class CopyTextRandomizedTest {
    /** A column of each type, and of each type's alias. */
    private static final Map<String, String> KUSTO = new LinkedHashMap<>();

    static {
        KUSTO.put("i", "int");
        KUSTO.put("l", "long");
        KUSTO.put("r", "real");
        KUSTO.put("b", "bool");
        KUSTO.put("b2", "boolean");
        KUSTO.put("t", "datetime");
        KUSTO.put("d", "dynamic");
        KUSTO.put("s", "string");
        KUSTO.put("g", "guid");
        KUSTO.put("span", "timespan");
        KUSTO.put("é", "int");
    }

    static final List<TypedColumn> COLUMNS = KUSTO.entrySet().stream()
            .map(e -> TypedColumn.of(e.getKey(), e.getValue())).toList();
    private static final String[] OTHER_NAMES = {"_time", "_id", "level", "msg", "x", "", "I", "ii", "\\u0069",
        "\\u00e9", "a\\tb", "emoji😀"};
    private static final String[] NUMBERS = {"0", "-0", "1", "-1", "42", "2147483647", "2147483648", "-2147483648",
        "-2147483649", "9223372036854775807", "9223372036854775808", "-9223372036854775808", "-9223372036854775809",
        "123456789012345678901234567890", "0.0", "-0.0", "1.5", "1.50", "1.0", "100.000", "1e5", "1E5", "1e+5", "1e-7",
        "2.5E-3", "1e400", "-1e400", "1e-400", "4.9e-324", "1.7976931348623157e308", "1e999999999", "1e-999999999",
        "1e2147483648", "1e-2147483649", "1.5e99999999999", "12345678901234567890.123456789", "0e0", "0.000",
        "3.141592653589793238462643383279"};
    private static final String[] TEXTS = {"", "a", "42", " 42 ", "\\t42\\n", "-7", "42.0", "4.2e1", "1e3", "1.5",
        "2147483648", "-2147483649", "9223372036854775807", "9223372036854775808", "0x10", "abc", "true", "null",
        "2026-12-05T06:00:00Z", "2026-12-05T06:00:00.123456789Z", "2026-12-05 06:00:00", "2026-12-05",
        "2026-12-05T06:00:00+02:00", "12/05/2026 06:00", "Sat, 05 Dec 2026 06:00:00 GMT", "0001-01-01T00:00:00Z",
        "9999-12-31T23:59:59Z", "+10000-01-01T00:00:00Z", "0000-12-31T23:59:59Z", "-0001-01-01T00:00:00Z",
        "9999-12-31T23:59:59.9999995Z", "2026-12-05T06:00:00.0000005Z", "2026-12-05T06:00:00.0000015Z",
        "2026-12-05T06:00:00.9999995Z", "1969-12-31T23:59:59.9999995Z", "2026-12-05T06:00:00.1234565Z", "not a time", "back\\\\slash", "tab\\there", "new\\nline", "cr\\rhere",
        "quote\\\"d", "uni\\u00e9\\u4e2d\\ud83d\\ude00", "raw é 中 😀", "nul\\u0000byte", "ctl\\u0001\\u001f",
        "lone\\ud800surrogate", "slash\\/"};
    private static final String[] SPACES = {"", "", "", " ", "\t", "\n", "\r\n", " \t "};
    private static final String[] BROKEN_TAILS = {"x", "{}", "]", "}", " 1", ",", "\"", "\u0000", "\t", "\n", "nul"};

    @Test
    void writes_the_same_copy_text_as_the_whole_tree_and_byte_by_byte_path() throws Exception {
        long seed = Long.getLong("copy.seed", System.nanoTime());
        System.out.println("CopyTextRandomizedTest seed " + seed + " (replay: -Dcopy.seed=" + seed + ")");
        Random random = new Random(seed);
        int events = 0;
        for (int batch = 0; batch < 400; batch++) {
            List<TypedColumn> typed = columns(random);
            List<SinkRecord> records = new ArrayList<>();
            int n = 1 + random.nextInt(60);
            for (int k = 0; k < n; k++) {
                records.add(record(random));
            }
            events += n;
            int capacity = random.nextBoolean() ? 64 + random.nextInt(400) : 64 * 1024;
            byte[] actual = encode(records, typed, capacity);
            byte[] expected = reference(records, typed);
            if (!Arrays.equals(actual, expected)) {
                for (SinkRecord r : records) { // the first row that differs, alone, for the message
                    String one = new String(encode(List.of(r), typed, capacity), StandardCharsets.UTF_8);
                    assertThat(one).as("seed %d, event %s, columns %s", seed,
                            new String(r.value(), StandardCharsets.UTF_8), typed)
                            .isEqualTo(new String(reference(List.of(r), typed), StandardCharsets.UTF_8));
                }
                assertThat(actual).as("seed %d", seed).isEqualTo(expected);
            }
        }
        assertThat(events).isGreaterThan(5000);
    }

    @Test
    void an_event_over_a_megabyte_reads_as_its_tree_does() throws Exception {
        String big = "x".repeat(io.ingestline.model.Json.MAX_STRING_LENGTH + 1);
        List<SinkRecord> records = List.of(
                new SinkRecord("web", 0, 1, 0, "a", ("{\"i\":7,\"msg\":\"" + big + "\"}")
                        .getBytes(StandardCharsets.UTF_8)),
                new SinkRecord("web", 0, 2, 0, "b", ("{\"i\":7,\"msg\":\"" + big.substring(2) + "\"}")
                        .getBytes(StandardCharsets.UTF_8)));
        assertThat(encode(records, COLUMNS, 64 * 1024)).isEqualTo(reference(records, COLUMNS));
        List<TypedColumn> i = COLUMNS.subList(0, 1);
        assertThat(new String(encode(records.subList(0, 1), i, 64 * 1024), StandardCharsets.UTF_8))
                .endsWith("\t\\N\n"); // a string over the parser's limit: no JSON it reads
        assertThat(new String(encode(records.subList(1, 2), i, 64 * 1024), StandardCharsets.UTF_8))
                .endsWith("\t7\n"); // just under it
    }

    @Test
    void writes_times_as_instant_to_string_does() throws Exception {
        long seed = Long.getLong("copy.seed", System.nanoTime());
        System.out.println("CopyTextRandomizedTest times seed " + seed + " (replay: -Dcopy.seed=" + seed + ")");
        Random random = new Random(seed);
        List<SinkRecord> records = new ArrayList<>();
        for (int k = 0; k < 200_000; k++) {
            long ms = switch (k % 4) {
                case 0 -> random.nextLong();
                case 1 -> random.nextLong() % 253_402_300_800_000L; // years -7999 to 9999
                case 2 -> -62_167_219_200_000L + random.nextInt(2_000_000_000) - 1_000_000_000; // about year 0
                default -> 253_402_300_800_000L + random.nextInt(2_000_000_000) - 1_000_000_000; // about 10000
            };
            records.add(new SinkRecord("web", 0, k, ms, "a", "{}".getBytes(StandardCharsets.UTF_8)));
        }
        assertThat(new String(encode(records, List.of(), 64 * 1024), StandardCharsets.UTF_8)).as("seed %d", seed)
                .isEqualTo(new String(reference(records, List.of()), StandardCharsets.UTF_8));
    }

    static byte[] encode(List<SinkRecord> records, List<TypedColumn> typed, int capacity) throws SQLException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new CopyText((bytes, length) -> out.write(bytes, 0, length), capacity, typed).writeAll(records);
        return out.toByteArray();
    }

    static byte[] reference(List<SinkRecord> records, List<TypedColumn> typed) {
        CopyTextReference ref = new CopyTextReference(typed);
        records.forEach(ref::row);
        return ref.bytes();
    }

    /** None, some or all of the columns, in a random order. */
    static List<TypedColumn> columns(Random random) {
        if (random.nextInt(8) == 0) {
            return List.of();
        }
        List<TypedColumn> out = new ArrayList<>(COLUMNS);
        Collections.shuffle(out, random);
        return out.subList(0, 1 + random.nextInt(out.size()));
    }

    static SinkRecord record(Random random) {
        long time = switch (random.nextInt(8)) {
            case 0 -> random.nextLong();
            case 1 -> new long[] {Long.MIN_VALUE, Long.MAX_VALUE, 0, -1, 1, -62_167_219_200_000L,
                -62_167_219_200_001L, -62_167_219_199_999L, 253_402_300_799_999L, 253_402_300_800_000L,
                -62_135_596_800_000L, 86_400_000L, -86_400_000L, -86_400_001L}[random.nextInt(14)];
            case 2 -> -random.nextInt(Integer.MAX_VALUE) * 1000L * (1 + random.nextInt(40));
            case 3 -> random.nextLong() % 400_000_000_000_000L;
            default -> 1_764_900_000_000L + random.nextInt(1_000_000_000);
        };
        String id = random.nextInt(4) == 0 ? "id\t\\\n\r" + random.nextInt() + "é中" : "id-" + random.nextInt(1000);
        byte[] value = random.nextInt(6) == 0 ? broken(random, event(random)) : event(random).getBytes(
                StandardCharsets.UTF_8);
        long offset = random.nextInt(4) == 0 ? random.nextLong() >>> 20 : random.nextInt(1_000_000);
        return new SinkRecord("web", random.nextInt(5) == 0 ? -random.nextInt(100) : random.nextInt(64), offset,
                random.nextInt(100), time, id.getBytes(StandardCharsets.UTF_8), value);
    }

    private static String event(Random random) {
        StringBuilder b = new StringBuilder();
        b.append(space(random)).append('{');
        int fields = random.nextInt(20);
        for (int f = 0; f < fields; f++) {
            if (f > 0) {
                b.append(',');
            }
            b.append(space(random)).append('"').append(name(random)).append('"').append(space(random)).append(':')
                    .append(space(random));
            value(random, b, 0);
            b.append(space(random));
        }
        return b.append('}').append(space(random)).toString();
    }

    private static String name(Random random) {
        if (random.nextInt(3) > 0) {
            List<String> names = new ArrayList<>(KUSTO.keySet());
            return names.get(random.nextInt(names.size()));
        }
        return OTHER_NAMES[random.nextInt(OTHER_NAMES.length)];
    }

    private static void value(Random random, StringBuilder b, int depth) {
        if (random.nextInt(300) == 0) { // about the parser's limit of 1,000 digits
            b.append(random.nextBoolean() ? "-" : "").append("7".repeat(990 + random.nextInt(20)))
                    .append(random.nextBoolean() ? "" : ".5e-3");
            return;
        }
        switch (random.nextInt(depth > 3 ? 6 : 9)) {
            case 0, 1 -> b.append(NUMBERS[random.nextInt(NUMBERS.length)]);
            case 2 -> b.append(random.nextInt(3) == 0 ? Long.toString(random.nextLong())
                    : random.nextInt(2) == 0 ? Integer.toString(random.nextInt()) : random.nextInt(100000) / 100.0);
            case 3, 4 -> b.append('"').append(TEXTS[random.nextInt(TEXTS.length)]).append('"');
            case 5 -> b.append(new String[] {"true", "false", "null"}[random.nextInt(3)]);
            case 6 -> {
                b.append('[');
                int n = random.nextInt(4);
                for (int k = 0; k < n; k++) {
                    b.append(k > 0 ? "," : "").append(space(random));
                    value(random, b, depth + 1);
                }
                b.append(']');
            }
            default -> {
                b.append('{');
                int n = random.nextInt(4);
                for (int k = 0; k < n; k++) {
                    b.append(k > 0 ? "," : "").append('"').append(name(random)).append("\":");
                    value(random, b, depth + 1);
                }
                b.append('}');
            }
        }
    }

    private static String space(Random random) {
        return SPACES[random.nextInt(SPACES.length)];
    }

    /** A valid event broken: cut, a byte changed or inserted, text after it, not an object, or nothing. */
    private static byte[] broken(Random random, String event) {
        byte[] bytes = event.getBytes(StandardCharsets.UTF_8);
        switch (random.nextInt(7)) {
            case 0 -> {
                return Arrays.copyOf(bytes, random.nextInt(bytes.length + 1));
            }
            case 1 -> {
                bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256);
                return bytes;
            }
            case 2 -> {
                int at = random.nextInt(bytes.length + 1);
                byte[] out = new byte[bytes.length + 1];
                System.arraycopy(bytes, 0, out, 0, at);
                out[at] = (byte) new int[] {0x80, 0xC3, 0xE4, 0xF0, 0xFF, 0x01, '\t', '\n', '"', '\\', '{', '}'}
                        [random.nextInt(12)];
                System.arraycopy(bytes, at, out, at + 1, bytes.length - at);
                return out;
            }
            case 3 -> {
                return (event + BROKEN_TAILS[random.nextInt(BROKEN_TAILS.length)]).getBytes(StandardCharsets.UTF_8);
            }
            case 4 -> {
                return ("[" + event + "]").getBytes(StandardCharsets.UTF_8);
            }
            case 5 -> {
                return new String[] {"", " ", "null", "42", "\"s\"", "true", "[]"}[random.nextInt(7)]
                        .getBytes(StandardCharsets.UTF_8);
            }
            default -> {
                return (event.replace("\"", "")).getBytes(StandardCharsets.UTF_8);
            }
        }
    }
}
