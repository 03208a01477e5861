package io.ingestline.edge.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How the events of one request are read.
 *
 * @param timeField     the field that holds each event's time; it becomes {@code _time}
 * @param timeLayout    a layout for string times (Axiom's {@code timestamp-format}); null reads any known format
 * @param labels        fields added to every event that lacks them (Axiom's {@code X-Axiom-Event-Labels})
 * @param maxEventBytes the largest event, in bytes as the client sent it (a line, an array element); what the edge
 *                      adds (labels, the text's JSON wrapping) must only fit the record limit
 * @param requiredStrings fields every event must have, as strings (the time field among them counts when present)
 * @param routing       sends events to datasets by a field's value; null keeps them all in the request's dataset
 * @param objectFields  fields that must be JSON objects when present and not null
 */
public record EventOptions(String timeField, GoTimeLayout timeLayout, Map<String, JsonNode> labels, int maxEventBytes,
        List<String> requiredStrings, EventRouting routing, List<String> objectFields) {
    public static final String TIME = "_time";

    public EventOptions {
        if (timeField == null || timeField.isEmpty()) {
            timeField = TIME;
        }
        labels = Collections.unmodifiableMap(new LinkedHashMap<>(labels));
        requiredStrings = List.copyOf(requiredStrings);
        objectFields = List.copyOf(objectFields);
    }

    public EventOptions(String timeField, GoTimeLayout timeLayout, Map<String, JsonNode> labels, int maxEventBytes) {
        this(timeField, timeLayout, labels, maxEventBytes, List.of(), null, List.of());
    }

    /**
     * Whether events may be taken as written: the time is {@code _time}, read in any known format, no labels, no
     * required or object fields and no routing.
     */
    public boolean passThrough() {
        return timeField.equals(TIME) && timeLayout == null && labels.isEmpty() && requiredStrings.isEmpty()
                && routing == null && objectFields.isEmpty();
    }

    public static EventOptions defaults(int maxEventBytes) {
        return new EventOptions(TIME, null, Map.of(), maxEventBytes);
    }
}
