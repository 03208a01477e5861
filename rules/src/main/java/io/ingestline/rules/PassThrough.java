package io.ingestline.rules;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.TextNode;
import io.ingestline.model.EventEnvelope;
import io.ingestline.model.EventEnvelopeSerde;
import io.ingestline.model.EventTime;
import io.ingestline.model.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;

/**
 * The events of a dataset without a rule ({@link CompiledTarget#passThrough()}) in one streaming pass: the event's
 * JSON tokens are checked and copied straight into its envelope's value, without the tree that {@link
 * CompiledTarget#apply} and {@link EventEnvelopeSerde#value} go through. Its result is the tree path's, byte for byte:
 * the same value ({@code _time} formatted by {@link EventTime#format} first, then {@code _id}, then the event's
 * fields in order, its own {@code _time} and {@code _id} left out; numbers written from the values Jackson's tree
 * holds for them, {@link Json#mapper()} reading floats as {@code BigDecimal}), the same time, the same
 * {@link Outcome.Failed} for an event that fails the checks.
 *
 * <p>What it cannot give as the tree path would, it leaves to the tree path ({@link TreePath}): text that is not
 * one JSON object (the tree path's parse error is the message to keep), a name given twice in one object at any depth
 * (Jackson's tree keeps the last value at the first one's place, its count of fields counts it once; within a
 * {@code _time}, which is read as a tree, it changes nothing: such a {@code _time} is no time either way), a value
 * over the write limit, and anything else that throws. These are rare, so the tree path's second parse costs little
 * overall.
 */
public final class PassThrough {
    private static final JsonFactory FACTORY = Json.mapper().getFactory();
    /** Reads a {@code _time} that is not a string as the tree path does (a sub-tree: no trailing-token check). */
    private static final ObjectReader VALUE = Json.mapper().reader()
            .without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private static final byte[] TIME_FIELD = "{\"_time\":\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] ID_FIELD = "\",\"_id\":\"".getBytes(StandardCharsets.US_ASCII);

    /** What one event became. */
    public sealed interface Result permits Written, Refused, TreePath {
    }

    /**
     * The envelope's value, as {@link EventEnvelopeSerde#value} writes it.
     *
     * @param time the event's {@code _time}, or the receive time when it has none
     */
    public record Written(byte[] value, Instant time) implements Result {
    }

    /** The event failed the checks: the outcome {@link CompiledTarget#apply} gives it. */
    public record Refused(Outcome.Failed failure) implements Result {
    }

    /** Not decided here: the event takes the tree path, which gives its outcome (a parse error among them). */
    public enum TreePath implements Result {
        INSTANCE
    }

    private final String dataset;
    private final EventChecks.Limits limits;

    PassThrough(String dataset, EventChecks.Limits limits) {
        this.dataset = dataset;
        this.limits = limits;
    }

    /** The dataset the events go to. */
    public String dataset() {
        return dataset;
    }

