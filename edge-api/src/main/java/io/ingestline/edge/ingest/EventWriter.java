package io.ingestline.edge.ingest;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.ingestline.model.EventTime;
import io.ingestline.model.Json;
import io.ingestline.model.RawBatchBuilder;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns each event of one request into its canonical form, one compact JSON object, and adds it to the request's
 * raw batches: the time field becomes {@code _time} in RFC 3339 (UTC), labels are added, a repeated key keeps its
 * first value, numbers keep their exact text. An event that cannot be taken (bad time, too large) is recorded as a
 * failure and the others go on. Not thread-safe: one per request.
 */
public final class EventWriter {
    private static final JsonFactory FACTORY = Json.mapper().getFactory();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final RawBatchBuilder builder;
    private final EventOptions options;
    private final List<EventFailure> failures = new ArrayList<>();
    private final ByteArrayOutputStream buf = new ByteArrayOutputStream(1024);
    private final Set<String> seen = new HashSet<>();
    private String[] fieldNames = new String[32];
    private int index;

    public EventWriter(RawBatchBuilder builder, EventOptions options) {
        this.builder = builder;
        this.options = options;
    }

    /** The position the next event will have in the request. */
    public int nextIndex() {
        return index;
    }

    /**
     * Rewrites the object the parser is at ({@code START_OBJECT}) compactly, leaving the parser at its
     * {@code END_OBJECT}; with {@code wholeInput}, the object must also be all the parser holds, checked before the
     * event is taken.
     *
     * @throws BadBodyException when {@code wholeInput} and more follows the object
     */
    void json(JsonParser p, boolean wholeInput) throws IOException {
        int at = index++;
        buf.reset();
        seen.clear();
        String timeError = null;
        JsonNode fallbackTime = null;
        boolean hasTime = false;
        try (JsonGenerator g = FACTORY.createGenerator(buf)) {
            g.writeStartObject();
            for (JsonToken t = p.nextToken(); t == JsonToken.FIELD_NAME; t = p.nextToken()) {
                String name = p.currentName();
                p.nextToken();
                if (name.equals(options.timeField()) && p.currentToken() == JsonToken.VALUE_NULL) {
                    continue; // a null time is no time: the receive time applies
                }
                if (name.equals(options.timeField())) {
                    try {
                        g.writeStringField(EventOptions.TIME, EventTime.format(time(p)));
                        seen.add(EventOptions.TIME);
                        hasTime = true;
                    } catch (IllegalArgumentException e) {
                        timeError = "invalid time in field " + name + ": " + e.getMessage();
                        p.skipChildren();
                    }
                } else if (name.equals(EventOptions.TIME)) {
                    // With another time field, a _time of the event's own is used only if that field is absent.
                    fallbackTime = scalar(p);
                } else if (seen.add(name)) {
                    g.writeFieldName(name);
                    g.copyCurrentStructureExact(p);
                } else {
                    p.skipChildren();
                }
            }
            if (!hasTime && fallbackTime != null && !fallbackTime.isNull() && timeError == null) {
                try {
                    g.writeStringField(EventOptions.TIME, EventTime.format(EventTime.parse(fallbackTime)));
                    seen.add(EventOptions.TIME);
                } catch (IllegalArgumentException e) {
                    timeError = "invalid time in field _time: " + e.getMessage();
                }
            }
            writeLabels(g);
            g.writeEndObject();
        }
        if (wholeInput && p.nextToken() != null) {
            throw new BadBodyException("more than one JSON value on the line");
        }
        finish(at, timeError);
    }

    /**
     * Takes the object the parser is at ({@code START_OBJECT}, parsing {@code src}) as it was written when nothing in
     * it needs rewriting: no labels, the time in {@code _time} and readable, no repeated key. Strings are skipped, not
     * decoded, so this costs a fraction of a rewrite; anything else is rewritten from the same bytes. Line breaks
     * between tokens become spaces, so the event stays on one line.
     *
     * @param base       where in {@code src} the parser's input starts (its offsets are relative to it)
     * @param wholeInput the object must be all the parser holds (one NDJSON line)
     */
    public void object(JsonParser p, byte[] src, int base, boolean wholeInput) throws IOException {
        if (!options.passThrough()) {
            json(p, wholeInput);
            return;
        }
        int start = base + (int) p.currentTokenLocation().getByteOffset();
        int startLine = p.currentTokenLocation().getLineNr();
        boolean rewrite = false;
        String timeError = null;
        int names = 0;
        for (JsonToken t = p.nextToken(); t == JsonToken.FIELD_NAME; t = p.nextToken()) {
            String name = p.currentName();
            JsonToken v = p.nextToken();
            if (names == fieldNames.length) {
                fieldNames = java.util.Arrays.copyOf(fieldNames, names * 2);
            }
            for (int i = 0; i < names && !rewrite; i++) {
                // The shared factory canonicalises and interns field names, so a repeated key is the same object.
                rewrite = fieldNames[i] == name;
            }
            fieldNames[names++] = name;
            if (name.equals(EventOptions.TIME) && v != JsonToken.VALUE_NULL) {
                try {
                    time(p);
                } catch (IllegalArgumentException e) {
                    timeError = "invalid time in field _time: " + e.getMessage();
                }
            } else {
                p.skipChildren();
            }
        }
        int end = base + (int) p.currentLocation().getByteOffset();
        // Strings hold no raw line breaks, so an object that spans lines has them between tokens: the parser's line
        // count tells, without another pass over the bytes.
        boolean multiLine = p.currentLocation().getLineNr() != startLine;
        if (wholeInput && p.nextToken() != null) {
            index++;
            throw new BadBodyException("more than one JSON value on the line");
        }
        if (rewrite) {
            try (JsonParser again = FACTORY.createParser(src, start, end - start)) {
                again.nextToken();
                json(again, false);
            }
            return;
        }
        int at = index++;
        if (timeError != null) {
            failures.add(new EventFailure(at, timeError));
            return;
        }
        int len = end - start;
        if (len > options.maxEventBytes() || !builder.fits(len)) {
            failures.add(new EventFailure(at, "event of " + len + " bytes is over the limit of "
                    + options.maxEventBytes() + " bytes"));
            return;
        }
        if (multiLine) {
            byte[] copy = java.util.Arrays.copyOfRange(src, start, end);
            for (int i = 0; i < copy.length; i++) {
                if (copy[i] == '\n' || copy[i] == '\r') {
                    copy[i] = ' ';
                }
            }
            builder.add(copy, 0, copy.length);
        } else {
            builder.add(src, start, len);
        }
    }

