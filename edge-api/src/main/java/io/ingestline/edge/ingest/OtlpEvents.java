package io.ingestline.edge.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import io.ingestline.model.EventTime;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.resource.v1.Resource;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

/**
 * One OTLP log record as one event: {@code _time} (the record's time, else its observed time, else the receive
 * time), {@code severity_number}, {@code severity_text}, {@code body}, {@code attributes}, {@code trace_id},
 * {@code span_id}, {@code flags}, {@code resource} and {@code scope}. Attribute keys are split at their dots into
 * nested objects ({@code http.method} becomes {@code {"http":{"method":..}}}), so that a search path
 * ({@code json.attributes.http.method}) and a rule's field path reach them; a key whose path another key already took
 * with a value of another kind is kept whole. Absent (default) fields are left out.
 */
final class OtlpEvents {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final HexFormat HEX = HexFormat.of();
    static final int TRACE_ID_BYTES = 16;
    static final int SPAN_ID_BYTES = 8;

    private OtlpEvents() {
    }

    /**
     * The event of {@code record}.
     *
     * @throws IllegalArgumentException for a field the record may not hold (a trace id that is not 16 bytes)
     */
    static ObjectNode event(Resource resource, InstrumentationScope scope, LogRecord record, Instant received) {
        ObjectNode e = NODES.objectNode();
        long nanos = record.getTimeUnixNano() != 0 ? record.getTimeUnixNano() : record.getObservedTimeUnixNano();
        e.put(EventOptions.TIME, EventTime.format(nanos != 0 ? instant(nanos) : received));
        if (record.getObservedTimeUnixNano() != 0) {
            e.put("observed_time", EventTime.format(instant(record.getObservedTimeUnixNano())));
        }
        if (record.getSeverityNumberValue() != 0) {
            e.put("severity_number", record.getSeverityNumberValue());
        }
        if (!record.getSeverityText().isEmpty()) {
            e.put("severity_text", record.getSeverityText());
        }
        if (!record.getEventName().isEmpty()) {
            e.put("event_name", record.getEventName());
        }
        if (record.hasBody() && record.getBody().getValueCase() != AnyValue.ValueCase.VALUE_NOT_SET) {
            e.set("body", value(record.getBody()));
        }
        if (record.getAttributesCount() > 0) {
            e.set("attributes", attributes(record.getAttributesList()));
        }
        if (record.getDroppedAttributesCount() != 0) {
            e.put("dropped_attributes_count", record.getDroppedAttributesCount());
        }
        id(e, "trace_id", record.getTraceId(), TRACE_ID_BYTES);
        id(e, "span_id", record.getSpanId(), SPAN_ID_BYTES);
        if (record.getFlags() != 0) {
            e.put("flags", Integer.toUnsignedLong(record.getFlags()));
        }
        if (resource.getAttributesCount() > 0) {
            e.set("resource", attributes(resource.getAttributesList()));
        }
        ObjectNode s = NODES.objectNode();
        if (!scope.getName().isEmpty()) {
            s.put("name", scope.getName());
        }
        if (!scope.getVersion().isEmpty()) {
            s.put("version", scope.getVersion());
        }
        if (scope.getAttributesCount() > 0) {
            s.set("attributes", attributes(scope.getAttributesList()));
        }
        if (!s.isEmpty()) {
            e.set("scope", s);
        }
        return e;
    }

    /** Nanoseconds since the epoch, read unsigned as OTLP's fixed64 is. */
    private static Instant instant(long nanos) {
        long seconds = Long.divideUnsigned(nanos, 1_000_000_000L);
        long rest = Long.remainderUnsigned(nanos, 1_000_000_000L);
        return Instant.ofEpochSecond(seconds, rest);
    }

    private static void id(ObjectNode e, String field, ByteString id, int bytes) {
        if (id.isEmpty()) {
            return;
        }
        if (id.size() != bytes) {
            throw new IllegalArgumentException("invalid " + field + ": " + id.size() + " bytes, not " + bytes);
        }
        e.put(field, HEX.formatHex(id.toByteArray()));
    }

    static ObjectNode attributes(List<KeyValue> attributes) {
        ObjectNode o = NODES.objectNode();
        for (KeyValue kv : attributes) {
            put(o, kv.getKey(), value(kv.getValue()));
        }
        return o;
    }

    /**
     * Puts {@code value} at the path the key's dots make, unless the key was given before (the first value stays,
     * as everywhere in the edge) or its path runs into a value of another kind: then the key is kept whole.
     */
    static void put(ObjectNode o, String key, JsonNode value) {
        String[] parts = key.split("\\.", -1);
        ObjectNode at = o;
        for (int i = 0; i < parts.length - 1 && at != null; i++) {
            JsonNode next = parts[i].isEmpty() ? null : at.get(parts[i]);
            if (parts[i].isEmpty() || next != null && !next.isObject()) {
                at = null;
            } else if (next == null) {
                at = at.putObject(parts[i]);
            } else {
                at = (ObjectNode) next;
            }
        }
        String last = parts[parts.length - 1];
        if (at != null && !last.isEmpty()) {
            if (!at.has(last)) {
                at.set(last, value);
            }
        } else if (!o.has(key)) {
            o.set(key, value);
        }
    }

    /** An AnyValue as JSON: bytes as base64, a key-value list as an object (keys whole), an unset value as null. */
    static JsonNode value(AnyValue v) {
        return switch (v.getValueCase()) {
            case STRING_VALUE -> NODES.textNode(v.getStringValue());
            case BOOL_VALUE -> NODES.booleanNode(v.getBoolValue());
            case INT_VALUE -> NODES.numberNode(v.getIntValue());
            case DOUBLE_VALUE -> Double.isFinite(v.getDoubleValue()) ? NODES.numberNode(v.getDoubleValue())
                    : NODES.textNode(Double.toString(v.getDoubleValue()));
            case BYTES_VALUE -> NODES.textNode(Base64.getEncoder().encodeToString(v.getBytesValue().toByteArray()));
            case ARRAY_VALUE -> {
                ArrayNode a = NODES.arrayNode();
                v.getArrayValue().getValuesList().forEach(x -> a.add(value(x)));
                yield a;
            }
            case KVLIST_VALUE -> {
                ObjectNode o = NODES.objectNode();
                for (KeyValue kv : v.getKvlistValue().getValuesList()) {
                    if (!o.has(kv.getKey())) {
                        o.set(kv.getKey(), value(kv.getValue()));
                    }
                }
                yield o;
            }
            default -> NODES.nullNode();
        };
    }
}
