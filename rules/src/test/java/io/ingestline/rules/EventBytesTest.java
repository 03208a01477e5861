package io.ingestline.rules;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ingestline.model.Json;
import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The bytes route ({@link EventBytes}) against the token route ({@link EventTokens#read}): it takes every event
 * written in the form it is for, with the token route's result byte for byte, and declines each thing Jackson would
 * write otherwise. (That the passes give the tree path's results with both routes: {@link PassThroughTest},
 * {@link RulePassTest} and their fuzz tests.)
 */
class EventBytesTest {
    private static final JsonNodeFactory NODES = Json.mapper().getNodeFactory();
    private static final Set<String> DECLARED = Set.of("status", "level", "attrs");
    private static final String[] NAMES = {"_time", "_id", "status", "level", "attrs", "msg", "n", "é名", "a b",
        "x\u007f", "", "long".repeat(20)};
    /** Characters Jackson writes as they are or with its own escapes: ASCII, controls, quotes, BMP text. */
    private static final String CHARS = "ab z09\"\\/\u0000\u0001\b\t\n\u000b\f\r\u001f\u007f\u0080é€日\u2028\uffff";

    @Test
    void takes_what_jackson_writes_and_gives_the_token_routes_result() throws Exception {
        long seed = Long.getLong("eventbytes.seed", System.nanoTime());
        System.out.println("EventBytesTest seed: " + seed + " (-Deventbytes.seed=" + seed + " replays it)");
        Random r = new Random(seed);
        for (int round = 0; round < 3_000; round++) {
            ObjectNode event = NODES.objectNode();
            int fields = r.nextInt(12);
            for (int i = 0; i < fields; i++) {
                String name = r.nextInt(3) == 0 ? NAMES[r.nextInt(NAMES.length)] : "f" + r.nextInt(200);
                event.set(name, name.equals("_time") && r.nextBoolean() ? NODES.textNode("2026-12-05T01:02:03Z")
                        : value(r, 0));
            }
            byte[] text = r.nextBoolean() ? Json.mapper().writeValueAsBytes(event)
                    : Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(event);
            FieldNames roles = new FieldNames(r.nextBoolean() ? DECLARED : Set.of(), Set.of());
            // the event inside a larger buffer, as in a batch: nothing before or after it may count
            byte[] batch = new byte[text.length + 8];
            int off = r.nextInt(5);
            System.arraycopy(text, 0, batch, off, text.length);
            for (int i = off + text.length; i < batch.length; i++) {
                batch[i] = (byte) "\"}x]1 ".charAt(r.nextInt(6));
            }
            Route tokens = tokenRoute(roles, text);
            Route bytes = bytesRoute(roles, batch, off, text.length);
            String what = "seed " + seed + " round " + round + ": " + new String(text, UTF_8);
            assertThat(bytes).as(what).isNotNull().isEqualTo(tokens); // nodes compared by type too (IntNode, LongNode)
        }
    }

    @Test
    void declines_what_jackson_would_write_otherwise_or_refuse() throws Exception {
        String[] values = {"\"\\/\"", "\"\\u00e9\"", "\"\\u0041\"", "\"\\u001f\"", "\"\\u0008\"", "\"\\u000A\"",
            "\"\\uD83D\\uDE00\"", "\"\\x\"", "\"😀\"", "1e2", "1E2", "1.5e3", "-0", "-0.0", "0.0000001", "0.0000000",
            "01", "1.", "+1", ".5", "-", "1234567890123456789", "{\"a\":1,\"a\":2}", "[{\"b\":1,\"b\":1}]",
            "\"tab\there\"", "tru", "nul", "fals", "falsy", "truex", "\"open", "[1,]", "{\"a\"}", "{\"a\":1,}",
            "[".repeat(EventBytes.MAX_DEPTH) + "]".repeat(EventBytes.MAX_DEPTH), "NaN", "'x'"};
        FieldNames roles = new FieldNames(Set.of(), Set.of());
        for (String v : values) {
            assertThat(bytesRoute(roles, ("{\"a\":" + v + "}").getBytes(UTF_8))).as(v).isNull();
        }
        byte[][] texts = {{'{', '"', 'a', '"', ':', '"', (byte) 0xc0, (byte) 0x80, '"', '}'}, // overlong
            {'{', '"', 'a', '"', ':', '"', (byte) 0xed, (byte) 0xa0, (byte) 0x80, '"', '}'}, // a surrogate
            {'{', '"', 'a', '"', ':', '"', (byte) 0xe2, (byte) 0x28, (byte) 0xa1, '"', '}'}, // a bad continuation
            {'{', '"', 'a', '"', ':', '"', (byte) 0xe2, (byte) 0x82, '"', '}'}, // cut short
            {'{', '"', (byte) 0xff, '"', ':', '1', '}'}, // a name that is not UTF-8
            "{\"a\":1} x".getBytes(UTF_8), "{\"a\":1,\"a\":1}".getBytes(UTF_8), "[1]".getBytes(UTF_8),
            "{\"a\\n\":1}".getBytes(UTF_8), "{\"a\":1".getBytes(UTF_8), "".getBytes(UTF_8)};
        for (byte[] t : texts) {
            assertThat(bytesRoute(roles, t)).as(new String(t, UTF_8)).isNull();
        }
        // top-level names without a bit (the table's 64 bits handed out): given twice, and more than it compares
        FieldNames full = new FieldNames(Set.of(), Set.of());
        StringBuilder top = new StringBuilder("{");
        for (int i = 0; i < 64; i++) {
            top.append("\"b").append(i).append("\":1,");
        }
        assertThat(bytesRoute(full, (top + "\"x\":1}").getBytes(UTF_8))).isNotNull();
        assertThat(bytesRoute(full, (top + "\"x\":1,\"y\":2,\"x\":3}").getBytes(UTF_8))).isNull();
        String longName = "n".repeat(70);
        assertThat(bytesRoute(full, ("{\"" + longName + "\":1,\"" + longName + "\":2}").getBytes(UTF_8))).isNull();
        for (int i = 0; i < EventBytes.MAX_KEYS; i++) {
            top.append("\"c").append(i).append("\":1,");
        }
        assertThat(bytesRoute(full, (top + "\"y\":1}").getBytes(UTF_8))).isNull();
        assertThat(tokenRoute(full, (top + "\"y\":1}").getBytes(UTF_8)).fields()).isEqualTo(129);

        StringBuilder many = new StringBuilder("{\"o\":{");
        for (int i = 0; i <= EventBytes.MAX_KEYS; i++) {
            many.append(i == 0 ? "" : ",").append("\"k").append(i).append("\":").append(i);
        }
        assertThat(bytesRoute(roles, many.append("}}").toString().getBytes(UTF_8))).isNull();
        // and just inside each bound, taken: copied, as a declared column and as the time (nodes of each type)
        String deep = "[".repeat(EventBytes.MAX_DEPTH - 1) + "]".repeat(EventBytes.MAX_DEPTH - 1);
        for (String v : new String[] {"0.000001", "0.0000012", "0.000000", "123456789012345678", "-0.5", deep,
            "\"\\u001F\\u0000\\b\\t\\n\\f\\r\\\"\\\\\"", "\"\uffff\u2028\"", "false", "null", "[]", "{}",
            "2147483647", "2147483648", "-2147483648", "-2147483649", "-999999999999999999", "1764900000",
            "1764900000.25", "\"2026-12-05T01:02:03Z\"", "\"2026-12-05T01:02:03\\u001FZ\"", "{\"t\":[1,2.50]}"}) {
            for (FieldNames declared : new FieldNames[] {roles, new FieldNames(Set.of("a"), Set.of())}) {
                for (String name : new String[] {"a", "_time"}) {
                    byte[] text = ("{\"" + name + "\":" + v + ",\"z\":0}").getBytes(UTF_8);
                    assertThat(bytesRoute(declared, text)).as(v).isNotNull().isEqualTo(tokenRoute(declared, text));
                }
            }
        }
    }

    private static JsonNode value(Random r, int depth) {
        int kind = r.nextInt(depth > 3 ? 6 : 8);
        return switch (kind) {
            case 0 -> NODES.textNode(text(r));
            case 1 -> NODES.numberNode(r.nextInt(3) == 0 ? r.nextInt() : r.nextInt(1000) - 500);
            case 2 -> NODES.numberNode(r.nextLong() % 1_000_000_000_000_000_000L);
            case 3 -> NODES.numberNode(new BigDecimal(BigInteger.valueOf(r.nextInt(2_000_000) - 1_000_000),
                    r.nextInt(6)).add(BigDecimal.valueOf(r.nextInt(3) - 1))); // plain: adjusted exponent >= -6
            case 4 -> r.nextBoolean() ? NODES.booleanNode(r.nextBoolean()) : NODES.nullNode();
            case 5 -> NODES.textNode("");
            case 6 -> {
                ArrayNode a = NODES.arrayNode();
                for (int i = r.nextInt(4); i > 0; i--) {
                    a.add(value(r, depth + 1));
                }
                yield a;
            }
            default -> {
                ObjectNode o = NODES.objectNode();
                for (int i = r.nextInt(4); i > 0; i--) {
                    o.set(NAMES[r.nextInt(NAMES.length)], value(r, depth + 1));
                }
                yield o;
            }
        };
    }

    private static String text(Random r) {
        StringBuilder b = new StringBuilder();
        for (int i = r.nextInt(12); i > 0; i--) {
            b.append(CHARS.charAt(r.nextInt(CHARS.length())));
        }
        return b.toString();
    }

    /** What a route read: its facts, the copied fields' bytes, and the body. */
    private record Route(int fields, String badName, JsonNode time, ObjectNode columns, List<String> names,
            List<String> copied, String body) {
    }

    private static Route bytesRoute(FieldNames roles, byte[] text) {
        return bytesRoute(roles, text, 0, text.length);
    }

    private static Route bytesRoute(FieldNames roles, byte[] buf, int off, int len) {
        EventTokens event = new EventTokens(roles, true);
        EventTokens.Bounded body = new EventTokens.Bounded(16, 1 << 20);
        if (!EventBytes.get().read(event, roles, true, buf, off, len, body)) {
            return null;
        }
        body.write('}');
        return route(event, body);
    }

    private static Route tokenRoute(FieldNames roles, byte[] text) throws Exception {
        EventTokens event = new EventTokens(roles, true);
        EventTokens.Bounded body = new EventTokens.Bounded(16, 1 << 20);
        try (JsonParser p = EventTokens.FACTORY.createParser(text); JsonGenerator g =
                EventTokens.FACTORY.createGenerator(body)) {
            assertThat(p.nextToken()).isEqualTo(JsonToken.START_OBJECT);
            g.writeStartObject();
            assertThat(event.read(p, g, body)).isTrue();
            g.writeEndObject();
        }
        return route(event, body);
    }

    private static Route route(EventTokens event, EventTokens.Bounded body) {
        List<String> names = new ArrayList<>();
        List<String> copied = new ArrayList<>();
        for (int i = 0; i < event.copied; i++) {
            names.add(event.names[i]);
            int start = body.buf[event.starts[i]] == ',' ? event.starts[i] + 1 : event.starts[i];
            copied.add(new String(body.buf, start, event.ends[i] - start, UTF_8));
        }
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        all.write(body.buf, 0, body.count);
        return new Route(event.fields, event.badName, event.time, event.columns, names, copied,
                all.toString(UTF_8));
    }
}
