package io.ingestline.rules;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ingestline.model.EventEnvelope;
import io.ingestline.model.EventTime;
import io.ingestline.model.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;

/**
 * One streaming pass over an event's top-level fields, shared by {@link PassThrough} and {@link RulePass}: the
 * fields' names checked and counted (each top-level name's role and checks worked out once per pass, not per event:
 * {@link FieldNames}), {@code _time} and the declared columns read as the tree path reads them (small
 * trees), every other field's tokens copied to a generator as the tree path would read them into a node and write
 * that node back, and where each copied field's bytes lie. A name given twice in one object at any depth, and
 * anything the parser refuses, throw: the caller leaves such events to the tree path.
 */
final class EventTokens {
    static final JsonFactory FACTORY = Json.mapper().getFactory();
    /** Reads a value as the tree path does (a sub-tree: no trailing-token check). */
    private static final byte[] TIME_FIELD = "{\"_time\":\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] ID_FIELD = "\",\"_id\":\"".getBytes(StandardCharsets.US_ASCII);

    /** Top-level fields so far. */
    int fields;
    /** The first field name that fails {@link EventChecks#fieldName}; null when none does. */
    String badName;
    /** The event's {@code _time}, null when absent or null. */
    JsonNode time;
    /**
     * The declared columns the event has, as the tree path reads them (null values too); null when there are none
     * to read and no ranges to note (a pass-through).
     */
    final ObjectNode columns;
    /**
     * The copied fields, in event order, whether a transformation's row may replace each
     * ({@link FieldNames.Name#output}), and where each lies in the body (its name, colon and value).
     */
    String[] names = new String[16];
    boolean[] outputs = new boolean[16];
    int[] starts = new int[16];
    int[] ends = new int[16];
    int copied;

    private final FieldNames roles;
    private final boolean ranges;

    /**
     * @param roles  the top-level names' roles, with the declared columns, read into {@link #columns} rather than
     *               copied (none: a pass-through)
     * @param ranges whether to note where each copied field lies (for a value that leaves some out)
     */
    EventTokens(FieldNames roles, boolean ranges) {
        this.roles = roles;
        this.ranges = ranges;
        this.columns = roles.declared() == 0 && !ranges ? null
                : new ObjectNode(JsonNodeFactory.instance, new LinkedHashMap<>(roles.declared() * 2));
    }

    /**
     * Reads the object's fields from {@code p} (at its {@code START_OBJECT}) into {@code g} (inside an object of its
     * own, whose fields it writes), {@code body} being where {@code g} writes to. True when the text holds this one
     * object and nothing after it; false for trailing tokens (the tree path's error message).
     */
    boolean read(JsonParser p, JsonGenerator g, Bounded body) throws IOException {
        long seenBits = 0; // the names with a bit (FieldNames); the others in a set, made when one comes
        Names seen = null;
        for (JsonToken t = p.nextToken(); t == JsonToken.FIELD_NAME; t = p.nextToken()) {
            FieldNames.Name known = roles.of(p.currentName());
            String name = known.name;
            if (known.bit != 0) {
                if ((seenBits & known.bit) != 0) {
                    throw Duplicate.INSTANCE;
                }
                seenBits |= known.bit;
            } else {
                if (seen == null) {
                    seen = new Names();
                }
                seen.add(name);
            }
            fields++;
            if (badName == null) {
                badName = known.problem;
            }
            JsonToken v = p.nextToken();
            switch (known.role) {
                case FieldNames.TIME -> time = v == JsonToken.VALUE_NULL ? null : Json.node(p, v);
                // read as the tree path reads it, for the same errors, but not written
                case FieldNames.ID -> copy(p, null, v);
                case FieldNames.DECLARED -> columns.set(name, Json.node(p, v));
                default -> {
                    if (ranges) {
                        int start = position(g, body);
                        g.writeFieldName(name);
                        copy(p, g, v);
                        note(known, start, position(g, body));
                    } else {
                        g.writeFieldName(name);
                        copy(p, g, v);
                    }
                }
            }
        }
        return p.nextToken() == null;
    }

    /**
     * The first problem {@link CompiledTarget#apply}'s checks find in the fields read, in its order (size, count,
     * names); null when none.
     */
    String problem(int len, EventChecks.Limits limits) {
        String problem = EventChecks.size(len, limits);
        if (problem == null) {
            problem = EventChecks.fieldCount(fields, limits);
        }
        return problem != null ? problem : badName;
    }

