package io.ingestline.edge.ingest;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.ingestline.model.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class JsonScannerTest {
    private static int scan(String json) throws JsonScanner.Invalid {
        byte[] b = json.getBytes(UTF_8);
        return new JsonScanner(b, b.length).scanObject(0);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{}", "{\"a\":1}", "{ \"a\" : [1, -2.5e+3, 0, 0.0, 1E9, true, false, null, \"x\", {}, []] }",
        "{\"s\":\"esc \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\u00e9 \\uD83D\\uDE00\"}", "{\"u\":\"é ünï 日本 😀\"}",
        "{\"n\":{\"m\":{\"o\":[[[]]]}}}", "{\"a\":1,\"b\":2}",
    })
    void accepts_valid_objects_and_ends_after_the_brace(String json) throws Exception {
        assertThat(scan(json)).isEqualTo(json.getBytes(UTF_8).length);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{", "{\"a\"}", "{\"a\":}", "{\"a\":1,}", "{a:1}", "{\"a\":01}", "{\"a\":1.}", "{\"a\":.5}", "{\"a\":+1}",
        "{\"a\":-}", "{\"a\":1e}", "{\"a\":tru}", "{\"a\":NaN}", "{\"a\":\"x}", "{\"a\":\"\\x\"}", "{\"a\":\"\\u12g4\"}",
        "{\"a\":[1,]}", "{\"a\":[1 2]}", "{\"a\":{\"b\"}}", "{\"a\":'x'}", "{\"a\":1 \"b\":2}",
    })
    void refuses_invalid_objects(String json) {
        assertThatThrownBy(() -> scan(json)).isInstanceOf(JsonScanner.Invalid.class);
    }

    /** Jackson's byte parser, which rewrites events, refuses a lone surrogate escape in a field name, at any depth. */
    @ParameterizedTest
    @ValueSource(strings = {
        "{\"a\":{\"\\udddd\":2}}", "{\"\\udddd\":2}", "{\"a\":[{\"\\ud83d\":2}]}", "{\"a\":{\"x\\ud83dx\":2}}",
        "{\"a\":{\"\\ude00\\ud83d\":2}}", "{\"a\":{\"\\ud83d\\u0041\":2}}", "{\"a\":{\"\\ud83d\\n\":2}}",
        "{\"a\":{\"\\ud83d\\ud83d\":2}}",
    })
    void refuses_a_field_name_with_an_unpaired_surrogate_escape_as_jackson_does(String json) {
        assertThatThrownBy(() -> scan(json)).isInstanceOf(JsonScanner.Invalid.class)
                .hasMessage("unpaired surrogate escape in a field name");
        assertThat(jackson(json.getBytes(UTF_8))).isEqualTo("invalid");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"a\":{\"\\ud83d\\ude00\":2}}", "{\"\\uD83D\\uDE00x\":2}", "{\"a\":\"\\udddd\"}", "{\"a\":[\"\\ud83d\"]}",
    })
    void takes_paired_surrogate_escapes_in_names_and_lone_ones_in_values_as_jackson_does(String json) throws Exception {
        byte[] b = json.getBytes(UTF_8);
        assertThat(scan(json)).isEqualTo(b.length);
        assertThat(jackson(b)).isEqualTo("end " + b.length);
    }

    @Test
    void refuses_invalid_utf8_and_control_characters() {
        for (byte[] bad : List.of(new byte[] {(byte) 0xff}, new byte[] {(byte) 0xc0, (byte) 0x80},
                new byte[] {(byte) 0xed, (byte) 0xa0, (byte) 0x80}, new byte[] {(byte) 0xe2, (byte) 0x82},
                new byte[] {(byte) 0xf4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, new byte[] {0x01})) {
            byte[] b = new byte[8 + bad.length];
            byte[] head = "{\"a\":\"".getBytes(UTF_8);
            System.arraycopy(head, 0, b, 0, head.length);
            System.arraycopy(bad, 0, b, head.length, bad.length);
            b[head.length + bad.length] = '"';
            b[head.length + bad.length + 1] = '}';
            assertThatThrownBy(() -> new JsonScanner(b, b.length).scanObject(0)).isInstanceOf(JsonScanner.Invalid.class);
        }
    }

    @Test
    void notes_the_time_value_repeated_and_escaped_keys_and_line_breaks() throws Exception {
        byte[] b = "{\"a\":1,\n\"_time\": \"2026-11-23T10:00:00Z\" ,\"b\":{\"_time\":1}}".getBytes(UTF_8);
        JsonScanner s = new JsonScanner(b, b.length);
        s.scanObject(0);
        assertThat(new String(b, s.timeStart, s.timeEnd - s.timeStart, UTF_8)).isEqualTo("\"2026-11-23T10:00:00Z\"");
        assertThat(s.repeatedKey).isFalse();
        assertThat(s.lineBreak).isTrue();

        byte[] r = "{\"a\":1,\"b\":2,\"a\":3}".getBytes(UTF_8);
        JsonScanner rs = new JsonScanner(r, r.length);
        rs.scanObject(0);
        assertThat(rs.repeatedKey).isTrue();
        assertThat(rs.timeStart).isEqualTo(-1);

        byte[] e = "{\"\\u0061\":1}".getBytes(UTF_8);
        JsonScanner es = new JsonScanner(e, e.length);
        es.scanObject(0);
        assertThat(es.escapedKey).isTrue();
    }

    /** Every special byte at every place of a long string, against Jackson's verdict. */
    @Test
    void finds_special_bytes_at_any_offset_of_a_long_string() throws Exception {
        String[] specials = {"\"", "\\\"", "\\n", "\\u00e9", "\\x", "\n", "\u0001", "é", "\u20ac", "\ud83d\ude00"};
        List<String> disagreements = new ArrayList<>();
        for (String special : specials) {
            for (int at = 0; at < 40; at++) {
                String json = "{\"k\":\"" + "a".repeat(at) + special + "b".repeat(40 - at) + "\",\"n\":1}";
                byte[] b = json.getBytes(UTF_8);
                String ours = verdict(() -> new JsonScanner(b, b.length).scanObject(0));
                if (!ours.equals(jackson(b))) {
                    disagreements.add(json + " ours=" + ours + " jackson=" + jackson(b));
                }
            }
        }
        for (int bad = 0x80; bad < 0x100; bad += 7) {
            for (int at = 0; at < 20; at++) {
                byte[] b = ("{\"k\":\"" + "a".repeat(at) + "?" + "b".repeat(20) + "\"}").getBytes(UTF_8);
                b[6 + at] = (byte) bad;
                String ours = verdict(() -> new JsonScanner(b, b.length).scanObject(0));
                if (!ours.equals(jackson(b))) {
                    disagreements.add("byte 0x" + Integer.toHexString(bad) + " at " + at + " ours=" + ours);
                }
            }
        }
        assertThat(disagreements).isEmpty();
    }

    @Test
    void finds_a_repeated_key_among_many_including_keys_alike_at_both_ends() throws Exception {
        StringBuilder json = new StringBuilder("{");
        for (int k = 0; k < 300; k++) {
            // long keys that differ only in the middle: equal first and last eight bytes
            json.append("\"prefix__").append(k).append("__suffix\":").append(k).append(',');
        }
        json.append("\"short\":0}");
        byte[] distinct = json.toString().getBytes(UTF_8);
        JsonScanner d = new JsonScanner(distinct, distinct.length);
        assertThat(d.scanObject(0)).isEqualTo(distinct.length);
        assertThat(d.repeatedKey).isFalse();

        byte[] repeated = json.toString().replace("\"short\":0}", "\"prefix__257__suffix\":0}").getBytes(UTF_8);
        JsonScanner r = new JsonScanner(repeated, repeated.length);
        r.scanObject(0);
        assertThat(r.repeatedKey).isTrue();

        // the same scanner, reused for a small object next, starts afresh
        byte[] small = "{\"prefix__1__suffix\":1,\"b\":2}".getBytes(UTF_8);
        JsonScanner reused = new JsonScanner(small, small.length);
        reused.scanObject(0);
        assertThat(reused.repeatedKey).isFalse();
    }

    @Test
    void refuses_nesting_deeper_than_the_limit() {
        String deep = "{\"a\":" + "[".repeat(Json.MAX_NESTING_DEPTH) + "]".repeat(Json.MAX_NESTING_DEPTH) + "}";
        assertThatThrownBy(() -> scan(deep)).hasMessageContaining("nested");
    }

    /**
     * Issue 18: the scanner had no number or string limit (a 5,000-digit number passed it, then failed Jackson's
     * limit: 500). Both now apply {@link Json}'s limits, counted alike: at a limit both take the text, one past it
     * both refuse it.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("atAndPastTheLimits")
    void applies_the_json_limits_as_jackson_does(String label, String json, boolean valid) {
        byte[] b = json.getBytes(UTF_8);
        String ours = verdict(() -> new JsonScanner(b, b.length).scanObject(0)).startsWith("end") ? "valid" : "invalid";
        String theirs;
        try {
            Json.mapper().readTree(b);
            theirs = "valid";
        } catch (java.io.IOException | NumberFormatException e) {
            theirs = "invalid";
        }
        assertThat(List.of(ours, theirs)).as(label).containsOnly(valid ? "valid" : "invalid");
    }

    static java.util.stream.Stream<Arguments> atAndPastTheLimits() {
        int n = Json.MAX_NUMBER_LENGTH;
        int s = Json.MAX_STRING_LENGTH;
        List<Arguments> cases = new ArrayList<>();
        for (int past = 0; past <= 1; past++) {
            boolean valid = past == 0;
            String p = valid ? "at" : "past";
            int d = Json.MAX_NESTING_DEPTH - 1 + past;
            cases.addAll(List.of(
                    Arguments.of(p + " integer digits", "{\"n\":-" + "9".repeat(n + past) + "}", valid),
                    Arguments.of(p + " fraction digits", "{\"n\":-1." + "5".repeat(n - 1 + past) + "}", valid),
                    Arguments.of(p + " exponent digits", "{\"n\":1.5E-" + "0".repeat(n - 3 + past) + "7}", valid),
                    Arguments.of(p + " ASCII string", "{\"s\":\"" + "x".repeat(s + past) + "\"}", valid),
                    Arguments.of(p + " 2-byte string", "{\"s\":\"" + "\u00e9".repeat(s + past) + "\"}", valid),
                    Arguments.of(p + " escaped string", "{\"s\":\"" + "\\u0041".repeat(s + past) + "\"}", valid),
                    Arguments.of(p + " 4-byte string", "{\"s\":\"" + "\uD83D\uDE00".repeat(s / 2 + past) + "\"}",
                            valid),
                    Arguments.of(p + " ASCII name", "{\"" + "k".repeat(s + past) + "\":1}", valid),
                    Arguments.of(p + " 2-byte name", "{\"" + "\u00e9".repeat(s / 2 + past) + "\":1}", valid),
                    Arguments.of(p + " escaped name", "{\"" + "\\u00e9".repeat(s / 2 + past) + "\":1}", valid),
                    Arguments.of(p + " nested name", "{\"a\":{\"" + "k".repeat(s + past) + "\":1}}", valid),
                    Arguments.of(p + " negative exponent", "{\"n\":1.5e-" + (Integer.MAX_VALUE - 1L + past) + "}",
                            valid),
                    Arguments.of(p + " negative exponent, no fraction", "{\"n\":1e-" + (Integer.MAX_VALUE + (long) past)
                            + "}", valid),
                    Arguments.of(p + " positive exponent", "{\"n\":-0.0E+" + (Integer.MAX_VALUE + (long) past)
                            + "}", valid),
                    Arguments.of(p + " nesting", "{\"a\":" + "[".repeat(d) + "]".repeat(d) + "}", valid)));
        }
        return cases.stream();
    }

    /** Differential check against Jackson on valid objects mangled at random: same verdict, same end. */
    @Test
    void agrees_with_jackson_on_thousands_of_mangled_objects() throws Exception {
        Random r = new Random(7);
        String[] seeds = {
            "{\"ts\":\"2026-11-23T12:40:07.025Z\",\"level\":\"INFO\",\"n\":-12.5e3,\"ok\":true,\"x\":null,\"arr\":[1,{\"k\":\"v\"}]}",
            "{\"msg\":\"é \\\" \\\\ \\u00e9\",\"deep\":{\"a\":{\"b\":[0,1.0,2e-2]}}}",
            // long strings: the scanner steps over these eight bytes at a time
            "{\"ua\":\"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit\",\"trace_id\":\"ad3c2d6d1a3d1fa7bc8960a923b8c1e9\","
                + "\"msg\":\"upstream timeout, retrying after 250 ms \\t done\",\"é\":\"ünïcødé text of some length\"}",
        };
        byte[] alphabet = "{}[]\":,.-+eE0123456789 \\utrfnal\n".getBytes(UTF_8);
        List<String> disagreements = new ArrayList<>();
        for (int round = 0; round < 20_000; round++) {
            byte[] b = seeds[round % seeds.length].getBytes(UTF_8);
            int edits = 1 + r.nextInt(3);
            for (int k = 0; k < edits && b.length > 1; k++) {
                int at = 1 + r.nextInt(b.length - 1);
                switch (r.nextInt(3)) {
                    case 0 -> b[at] = alphabet[r.nextInt(alphabet.length)];
                    case 1 -> b = java.util.Arrays.copyOf(b, at);
                    default -> b[at] = (byte) r.nextInt(256);
                }
            }
            byte[] mangled = b;
            String ours = verdict(() -> new JsonScanner(mangled, mangled.length).scanObject(0));
            String theirs = jackson(mangled);
            // Jackson lets some invalid UTF-8 through (overlong forms, surrogates); refusing those is right
            boolean stricterOnUtf8 = ours.equals("invalid") && !validUtf8(mangled);
            if (!ours.equals(theirs) && !stricterOnUtf8) {
                disagreements.add(new String(mangled, UTF_8) + " ours=" + ours + " jackson=" + theirs);
            }
        }
        assertThat(disagreements).isEmpty();
    }

    private interface Scan {
        int run() throws Exception;
    }

    private static String verdict(Scan s) {
        try {
            return "end " + s.run();
        } catch (Exception e) {
            return "invalid";
        }
    }

    private static boolean validUtf8(byte[] b) {
        try {
            UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(b));
            return true;
        } catch (java.nio.charset.CharacterCodingException e) {
            return false;
        }
    }

    private static String jackson(byte[] b) {
        try (JsonParser p = Json.mapper().getFactory().createParser(b)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return "invalid";
            }
            p.skipChildren();
            return "end " + p.currentLocation().getByteOffset();
        } catch (Exception e) {
            return "invalid";
        }
    }
}
