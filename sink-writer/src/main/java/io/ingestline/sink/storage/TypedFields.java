package io.ingestline.sink.storage;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import io.ingestline.model.Json;
import java.io.IOException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The values of an event's fields that fill typed columns, in one streaming pass over its top-level fields: a value
 * is built (as the node {@link Json#readTree} would make of it) only for a field a column takes, the others are
 * skipped. What it finds is what the event's whole tree gives ({@code tree.get(name)}): the last value of a name given
 * twice, and nothing at all (every column null) for an event that is not one JSON object {@link Json#readTree} reads,
 * its trailing text and every number it would convert included. A plain event (ASCII, no unusual escapes or numbers:
 * the benchmark's events) is read by {@link PlainFields}, a pass over its bytes that gives the same; any other by
 * Jackson's streaming parser. One instance per thread.
 */
final class TypedFields {
    /**
     * The shortest float text whose conversion to {@code BigDecimal} can fail (its exponent with 10 digits: a
     * scale beyond an {@code int}); the tree converts every float, so such a float anywhere makes the event unread.
     */
    private static final int RISKY_FLOAT_LENGTH = 12;

    private final List<TypedColumn> columns;
    private final Map<String, Integer> index = new HashMap<>();
    private final JsonNode[] values;
    private final PlainFields plain;
    /** Whether the last event read was plain ({@link PlainFields}). */
    private boolean wasPlain;

    TypedFields(List<TypedColumn> columns) {
        this.columns = List.copyOf(columns);
        for (int i = 0; i < this.columns.size(); i++) {
            index.put(this.columns.get(i).name(), i);
        }
        this.values = new JsonNode[this.columns.size()];
        this.plain = new PlainFields(this.columns);
    }

    List<TypedColumn> columns() {
        return columns;
    }

    /** Each column's value in the event (null where absent), in the columns' order; the array is reused. */
    JsonNode[] read(byte[] event) {
        return read(event, 0, event.length);
    }

    /**
     * As {@link #read(byte[])}, of the event {@code b[off, off + len)}: a plain event in {@link PlainFields}' one pass
     * over its bytes, any other through Jackson's parser ({@link #parsed}).
     */
    JsonNode[] read(byte[] b, int off, int len) {
        Arrays.fill(values, null);
        wasPlain = len <= Json.MAX_STRING_LENGTH && plain.read(b, off, len, values);
        return wasPlain ? values : parsed(b, off, len);
    }

    /**
     * Whether the last event {@link #read} was plain: then it holds nothing {@code jsonb} refuses, whatever the
     * database's encoding ({@link JsonbRisk} would not flag it).
     */
    boolean wasPlain() {
        return wasPlain;
    }

    /** As {@link #read(byte[], int, int)}, always through Jackson's parser. */
    JsonNode[] parsed(byte[] b, int off, int len) {
        Arrays.fill(values, null);
        if (len > Json.MAX_STRING_LENGTH) {
            // only here can a skipped string exceed the parser's limit, which the tree (decoding it) applies
            return fromTree(Arrays.copyOfRange(b, off, off + len));
        }
        try (JsonParser p = Json.mapper().createParser(b, off, len)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return values; // empty, or not an object: no field
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                Integer i = index.get(p.currentName());
                JsonToken t = p.nextToken();
                if (i != null) {
                    values[i] = Json.node(p, t);
                } else if (t.isStructStart()) {
                    skip(p);
                } else if (t == JsonToken.VALUE_NUMBER_FLOAT) {
                    convert(p);
                }
            }
            if (p.nextToken() != null) {
                Arrays.fill(values, null); // trailing text: the tree refuses the event
            }
        } catch (IOException | NumberFormatException e) {
            Arrays.fill(values, null); // the tree refuses it, and then no column has a value
        }
        return values;
    }

    /**
     * Skips the object or array the parser is at, as {@code skipChildren} does, but converting on the way the floats
     * whose conversion can fail (the tree converts them all).
     */
    private static void skip(JsonParser p) throws IOException {
        int depth = 1;
        while (depth > 0) {
            JsonToken t = p.nextToken();
            if (t.isStructStart()) {
                depth++;
            } else if (t.isStructEnd()) {
                depth--;
            } else if (t == JsonToken.VALUE_NUMBER_FLOAT) {
                convert(p);
            }
        }
    }

    /** Converts a float as the tree does when its conversion can fail (it then throws as the tree's would). */
    private static void convert(JsonParser p) throws IOException {
        if (p.getTextLength() >= RISKY_FLOAT_LENGTH) {
            p.getDecimalValue();
        }
    }

    private JsonNode[] fromTree(byte[] event) {
        try {
            JsonNode tree = Json.readTree(event);
            for (int i = 0; i < values.length && tree != null; i++) {
                values[i] = tree.get(columns.get(i).name());
            }
        } catch (IOException e) {
            Arrays.fill(values, null);
        }
        return values;
    }
}
