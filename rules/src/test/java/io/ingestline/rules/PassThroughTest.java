package io.ingestline.rules;

import static org.assertj.core.api.Assertions.assertThat;

import io.ingestline.model.Json;
import io.ingestline.model.rules.DatasetRule;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link PassThrough} against the tree path ({@link TreePathOracle}): hand-picked events, then a seeded stream of
 * random ones (the seed is printed; {@code -Dpassthrough.seed=N} replays one) with nested values, every number form,
 * escapes and non-BMP text, duplicate names at any depth, {@code _time} in each accepted form and bad ones, an
 * incoming {@code _id}, too many fields, bad names, oversize events, broken JSON, non-objects and trailing text.
 */
class PassThroughTest {
    private static final EventChecks.Limits LIMITS = new EventChecks.Limits(3000, 10);
    private static final CompiledTarget TARGET = CompiledTarget.dataset(TreePathOracle.DATASET, null, LIMITS);
    private static final int WRITE_LIMIT = 1 << 20;
    private static final int EVENTS = 10_000;

    @Test
    void only_targets_that_pass_events_through_have_the_fast_path() throws Exception {
        assertThat(TARGET.passThrough().dataset()).isEqualTo("web");
        DatasetRule plain = DatasetRule.parse("web", Json.mapper().readTree("{\"transformKql\":\"source\"}"));
        assertThat(CompiledTarget.dataset("web", plain, LIMITS).passThrough()).isNotNull();
        DatasetRule columns = DatasetRule.parse("web", Json.mapper().readTree(
                "{\"columns\":[{\"name\":\"ms\",\"type\":\"long\"}],\"transformKql\":\"source\"}"));
        assertThat(CompiledTarget.dataset("web", columns, LIMITS).passThrough()).isNull();
        DatasetRule transform = DatasetRule.parse("web", Json.mapper().readTree(
                "{\"transformKql\":\"source | extend x = 1\"}"));
        assertThat(CompiledTarget.dataset("web", transform, LIMITS).passThrough()).isNull();
    }

    @Test
    void writes_the_envelope_as_the_tree_path_does() {
        String in = "{ \"b\":1e3, \"_id\":\"theirs\", \"a\":[-0, -0.0, 2.50, 12345678901, 123456789012345678901234],"
                + "\"_time\":1764900000123, \"s\":\"\\u00e9\\ud83d\\ude00\\t\\/\", \"n\":null }";
        PassThrough.Written w = (PassThrough.Written) write(in);
        assertThat(new String(w.value(), StandardCharsets.UTF_8)).isEqualTo("{\"_time\":\"2025-12-05T02:00:00.123Z\","
                + "\"_id\":\"b7f3c2a9d1e04f6a-12\",\"b\":1E+3,\"a\":[0,0.0,2.50,12345678901,"
                + "123456789012345678901234],\"s\":\"é\\uD83D\\uDE00\\t/\",\"n\":null}");
        assertThat(w.time()).isEqualTo(Instant.parse("2025-12-05T02:00:00.123Z"));
        assertThat(check(in)).isInstanceOf(TreePathOracle.Value.class);
        PassThrough.Written empty = (PassThrough.Written) write("{\"_time\":null}");
        assertThat(new String(empty.value(), StandardCharsets.UTF_8))
                .isEqualTo("{\"_time\":\"2026-12-05T02:00:00.123Z\",\"_id\":\"b7f3c2a9d1e04f6a-12\"}");
        assertThat(empty.time()).isEqualTo(TreePathOracle.RECEIVED);
    }