    /** Adds an event given as field names and string values (a CSV row); an empty name skips its column. */
    public void strings(List<String> names, List<String> values) {
        int at = index++;
        buf.reset();
        seen.clear();
        String timeError = null;
        try (JsonGenerator g = FACTORY.createGenerator(buf)) {
            g.writeStartObject();
            for (int i = 0; i < names.size() && i < values.size(); i++) {
                String name = names.get(i);
                if (name.isEmpty() || !seen.add(name.equals(options.timeField()) ? EventOptions.TIME : name)) {
                    continue;
                }
                if (name.equals(options.timeField())) {
                    try {
                        g.writeStringField(EventOptions.TIME, EventTime.format(time(values.get(i))));
                    } catch (IllegalArgumentException e) {
                        timeError = "invalid time in field " + name + ": " + e.getMessage();
                    }
                } else {
                    g.writeStringField(name, values.get(i));
                }
            }
            writeLabels(g);
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        finish(at, timeError);
    }

    /** Records an event the reader could not take at all. */
    public void fail(String error) {
        failures.add(new EventFailure(index++, error));
    }

    public List<EventFailure> failures() {
        return failures;
    }

    public int accepted() {
        return builder.eventCount();
    }

    private void finish(int at, String timeError) {
        if (timeError != null) {
            failures.add(new EventFailure(at, timeError));
            return;
        }
        int size = buf.size();
        if (size > options.maxEventBytes() || !builder.fits(size)) {
            failures.add(new EventFailure(at, "event of " + size + " bytes is over the limit of "
                    + options.maxEventBytes() + " bytes"));
            return;
        }
        byte[] bytes = buf.toByteArray();
        builder.add(bytes, 0, bytes.length);
    }

    private void writeLabels(JsonGenerator g) throws IOException {
        for (Map.Entry<String, JsonNode> label : options.labels().entrySet()) {
            if (seen.add(label.getKey())) {
                g.writeFieldName(label.getKey());
                g.writeTree(label.getValue());
            }
        }
    }

    private Instant time(JsonParser p) throws IOException {
        if (p.currentToken() == JsonToken.VALUE_STRING) {
            return time(p.getText());
        }
        JsonNode n = scalar(p);
        if (n == null || !n.isNumber()) {
            throw new IllegalArgumentException("time must be a string or a number");
        }
        return EventTime.parse(n);
    }

    /** The scalar value the parser is at, exactly; null (and the value skipped) for an object or array. */
    private static JsonNode scalar(JsonParser p) throws IOException {
        return switch (p.currentToken()) {
            case VALUE_STRING -> NODES.textNode(p.getText());
            case VALUE_NUMBER_INT -> NODES.numberNode(p.getBigIntegerValue());
            case VALUE_NUMBER_FLOAT -> NODES.numberNode(p.getDecimalValue());
            case VALUE_TRUE, VALUE_FALSE -> NODES.booleanNode(p.getBooleanValue());
            case VALUE_NULL -> NODES.nullNode();
            default -> {
                p.skipChildren();
                yield null;
            }
        };
    }

    private Instant time(String text) {
        if (options.timeLayout() != null && !isEpoch(text)) {
            return options.timeLayout().parse(text);
        }
        return EventTime.parse(text);
    }

    private static boolean isEpoch(String s) {
        String t = s.trim();
        if (t.isEmpty()) {
            return false;
        }
        for (int i = 0; i < t.length(); i++) {
            char c = t.charAt(i);
            if ((c < '0' || c > '9') && c != '.' && !(i == 0 && c == '-')) {
                return false;
            }
        }
        return true;
    }
}
