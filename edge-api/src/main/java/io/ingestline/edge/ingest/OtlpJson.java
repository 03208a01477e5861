package io.ingestline.edge.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.ByteString;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.ArrayValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.common.v1.KeyValueList;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.SeverityNumber;
import io.opentelemetry.proto.resource.v1.Resource;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * OTLP/JSON into the generated messages, by the specification's JSON mapping: field names in lowerCamelCase (the
 * proto's snake_case names are read too, as proto3 JSON parsers do), trace and span ids as hex, enums as integers
 * (their names are read too), 64-bit integers as strings or numbers, bytes values as base64; unknown fields are
 * ignored. A value of the wrong kind is an {@link IllegalArgumentException}: the record holding it is refused.
 */
final class OtlpJson {
    private static final BigInteger UNSIGNED_64 = BigInteger.ONE.shiftLeft(64);

    private OtlpJson() {
    }

    /** The member under its camelCase or its snake_case name; null when absent or null. */
    static JsonNode member(JsonNode o, String camel) {
        JsonNode v = o.get(camel);
        if (v == null || v.isNull()) {
            v = o.get(snake(camel));
        }
        return v == null || v.isNull() ? null : v;
    }

    /** The array member, empty when absent. */
    static List<JsonNode> array(JsonNode o, String camel) {
        JsonNode v = member(o, camel);
        if (v == null) {
            return List.of();
        }
        if (!v.isArray()) {
            throw new IllegalArgumentException(camel + " must be an array");
        }
        List<JsonNode> list = new ArrayList<>(v.size());
        v.forEach(list::add);
        return list;
    }

    static Resource resource(JsonNode o) {
        Resource.Builder b = Resource.newBuilder();
        if (o != null) {
            object(o, "resource");
            b.addAllAttributes(keyValues(o, "attributes"));
            b.setDroppedAttributesCount((int) integer(member(o, "droppedAttributesCount"), "droppedAttributesCount"));
        }
        return b.build();
    }

    static InstrumentationScope scope(JsonNode o) {
        InstrumentationScope.Builder b = InstrumentationScope.newBuilder();
        if (o != null) {
            object(o, "scope");
            b.setName(string(member(o, "name"), "name"));
            b.setVersion(string(member(o, "version"), "version"));
            b.addAllAttributes(keyValues(o, "attributes"));
        }
        return b.build();
    }

    static LogRecord record(JsonNode o) {
        object(o, "logRecord");
        LogRecord.Builder b = LogRecord.newBuilder()
                .setTimeUnixNano(integer(member(o, "timeUnixNano"), "timeUnixNano"))
                .setObservedTimeUnixNano(integer(member(o, "observedTimeUnixNano"), "observedTimeUnixNano"))
                .setSeverityNumberValue(severity(member(o, "severityNumber")))
                .setSeverityText(string(member(o, "severityText"), "severityText"))
                .setEventName(string(member(o, "eventName"), "eventName"))
                .addAllAttributes(keyValues(o, "attributes"))
                .setDroppedAttributesCount((int) integer(member(o, "droppedAttributesCount"),
                        "droppedAttributesCount"))
                .setFlags((int) integer(member(o, "flags"), "flags"))
                .setTraceId(hex(member(o, "traceId"), "traceId"))
                .setSpanId(hex(member(o, "spanId"), "spanId"));
        JsonNode body = member(o, "body");
        if (body != null) {
            b.setBody(value(body));
        }
        return b.build();
    }

    private static List<KeyValue> keyValues(JsonNode o, String name) {
        List<KeyValue> list = new ArrayList<>();
        for (JsonNode kv : array(o, name)) {
            object(kv, name + " element");
            KeyValue.Builder b = KeyValue.newBuilder().setKey(string(member(kv, "key"), "key"));
            JsonNode v = member(kv, "value");
            list.add((v == null ? b : b.setValue(value(v))).build());
        }
        return list;
    }