    @Test
    void refuses_what_the_checks_refuse_with_the_same_reason() {
        assertThat(write("{\"_time\":\"soon\"}")).isEqualTo(new PassThrough.Refused(new Outcome.Failed(
                Outcome.STAGE_VALIDATE, "web", "invalid time in field _time: unrecognised time format: soon")));
        assertThat(write("{\"a\":1,\"\":2}")).isEqualTo(new PassThrough.Refused(
                new Outcome.Failed(Outcome.STAGE_VALIDATE, null, "a field name is empty")));
        assertThat(check("{\"\":1,\"a\\u0001\":2}")).isInstanceOf(TreePathOracle.Failed.class);
        assertThat(check("{\"_time\":{\"x\":1}}")).isInstanceOf(TreePathOracle.Failed.class);
        // a duplicate within a _time that is no time changes nothing of the outcome
        assertThat(check("{\"_time\":[{\"t\":1,\"t\":2}]}")).isInstanceOf(TreePathOracle.Failed.class);
        assertThat(check("{\"_time\":\"soon\",\"a\":1,\"b\":2,\"c\":3,\"d\":4,\"e\":5,\"f\":6,\"g\":7,\"h\":8,"
                + "\"i\":9,\"j\":10}")).isInstanceOf(TreePathOracle.Failed.class);
    }

    @Test
    void leaves_parse_errors_duplicates_and_oversize_values_to_the_tree_path() {
        for (String in : List.of("[1]", "\"a\"", "", " ", "{\"a\":1} x", "{\"a\":1}{}", "{\"a\":1", "{\"a\":01}",
                "{\"a\":1e-99999999999}", "{\"a\":1,\"a\":2}", "{\"a\":{\"b\":1,\"b\":2}}",
"{\"a\":" + "[".repeat(300) + "]".repeat(300) + "}")) {
            assertThat(write(in)).as(in).isSameAs(PassThrough.TreePath.INSTANCE);
        }
        byte[] bad = {'{', '"', 'a', '"', ':', '"', (byte) 0xc3, '(', '"', '}'};
        assertThat(TARGET.passThrough().write(bad, 0, bad.length, TreePathOracle.ID, TreePathOracle.RECEIVED,
                WRITE_LIMIT)).isSameAs(PassThrough.TreePath.INSTANCE);
        assertThat(TARGET.passThrough().write(bytes("{\"a\":\"" + "x".repeat(100) + "\"}"), 0, 110,
                TreePathOracle.ID, TreePathOracle.RECEIVED, 100)).isSameAs(PassThrough.TreePath.INSTANCE);
    }

    @Test
    void random_events_give_what_the_tree_path_gives() {
        long seed = Long.getLong("passthrough.seed", System.nanoTime());
        System.out.println("PassThroughTest seed: " + seed + " (-Dpassthrough.seed=" + seed + " replays it)");
        Random r = new Random(seed);
        Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < EVENTS; i++) {
            Events events = new Events(r);
            String json = events.event();
            byte[] event = bytes(json);
            if (r.nextInt(50) == 0) {
                event = events.breakBytes(event);
            }
            int off = r.nextInt(8);
            byte[] buf = new byte[off + event.length + r.nextInt(8)];
            System.arraycopy(event, 0, buf, off, event.length);
            int maxBytes = r.nextInt(20) == 0 ? 64 + r.nextInt(400) : WRITE_LIMIT;
            try {
                TreePathOracle.Tree t = TreePathOracle.check(TARGET, buf, off, event.length, maxBytes);
                seen.merge(t == null ? "deferred" : t.getClass().getSimpleName(), 1, Integer::sum);
            } catch (AssertionError e) {
                throw new AssertionError("seed " + seed + ", event " + i + ": " + e.getMessage(), e);
            }
        }
        System.out.println("PassThroughTest outcomes: " + seen);
        assertThat(seen).containsKeys("Value", "Failed", "deferred");
        assertThat(seen.get("Value")).isGreaterThan(EVENTS / 3);
    }

    /** Random event text. */
    private static final class Events {
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

        private final Random r;

        Events(Random r) {
            this.r = r;
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

    private static TreePathOracle.Tree check(String json) {
        byte[] b = bytes(json);
        return TreePathOracle.check(TARGET, b, 0, b.length, WRITE_LIMIT);
    }

    private static PassThrough.Result write(String json) {
        byte[] b = bytes(json);
        return TARGET.passThrough().write(b, 0, b.length, TreePathOracle.ID, TreePathOracle.RECEIVED, WRITE_LIMIT);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