    /** Where the next byte {@code g} writes lands in {@code body}. */
    static int position(JsonGenerator g, Bounded body) {
        return body.count + g.getOutputBuffered();
    }

    void note(FieldNames.Name name, int start, int end) {
        if (copied == names.length) {
            names = Arrays.copyOf(names, copied * 2);
            outputs = Arrays.copyOf(outputs, copied * 2);
            starts = Arrays.copyOf(starts, copied * 2);
            ends = Arrays.copyOf(ends, copied * 2);
        }
        names[copied] = name.name;
        outputs[copied] = name.output;
        starts[copied] = start;
        ends[copied] = end;
        copied++;
    }

    /**
     * Copies the value at the current token {@code t} to {@code g} (or only reads it when {@code g} is null) as the
     * tree path would read it into a node and write that node back.
     */
    static void copy(JsonParser p, JsonGenerator g, JsonToken t) throws IOException {
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
     * Whether {@code id} is written as it is (printable ASCII without quotes or backslashes): else the event is left
     * to the tree path, whose generator escapes it (ids are made by the edge and never need it).
     */
    static boolean plainId(String id) {
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (c < 0x20 || c > 0x7e || c == '"' || c == '\\') {
                return false;
            }
        }
        return true;
    }

    /** The length of {@code {"_time":"<time>","_id":"<id>"}} without its closing brace. */
    static int headLength(String time, String id) {
        return TIME_FIELD.length + time.length() + ID_FIELD.length + id.length() + 1;
    }

    /** Writes {@code {"_time":"<time>","_id":"<id>"} without its closing brace to {@code out}; the next index. */
    static int head(byte[] out, String time, String id) {
        int at = put(out, 0, TIME_FIELD);
        at = ascii(out, at, time);
        at = put(out, at, ID_FIELD);
        at = ascii(out, at, id);
        out[at++] = '"';
        return at;
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

    /** Bytes written; past {@code max} it drops the rest and says so ({@code full}), the parse going on. */
    static final class Bounded extends OutputStream {
        private int max;
        byte[] buf;
        int count;
        boolean full;

        Bounded(int initial, int max) {
            this.buf = new byte[Math.max(initial, 16)];
            this.max = max;
        }

        @Override
        public void write(int b) {
            if (room(1)) {
                buf[count++] = (byte) b;
            }
        }

        @Override
        public void write(byte[] b, int off, int len) {
            if (room(len)) {
                System.arraycopy(b, off, buf, count, len);
                count += len;
            }
        }

        /** Whether {@code len} more bytes fit under the limit (growing the buffer for them); else it is full. */
        private boolean room(int len) {
            if (full || count + (long) len > max) {
                full = true;
                return false;
            }
            if (count + len > buf.length) {
                buf = Arrays.copyOf(buf, (int) Math.min(max, Math.max(count + len, 2L * buf.length)));
            }
            return true;
        }
    }

    /**
     * A thread's output for one event: a {@link Bounded} and a generator writing to it, made once and used again for
     * the thread's next event when this one's value was written whole ({@link #done}); after anything else (a
     * refusal, the tree path, an exception: the generator may be inside an object) it is dropped and the next event
     * makes its own. Making a generator and its buffer per event was about 7% of a pass in RulePassCpu's profile;
     * keeping them saved 2-3% of the pass's CPU there (three sittings, before and after in turn).
     */
    static final class Output {
        /** A buffer grown past this is not kept: one large event must not hold memory on its thread. */
        private static final int KEEP_BYTES = 64 * 1024;
        private static final ThreadLocal<Output> SPARE = new ThreadLocal<>();

        final Bounded body;
        final JsonGenerator g;

        private Output(Bounded body) throws IOException {
            this.body = body;
            this.g = FACTORY.createGenerator(body);
            this.g.setRootValueSeparator(null); // one root object after another, nothing between
        }

        /** This thread's spare output, or a new one, empty, taking at most {@code max} bytes. */
        static Output take(int initial, int max) throws IOException {
            Output o = SPARE.get();
            if (o == null) {
                return new Output(new Bounded(initial, max));
            }
            SPARE.set(null);
            o.body.count = 0;
            o.body.full = false;
            o.body.max = max;
            return o;
        }

        /** Gives it back for the thread's next event: its value was written whole and flushed, and is read. */
        void done() {
            if (body.buf.length <= KEEP_BYTES && g.getOutputBuffered() == 0) {
                SPARE.set(this);
            }
        }
    }
}