    static AnyValue value(JsonNode o) {
        object(o, "AnyValue");
        AnyValue.Builder b = AnyValue.newBuilder();
        JsonNode v;
        if ((v = member(o, "stringValue")) != null) {
            b.setStringValue(string(v, "stringValue"));
        } else if ((v = member(o, "boolValue")) != null) {
            if (!v.isBoolean()) {
                throw new IllegalArgumentException("boolValue must be a boolean");
            }
            b.setBoolValue(v.booleanValue());
        } else if ((v = member(o, "intValue")) != null) {
            b.setIntValue(signed(v, "intValue"));
        } else if ((v = member(o, "doubleValue")) != null) {
            b.setDoubleValue(decimal(v));
        } else if ((v = member(o, "bytesValue")) != null) {
            try {
                b.setBytesValue(ByteString.copyFrom(Base64.getDecoder().decode(string(v, "bytesValue"))));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("bytesValue must be base64", e);
            }
        } else if ((v = member(o, "arrayValue")) != null) {
            ArrayValue.Builder a = ArrayValue.newBuilder();
            array(object(v, "arrayValue"), "values").forEach(x -> a.addValues(value(x)));
            b.setArrayValue(a);
        } else if ((v = member(o, "kvlistValue")) != null) {
            b.setKvlistValue(KeyValueList.newBuilder().addAllValues(keyValues(object(v, "kvlistValue"), "values")));
        }
        return b.build();
    }

    static JsonNode object(JsonNode v, String name) {
        if (!v.isObject()) {
            throw new IllegalArgumentException(name + " must be an object");
        }
        return v;
    }

    private static String string(JsonNode v, String name) {
        if (v == null) {
            return "";
        }
        if (!v.isTextual()) {
            throw new IllegalArgumentException(name + " must be a string");
        }
        return v.textValue();
    }

    /** A 64-bit integer, as a string or a number; unsigned values past Long.MAX_VALUE wrap as fixed64 does. */
    private static long integer(JsonNode v, String name) {
        if (v == null) {
            return 0;
        }
        BigInteger n = bigInteger(v, name);
        if (n.signum() < 0 || n.compareTo(UNSIGNED_64) >= 0) {
            throw new IllegalArgumentException(name + " out of range: " + n);
        }
        return n.longValue();
    }

    private static long signed(JsonNode v, String name) {
        BigInteger n = bigInteger(v, name);
        if (n.bitLength() > 63) {
            throw new IllegalArgumentException(name + " out of range: " + n);
        }
        return n.longValue();
    }

    private static BigInteger bigInteger(JsonNode v, String name) {
        if (v.isIntegralNumber()) {
            return v.bigIntegerValue();
        }
        if (v.isTextual()) {
            try {
                return new BigInteger(v.textValue().trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(name + " must be an integer: " + v.textValue(), e);
            }
        }
        throw new IllegalArgumentException(name + " must be an integer");
    }

    private static double decimal(JsonNode v) {
        if (v.isNumber()) {
            return v.doubleValue();
        }
        if (v.isTextual()) {
            return switch (v.textValue()) {
                case "NaN" -> Double.NaN;
                case "Infinity" -> Double.POSITIVE_INFINITY;
                case "-Infinity" -> Double.NEGATIVE_INFINITY;
                default -> {
                    try {
                        yield Double.parseDouble(v.textValue());
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException("doubleValue must be a number", e);
                    }
                }
            };
        }
        throw new IllegalArgumentException("doubleValue must be a number");
    }

    private static int severity(JsonNode v) {
        if (v == null) {
            return 0;
        }
        if (v.isTextual() && v.textValue().startsWith("SEVERITY_NUMBER_")) {
            try {
                return SeverityNumber.valueOf(v.textValue()).getNumber();
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("unknown severityNumber: " + v.textValue(), e);
            }
        }
        long n = signed(v, "severityNumber");
        if (n < Integer.MIN_VALUE || n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("severityNumber out of range: " + n);
        }
        return (int) n;
    }

    /** A trace or span id: hex, as OTLP/JSON writes ids (not base64 as other bytes fields). */
    private static ByteString hex(JsonNode v, String name) {
        String s = string(v, name);
        try {
            return ByteString.copyFrom(HexFormat.of().parseHex(s.toLowerCase(Locale.ROOT)));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid " + name + ": not hex", e);
        }
    }

    private static String snake(String camel) {
        StringBuilder b = new StringBuilder(camel.length() + 4);
        for (char c : camel.toCharArray()) {
            if (Character.isUpperCase(c)) {
                b.append('_').append(Character.toLowerCase(c));
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }
}
