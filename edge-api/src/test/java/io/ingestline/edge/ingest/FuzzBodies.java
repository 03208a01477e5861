package io.ingestline.edge.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.util.JsonParserDelegate;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ingestline.model.BatchContext;
import io.ingestline.model.BatchTarget;
import io.ingestline.model.Dialect;
import io.ingestline.model.EventTime;
import io.ingestline.model.Json;
import io.ingestline.model.RawBatch;
import io.ingestline.model.RawBatchBuilder;
import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the body-reader fuzz tests share: a reader run the way {@link Ingestor} runs it (the body through
 * {@link BodyDecoder} and its limit, events through an {@link EventWriter} into a {@link RawBatchBuilder}), with small
 * limits so that the fuzzer reaches them, and Jackson ({@link Json#mapper()}'s constraints) as the reference for what
 * is valid JSON.
 */
final class FuzzBodies {
    static final int MAX_EVENT_BYTES = 256;
    static final int MAX_RECORD_BYTES = 1024;
    static final long MAX_BODY_BYTES = 16 * 1024;
    /** The streaming readers' first buffer: small, so that its growth and its limit are reached by small inputs. */
    static final int FIRST_BUFFER = 64;
    /** The most a streaming reader may buffer: two events at the limit and their line breaks, or its first buffer. */
    static final int MAX_BUFFER = Math.max(FIRST_BUFFER, 2 * MAX_EVENT_BYTES + 2);

    static final ObjectMapper JACKSON = Json.mapper();
    /** Reads one value where a parser is, whatever follows it (an array's next element). */
    static final ObjectReader TREE = JACKSON.reader().without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private static final BatchContext CONTEXT = new BatchContext(Dialect.values()[0], new BatchTarget.Dataset("fuzz"),
            "token", null, Instant.EPOCH);

    private FuzzBodies() {
    }

    /** A reader as {@link Ingestor} calls it. */
    interface Reader {
        void read(InputStream body, EventWriter events) throws IOException;
    }

    /**
     * What a reader made of a body.
     *
     * @param refused  the body-level refusal (BadBodyException, BodyTooLargeException), or null
     * @param events   the events stored, in order, as parsed back from the payloads
     * @param failures the refused events, by index
     * @param lines    the line each refused event was on (0 for none), by index
     */
    record Outcome(RuntimeException refused, List<JsonNode> events, Map<Integer, String> failures,
            Map<Integer, Integer> lines) {
    }

    /**
     * Runs a reader on a body. Fails on any exception but the documented client errors, on a read buffer larger than
     * {@code maxBuffer}, and on a payload that is not lines of JSON objects within the event and record limits.
     */
    static Outcome read(byte[] body, EventOptions options, int maxBuffer, Reader reader) {
        RawBatchBuilder builder = new RawBatchBuilder(MAX_RECORD_BYTES);
        EventWriter events = new EventWriter(builder, options);
        Recording in = new Recording(BodyDecoder.decode(new ByteArrayInputStream(body), null, MAX_BODY_BYTES));
        try {
            reader.read(in, events);
        } catch (BadBodyException | BodyTooLargeException refused) {
            return new Outcome(refused, List.of(), Map.of(), Map.of());
        } catch (IOException e) {
            throw new AssertionError("a body's content gave an IOException (an error of the server's)", e);
        }
        assertThat(in.largestBuffer).as("bytes a reader buffers").isLessThanOrEqualTo(maxBuffer);
        List<JsonNode> stored = new ArrayList<>();
        for (RawBatch batch : builder.build(CONTEXT)) {
            assertThat(batch.payload().length).as("payload bytes").isLessThanOrEqualTo(MAX_RECORD_BYTES);
            int start = 0;
            for (int i = 0; i < batch.payload().length; i++) {
                if (batch.payload()[i] == '\n') {
                    // the event limit is on the event as sent; as stored (a text line wrapped and escaped, labels
                    // added) it must fit a record, with its line break
                    assertThat(i - start).as("event bytes").isLessThan(MAX_RECORD_BYTES);
                    stored.add(objectOf(batch.payload(), start, i - start));
                    start = i + 1;
                }
            }
            assertThat(start).as("payload ends with a line break").isEqualTo(batch.payload().length);
        }
        Map<Integer, String> failures = new LinkedHashMap<>();
        Map<Integer, Integer> lines = new LinkedHashMap<>();
        events.failures().forEach(f -> {
            failures.put(f.index(), f.error());
            lines.put(f.index(), f.line());
        });
        return new Outcome(null, stored, failures, lines);
    }

    /** A stored event: one JSON object Jackson reads. */
    private static JsonNode objectOf(byte[] b, int start, int len) {
        try {
            JsonNode n = JACKSON.readTree(b, start, len);
            assertThat(n.isObject()).as("a stored event is an object").isTrue();
            return n;
        } catch (IOException e) {
            throw new AssertionError("a stored event is not JSON Jackson reads: "
                    + new String(b, start, len, StandardCharsets.UTF_8), e);
        }
    }

    /**
     * A parser with {@link Json#mapper()}'s constraints, but {@code extraDepth} more levels (an enclosing array), on
     * text: Jackson on bytes would guess UTF-16 or UTF-32 from zero bytes, and lets overlong UTF-8 forms and
     * surrogates by, where the edge reads UTF-8 strictly (as RFC 8259 asks).
     */
    static JsonParser parser(String text, int extraDepth) throws IOException {
        StreamReadConstraints shared = JACKSON.getFactory().streamReadConstraints();
        JsonFactory f = JACKSON.getFactory().copy();
        f.setStreamReadConstraints(shared.rebuild().maxNestingDepth(shared.getMaxNestingDepth() + extraDepth).build());
        JsonParser p = new AsBytes(f.createParser(text));
        p.setCodec(JACKSON);
        return p;
    }

    /**
     * Jackson's text parser with the one refusal of its byte parser (which the edge rewrites events with) that it
     * lacks: an unpaired surrogate escape in a field name. JSON's grammar takes it; the byte parser does not.
     */
    private static final class AsBytes extends JsonParserDelegate {
        AsBytes(JsonParser p) {
            super(p);
        }

        @Override
        public JsonToken nextToken() throws IOException {
            return checked(super.nextToken());
        }

        @Override
        public JsonToken nextValue() throws IOException {
            return checked(super.nextValue());
        }

        @Override
        public String nextFieldName() throws IOException {
            String name = super.nextFieldName();
            checked(currentToken());
            return name;
        }

        @Override
        public boolean nextFieldName(SerializableString str) throws IOException {
            boolean same = super.nextFieldName(str);
            checked(currentToken());
            return same;
        }

        private JsonToken checked(JsonToken t) throws IOException {
            if (t == JsonToken.FIELD_NAME) {
                String name = currentName();
                for (int i = 0; i < name.length(); i++) {
                    char c = name.charAt(i);
                    if (Character.isLowSurrogate(c) || Character.isHighSurrogate(c)
                            && (++i == name.length() || !Character.isLowSurrogate(name.charAt(i)))) {
                        throw new JsonParseException(this, "unpaired surrogate in a field name");
                    }
                }
            }
            return t;
        }
    }

    /**
     * The bytes up to the first that is not UTF-8 (strictly: no overlong forms, no surrogates), as text.
     *
     * @return the text, and whether bytes were left out
     */
    static Map.Entry<String, Boolean> utf8Prefix(byte[] b, int start, int len) {
        ByteBuffer in = ByteBuffer.wrap(b, start, len);
        CharBuffer out = CharBuffer.allocate(len);
        CharsetDecoder d = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        boolean cut = d.decode(in, out, true).isError();
        if (!cut) {
            cut = d.flush(out).isError();
        }
        return Map.entry(out.flip().toString(), cut);
    }

    /**
     * The value at the parser's current token, as an event is read: an object's top-level keys keep their first value
     * (Jackson's tree keeps the last); deeper, Jackson's tree as is.
     */
    static JsonNode value(JsonParser p) throws IOException {
        if (p.currentToken() != JsonToken.START_OBJECT) {
            return TREE.readTree(p);
        }
        ObjectNode o = JACKSON.createObjectNode();
        for (JsonToken t = p.nextToken(); t == JsonToken.FIELD_NAME; t = p.nextToken()) {
            String name = p.currentName();
            p.nextToken();
            JsonNode v = TREE.readTree(p);
            if (!o.has(name)) {
                o.set(name, v);
            }
        }
        return o;
    }

    /**
     * Checks that a stored event is the object the body held: equal but for {@code _time}, which must stand for the
     * same instant (or, null in the body, be left out or null).
     */
    static void assertSameEvent(JsonNode stored, JsonNode expected) {
        ObjectNode s = ((ObjectNode) stored).deepCopy();
        ObjectNode e = ((ObjectNode) expected).deepCopy();
        JsonNode storedTime = s.remove(EventOptions.TIME);
        JsonNode time = e.remove(EventOptions.TIME);
        assertThat(s).as("stored event").isEqualTo(e);
        if (time == null || time.isNull()) {
            assertThat(storedTime == null || storedTime.isNull()).as("no time stored for none given").isTrue();
        } else {
            assertThat(EventTime.parse(storedTime)).as("stored time").isEqualTo(EventTime.parse(time));
        }
    }

    /** Whether a refused event's reason is one an object can be refused for (its time, its size). */
    static boolean isEventRefusal(String error) {
        return error.startsWith("invalid time") || error.startsWith("event of ") || error.startsWith("event is over");
    }

    /** Whether an event's reason is its size as written (a text line's escapes may take it over the limit). */
    static boolean isSizeRefusal(String error) {
        return error.startsWith("event of ") || error.startsWith("event is over");
    }

    /** The bytes as one JSON value with nothing after it, as Jackson reads them (strict UTF-8); null if not. */
    static JsonNode jacksonValue(byte[] b, int start, int len) {
        Map.Entry<String, Boolean> text = utf8Prefix(b, start, len);
        if (text.getValue()) {
            return null;
        }
        try (JsonParser p = parser(text.getKey(), 0)) {
            if (p.nextToken() == null) {
                return null;
            }
            JsonNode n = value(p);
            return p.nextToken() == null ? n : null;
        } catch (JacksonException | NumberFormatException invalid) {
            return null; // Jackson reads no BigDecimal with an exponent beyond an int
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** The bytes as one object, its top-level keys keeping their first value, as an event is read. */
    static JsonNode jacksonObjectFirstWins(byte[] b) {
        try (JsonParser p = parser(utf8Prefix(b, 0, b.length).getKey(), 0)) {
            p.nextToken();
            return value(p);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** The body's lines, split at {@code \n}, a {@code \r} ending a line dropped, as NDJSON and Loggly bulk split them. */
    static List<byte[]> lines(byte[] body) {
        List<byte[]> lines = new ArrayList<>();
        int start = 0;
        for (int i = 0; i <= body.length; i++) {
            if (i == body.length || body[i] == '\n') {
                if (i == body.length && start == i && i > 0) {
                    break; // a line end ends the body: no line after it
                }
                int end = i > start && body[i - 1] == '\r' ? i - 1 : i;
                lines.add(Arrays.copyOfRange(body, start, end));
                start = i + 1;
            }
        }
        return lines;
    }

    /** The line without JSON's white space around it. */
    static byte[] trim(byte[] line) {
        int s = 0;
        int e = line.length;
        while (s < e && isSpace(line[s])) {
            s++;
        }
        while (e > s && isSpace(line[e - 1])) {
            e--;
        }
        return Arrays.copyOfRange(line, s, e);
    }

    private static boolean isSpace(byte c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r';
    }

    /** A body in an assertion's message: its first bytes, as Java would write them in a string. */
    static String show(byte[] body) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < Math.min(body.length, 300); i++) {
            int c = body[i] & 0xff;
            b.append(c >= 0x20 && c < 0x7f && c != '\\' ? String.valueOf((char) c) : String.format("\\x%02x", c));
        }
        return b.append(body.length > 300 ? "..." : "").toString();
    }

    /** Notes the largest buffer a reader reads into. */
    private static final class Recording extends FilterInputStream {
        int largestBuffer;

        Recording(InputStream in) {
            super(in);
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            largestBuffer = Math.max(largestBuffer, b.length);
            return super.read(b, off, len);
        }
    }
}
