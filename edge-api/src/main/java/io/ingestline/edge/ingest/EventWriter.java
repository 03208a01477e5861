package io.ingestline.edge.ingest;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ingestline.model.EventTime;
import io.ingestline.model.Json;
import io.ingestline.model.RawBatchBuilder;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Adds each event of one request to the request's raw batches, on one line: as written when nothing needs a change
 * ({@link #scanned}), else rewritten compactly ({@link #json}, {@link #strings}): the time field becomes {@code _time}
 * in RFC 3339 (UTC), labels are added, a repeated key keeps its first value, numbers keep their exact text. An event
 * that cannot be taken (bad time, too large) is recorded as a failure and the others go on. With
 * {@link EventRouting}, events go to the builder of their dataset ({@link #routed()}). Not thread-safe: one per
 * request.
 */
public final class EventWriter {
    private static final JsonFactory FACTORY = Json.mapper().getFactory();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    /** The field a text event's text goes in. */
    public static final String MESSAGE = "message";

    private final RawBatchBuilder builder;
    private final EventOptions options;
    /** {@link EventOptions#passThrough()}, asked once per request rather than once per event. */
    private final boolean passThrough;
    private final List<EventFailure> failures = new ArrayList<>();
    private final ByteArrayOutputStream buf = new ByteArrayOutputStream(1024);
    private final Set<String> seen = new HashSet<>();
    private final Map<String, RawBatchBuilder> routed = new LinkedHashMap<>();
    private final Map<String, Boolean> mayWrite = new HashMap<>();
    private int index;
    /** The body's line the next event is on, or 0 for a body not read a line at a time. */
    private int line;

    public EventWriter(RawBatchBuilder builder, EventOptions options) {
        this.builder = builder;
        this.options = options;
        this.passThrough = options.passThrough();
    }

    /** Rewrites the object the parser is at ({@code START_OBJECT}) compactly, leaving the parser at its end. */
    void json(JsonParser p) throws IOException {
        json(p, null);
    }

    /** @param given the routing value the reader found outside the event (OTLP's resource), or null */
    private void json(JsonParser p, String given) throws IOException {
        int at = index++;
        buf.reset();
        seen.clear();
        String timeError = null;
        String fieldError = null;
        JsonNode fallbackTime = null;
        String route = given;
        boolean hasTime = false;
        boolean timeSeen = false;
        EventRouting routing = options.routing();
        List<String> required = options.requiredStrings();
        Set<String> present = required.isEmpty() ? Set.of() : new HashSet<>();
        try (JsonGenerator g = FACTORY.createGenerator(buf)) {
            g.writeStartObject();
            for (JsonToken t = p.nextToken(); t == JsonToken.FIELD_NAME; t = p.nextToken()) {
                String name = p.currentName();
                p.nextToken();
                if (fieldError == null && p.currentToken() != JsonToken.START_OBJECT
                        && p.currentToken() != JsonToken.VALUE_NULL && options.objectFields().contains(name)) {
                    fieldError = "field " + name + " must be an object";
                }
                if (!required.isEmpty() && required.contains(name) && present.add(name)) {
                    if (p.currentToken() != JsonToken.VALUE_STRING && fieldError == null) {
                        fieldError = "field " + name + " must be a string";
                    }
                }
                if (routing != null && route == null && name.equals(routing.field())
                        && p.currentToken() == JsonToken.VALUE_STRING) {
                    route = p.getText();
                }
                if (name.equals(options.timeField())) {
                    if (timeSeen) {
                        p.skipChildren(); // a repeated key keeps its first value, the time field too (even null)
                        continue;
                    }
                    timeSeen = true;
                    if (p.currentToken() == JsonToken.VALUE_NULL) {
                        continue; // a null time is no time: the receive time applies
                    }
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
                    if (fallbackTime == null) {
                        fallbackTime = scalar(p);
                    } else {
                        p.skipChildren();
                    }
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
        if (fieldError == null && present.size() < required.size()) {
            fieldError = "missing required field(s): "
                    + String.join(", ", required.stream().filter(r -> !present.contains(r)).toList());
        }
        if (fieldError == null && timeError == null && routing != null) {
            finishRouted(at, routing.datasetFor(route));
            return;
        }
        finish(at, fieldError != null ? fieldError : timeError);
    }

    /** Adds the event just written to its dataset's builder, if the token may write there. */
    private void finishRouted(int at, String dataset) {
        EventRouting routing = options.routing();
        if (!mayWrite.computeIfAbsent(dataset, d -> routing.mayWrite().test(d))) {
            failures.add(new EventFailure(at, line, "the token may not ingest into dataset " + dataset));
            return;
        }
        RawBatchBuilder target = dataset.equals(routing.fallback()) ? builder
                : routed.computeIfAbsent(dataset, d -> new RawBatchBuilder(builder.maxPayloadBytes()));
        byte[] bytes = buf.toByteArray();
        add(target, at, bytes, 0, bytes.length);
    }

    /**
     * Adds an event given as text ({@code src[start, end)}, UTF-8): {@code {"message": text}} with the labels. Text
     * that is not valid UTF-8 is refused.
     */
    void text(byte[] src, int start, int end) {
        if (overLimit(end - start)) {
            return;
        }
        int at = index++;
        String text;
        try {
            text = java.nio.charset.StandardCharsets.UTF_8.newDecoder()
                    .decode(java.nio.ByteBuffer.wrap(src, start, end - start)).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            failures.add(new EventFailure(at, line, "event is not valid UTF-8 text"));
            return;
        }
        buf.reset();
        seen.clear();
        try (JsonGenerator g = FACTORY.createGenerator(buf)) {
            g.writeStartObject();
            g.writeStringField(MESSAGE, text);
            seen.add(MESSAGE);
            writeLabels(g);
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        finish(at, null);
    }

    /**
     * Takes an object that {@link JsonScanner} has checked, {@code src[start, end)}, as it was written when nothing in
     * it needs a change: no labels, the time in {@code _time} and readable, no repeated or escaped key. Anything else
     * is rewritten from the same bytes. Line breaks between tokens become spaces, so the event stays on one line.
     */
    void scanned(byte[] src, int start, int end, JsonScanner scan) throws IOException {
        if (overLimit(end - start)) {
            return;
        }
        if (!passThrough || scan.repeatedKey || scan.escapedKey) {
            int at = index;
            try (JsonParser p = FACTORY.createParser(src, start, end - start)) {
                p.nextToken();
                json(p);
            } catch (JsonProcessingException e) {
                // The scanner takes only what Jackson's byte parser reads (an unpaired surrogate escape in a field
                // name is refused by both); should they ever differ, the event alone is refused.
                index = at + 1;
                failures.add(new EventFailure(at, line, "invalid JSON: " + e.getOriginalMessage()));
            }
            return;
        }
        int at = index++;
        if (scan.timeStart >= 0) {
            try {
                scannedTime(src, scan.timeStart, scan.timeEnd);
            } catch (IllegalArgumentException e) {
                failures.add(new EventFailure(at, line, "invalid time in field _time: " + e.getMessage()));
                return;
            }
        }
        if (scan.lineBreak) {
            byte[] copy = java.util.Arrays.copyOfRange(src, start, end);
            for (int i = 0; i < copy.length; i++) {
                if (copy[i] == '\n' || copy[i] == '\r') {
                    copy[i] = ' ';
                }
            }
            add(at, copy, 0, copy.length);
        } else {
            add(at, src, start, end - start);
        }
    }

    /** Checks a {@code _time} value given as its JSON text; null means none. */
    private void scannedTime(byte[] src, int start, int end) throws IOException {
        byte first = src[start];
        if (first == 'n') {
            return;
        }
        if (first == '"') {
            boolean escaped = false;
            for (int i = start + 1; i < end - 1 && !escaped; i++) {
                escaped = src[i] == '\\';
            }
            if (!escaped) {
                EventTime.parse(new String(src, start + 1, end - start - 2, java.nio.charset.StandardCharsets.UTF_8));
                return;
            }
        }
        try (JsonParser p = FACTORY.createParser(src, start, end - start)) {
            p.nextToken();
            time(p);
        }
    }

    /**
     * Adds an event the edge built (an OTLP log record), as any other: its size as stored counts against the event
     * limit, since it has no size as sent of its own. {@code route} is its routing value (null: none).
     */
    void event(ObjectNode event, String route) throws IOException {
        byte[] bytes = Json.mapper().writeValueAsBytes(event);
        if (overLimit(bytes.length)) {
            return;
        }
        try (JsonParser p = FACTORY.createParser(bytes)) {
            p.nextToken();
            json(p, route);
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

    /** Tells that the next event is on the body's line {@code number} (from 1): its refusal names that line. */
    void line(int number) {
        line = number;
    }

    /** Records an event the reader could not take at all. */
    public void fail(String error) {
        failures.add(new EventFailure(index++, line, error));
    }

    public List<EventFailure> failures() {
        return failures;
    }

    public int accepted() {
        int n = builder.eventCount();
        for (RawBatchBuilder b : routed.values()) {
            n += b.eventCount();
        }
        return n;
    }

    /** The builders of events that routing sent away from the request's own dataset, by dataset. */
    public Map<String, RawBatchBuilder> routed() {
        return routed;
    }

    private void finish(int at, String timeError) {
        if (timeError != null) {
            failures.add(new EventFailure(at, line, timeError));
            return;
        }
        byte[] bytes = buf.toByteArray();
        add(at, bytes, 0, bytes.length);
    }

    private void add(int at, byte[] src, int start, int len) {
        add(builder, at, src, start, len);
    }

    /** Records the next event as refused when its size as sent is over the dialect's event limit. */
    private boolean overLimit(int length) {
        if (length <= options.maxEventBytes()) {
            return false;
        }
        failures.add(new EventFailure(index++, line, "event of " + length + " bytes is over the limit of "
                + options.maxEventBytes() + " bytes"));
        return true;
    }

    /**
     * Adds the event at {@code at} of the request, or records it as too large to store: what the edge added to it
     * (labels, a text's JSON escaping) took it over the record limit.
     */
    private void add(RawBatchBuilder builder, int at, byte[] src, int start, int len) {
        if (!builder.fits(len)) {
            failures.add(new EventFailure(at, line, "event of " + len + " bytes as stored is over the record limit of "
                    + (builder.maxPayloadBytes() - 1) + " bytes"));
            return;
        }
        builder.add(src, start, len);
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
        if (options.timeLayout() != null && !EventTime.isEpochNumber(text)) {
            return options.timeLayout().parse(text);
        }
        return EventTime.parse(text);
    }
}