    /**
     * One event (the JSON text in {@code buf}) checked and written as its envelope's value. Never throws.
     *
     * @param id         the event's id, written as {@code _id}
     * @param receivedAt its time when it has no {@code _time} (or a null one)
     * @param maxBytes   the most bytes the value may have: a longer one is left to the tree path (whose
     *                   {@link EventEnvelopeSerde#value(EventEnvelope, int)} gives null for it)
     */
    public Result write(byte[] buf, int off, int len, String id, Instant receivedAt, int maxBytes) {
        try (JsonParser p = FACTORY.createParser(buf, off, len)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return TreePath.INSTANCE;
            }
            Bounded body = new Bounded(Math.min(len + 64, maxBytes), maxBytes);
            int fields = 0;
            String badName = null;
            JsonNode time = null;
            try (JsonGenerator g = FACTORY.createGenerator(body)) {
                g.writeStartObject();
                Names names = new Names();
                for (JsonToken t = p.nextToken(); t == JsonToken.FIELD_NAME; t = p.nextToken()) {
                    String name = names.add(p.currentName());
                    fields++;
                    if (badName == null) {
                        badName = EventChecks.fieldName(name);
                    }
                    JsonToken v = p.nextToken();
                    if (name.equals(EventEnvelope.TIME)) {
                        time = v == JsonToken.VALUE_STRING ? TextNode.valueOf(p.getText())
                                : v == JsonToken.VALUE_NULL ? null : VALUE.readTree(p);
                    } else if (name.equals(EventEnvelope.ID)) {
                        copy(p, null, v); // read as the tree path reads it, for the same errors, but not written
                    } else {
                        g.writeFieldName(name);
                        copy(p, g, v);
                    }
                }
                g.writeEndObject();
            }
            if (p.nextToken() != null) {
                return TreePath.INSTANCE; // trailing tokens: the tree path's error message
            }
            String problem = EventChecks.size(len, limits);
            if (problem == null) {
                problem = EventChecks.fieldCount(fields, limits);
            }
            if (problem == null) {
                problem = badName;
            }
            if (problem != null) {
                return new Refused(new Outcome.Failed(Outcome.STAGE_VALIDATE, null, problem));
            }
            Instant at;
            try {
                at = EventChecks.time(time, EventEnvelope.TIME);
            } catch (IllegalArgumentException e) {
                return new Refused(new Outcome.Failed(Outcome.STAGE_VALIDATE, dataset, e.getMessage()));
            }
            if (at == null) {
                at = receivedAt;
            }
            byte[] value = body.full ? null : envelope(EventTime.format(at), id, body);
            return value == null || value.length > maxBytes ? TreePath.INSTANCE : new Written(value, at);
        } catch (IOException | RuntimeException e) {
            return TreePath.INSTANCE;
        }
    }

    /**
     * Copies the value at the current token {@code t} to {@code g} (or only reads it when {@code g} is null) as the
     * tree path would read it into a node and write that node back.
     */
    private static void copy(JsonParser p, JsonGenerator g, JsonToken t) throws IOException {
        switch (t) {
            case START_OBJECT -> {
                if (g != null) {
                    g.writeStartObject();
                }
                Names names = new Names();
                for (JsonToken n = p.nextToken(); n == JsonToken.FIELD_NAME; n = p.nextToken()) {
                    String name = names.add(p.currentName());
                    if (g != null) {
                        g.writeFieldName(name);
                    }
                    copy(p, g, p.nextToken());
                }
                if (g != null) {
                    g.writeEndObject();
                }
            }
            case START_ARRAY -> {
                if (g != null) {
                    g.writeStartArray();
                }
                for (JsonToken n = p.nextToken(); n != JsonToken.END_ARRAY; n = p.nextToken()) {
                    copy(p, g, n);
                }
                if (g != null) {
                    g.writeEndArray();
                }
            }
            case VALUE_STRING -> {
                char[] text = p.getTextCharacters(); // decoded even when not written: bad UTF-8 fails here
                if (g != null) {
                    g.writeString(text, p.getTextOffset(), p.getTextLength());
                }
            }
            case VALUE_NUMBER_INT -> {
                // IntNode, LongNode or BigIntegerNode, by the parser's number type (as Jackson's tree reader)
                switch (p.getNumberType()) {
                    case INT -> {
                        int n = p.getIntValue();
                        if (g != null) {
                            g.writeNumber(n);
                        }
                    }
                    case LONG -> {
                        long n = p.getLongValue();
                        if (g != null) {
                            g.writeNumber(n);
                        }
                    }
                    default -> {
                        var n = p.getBigIntegerValue();
                        if (g != null) {
                            g.writeNumber(n);
                        }
                    }
                }
            }
            case VALUE_NUMBER_FLOAT -> {
                // a DecimalNode: the mapper reads floats as BigDecimal and keeps their trailing zeros
                var n = p.getDecimalValue();
                if (g != null) {
                    g.writeNumber(n);
                }
            }
            case VALUE_TRUE, VALUE_FALSE -> {
                if (g != null) {
                    g.writeBoolean(t == JsonToken.VALUE_TRUE);
                }
            }
            case VALUE_NULL -> {
                if (g != null) {
                    g.writeNull();
                }
            }
            default -> throw new IOException("unexpected token " + t);
        }
    }

    /**
     * {@code {"_time":"<time>","_id":"<id>"}} followed by the fields in {@code body} (written as {@code {...}}); null
     * when the id needs escaping (left to the tree path, whose generator escapes it: ids are made by the edge and
     * never do).
     */
    private static byte[] envelope(String time, String id, Bounded body) {
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (c < 0x20 || c > 0x7e || c == '"' || c == '\\') {
                return null;
            }
        }
        int head = TIME_FIELD.length + time.length() + ID_FIELD.length + id.length() + 1;
        boolean empty = body.count == 2;
        byte[] out = new byte[head + (empty ? 1 : body.count)];
        int at = put(out, 0, TIME_FIELD);
        at = ascii(out, at, time);
        at = put(out, at, ID_FIELD);
        at = ascii(out, at, id);
        out[at++] = '"';
        if (empty) {
            out[at] = '}';
        } else {
            out[at++] = ',';
            System.arraycopy(body.buf, 1, out, at, body.count - 1);
        }
        return out;
    }

    private static int put(byte[] out, int at, byte[] bytes) {
        System.arraycopy(bytes, 0, out, at, bytes.length);
        return at + bytes.length;
    }

    /** {@code s}, printable ASCII without quotes or backslashes ({@link EventTime#format}'s and checked ids). */
    private static int ascii(byte[] out, int at, String s) {
        for (int i = 0; i < s.length(); i++) {
            out[at++] = (byte) s.charAt(i);
        }
        return at;
    }

    /**
     * The names of one object so far, to find a name given twice (the tree path keeps its last value at the first
     * one's place: left to it). Open addressing on the names' hash codes, which Jackson's canonical names have
     * computed already; cheaper than the parser's own duplicate detection, a set per object.
     */
    private static final class Names {
        private String[] table = new String[16];
        private int size;

        /** {@code name}; throws {@link Duplicate} when the object has it already. */
        String add(String name) throws Duplicate {
            if (2 * (size + 1) > table.length) {
                String[] old = table;
                table = new String[old.length * 2];
                size = 0;
                for (String s : old) {
                    if (s != null) {
                        add(s);
                    }
                }
            }
            int mask = table.length - 1;
            int h = name.hashCode();
            for (int i = (h ^ h >>> 16) & mask;; i = (i + 1) & mask) {
                String s = table[i];
                if (s == null) {
                    table[i] = name;
                    size++;
                    return name;
                }
                if (s.equals(name)) {
                    throw Duplicate.INSTANCE;
                }
            }
        }
    }

    /** A name given twice in one object: thrown to leave the event to the tree path (one instance, no stack). */
    private static final class Duplicate extends IOException {
        private static final long serialVersionUID = 1L;
        static final Duplicate INSTANCE = new Duplicate();

        private Duplicate() {
            super("duplicate name", null);
        }

        @Override
        public synchronized Throwable fillInStackTrace() {
            return this;
        }
    }

    /** The body's bytes; past {@code max} it drops the rest and says so ({@code full}), the parse going on. */
    private static final class Bounded extends OutputStream {
        private final int max;
        private byte[] buf;
        private int count;
        private boolean full;

        Bounded(int initial, int max) {
            this.buf = new byte[Math.max(initial, 16)];
            this.max = max;
        }

        @Override
        public void write(int b) {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            if (full || count + (long) len > max) {
                full = true;
                return;
            }
            if (count + len > buf.length) {
                buf = Arrays.copyOf(buf, (int) Math.min(max, Math.max(count + len, 2L * buf.length)));
            }
            System.arraycopy(b, off, buf, count, len);
            count += len;
        }
    }
}
