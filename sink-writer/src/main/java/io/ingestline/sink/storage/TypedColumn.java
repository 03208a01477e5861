package io.ingestline.sink.storage;

import com.fasterxml.jackson.databind.JsonNode;
import io.ingestline.kql.eval.Values;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A typed column of a PostgreSQL dataset table, from a Kusto column type: {@code string} text, {@code int} integer,
 * {@code long} bigint, {@code real} double precision, {@code bool} boolean, {@code datetime} timestamptz,
 * {@code dynamic} jsonb, {@code timespan} and {@code guid} text. The event's field of the same name fills it; a value
 * that does not fit the type (a field whose type changed between events, a time outside the years 1 to 9999) leaves it
 * null, the event itself being whole in {@code event}.
 */
record TypedColumn(String name, String kustoType, String pgType) {
    /** The columns every table has; typed columns of these names are not added. */
    static final Set<String> BASE = Set.of("time", "id", "event", "kafka_partition", "kafka_offset");
    /** The first instant of year 1 and of year 10000. */
    static final Instant FIRST = Instant.parse("0001-01-01T00:00:00Z");
    static final Instant END = Instant.parse("+10000-01-01T00:00:00Z");

    /** The column for a Kusto type, or null for a name the base columns take. */
    static TypedColumn of(String name, String kustoType) {
        if (BASE.contains(name)) {
            return null;
        }
        String pg = switch (kustoType) {
            case "int" -> "integer";
            case "long" -> "bigint";
            case "real" -> "double precision";
            case "bool", "boolean" -> "boolean";
            case "datetime" -> "timestamp with time zone";
            case "dynamic" -> "jsonb";
            default -> "text";
        };
        return new TypedColumn(name, kustoType, pg);
    }

    /** The columns of a dataset's rules (name to Kusto type), in their order, but for the base columns' names. */
    static List<TypedColumn> of(Map<String, String> kustoTypes) {
        List<TypedColumn> out = new ArrayList<>(kustoTypes.size());
        kustoTypes.forEach((name, type) -> {
            TypedColumn c = of(name, type);
            if (c != null) {
                out.add(c);
            }
        });
        return out;
    }

    /**
     * The text of an event's value for this column as PostgreSQL text input (the value of the field of its name, as
     * {@link TypedFields} finds it; null when absent), or null.
     */
    String text(JsonNode v) {
        if (v == null || v.isNull()) {
            return null;
        }
        return switch (pgType) {
            case "integer" -> v.isIntegralNumber() && v.canConvertToInt() ? Integer.toString(v.intValue())
                    : integerText(v, Integer.MIN_VALUE, Integer.MAX_VALUE);
            case "bigint" -> v.isIntegralNumber() && v.canConvertToLong() ? Long.toString(v.longValue())
                    : integerText(v, Long.MIN_VALUE, Long.MAX_VALUE);
            case "double precision" -> v.isNumber() && fitsDouble(v) ? v.asText() : null;
            case "boolean" -> v.isBoolean() ? Boolean.toString(v.booleanValue()) : null;
            case "timestamp with time zone" -> {
                Instant t = v.isTextual() ? Values.parseDateTime(v.textValue()) : null;
                yield t == null || !storable(t) ? null : t.toString();
            }
            case "jsonb" -> v.toString();
            default -> v.isTextual() ? v.textValue() : v.toString();
        };
    }

    /**
     * Whether a time is within the years 1 to 9999, which PostgreSQL's text input takes as {@link Instant#toString()}
     * writes them (it refuses year 0, a minus sign and five-digit years with their plus sign).
     */
    static boolean storable(Instant t) {
        return !t.isBefore(FIRST) && t.isBefore(END);
    }

    /**
     * Whether PostgreSQL's double precision takes the number's text: not past the largest double, and not a
     * non-zero number so small that it becomes zero ({@code 1e-400}: PostgreSQL refuses it as out of range, where
     * Java rounds it to 0); subnormal numbers ({@code 1e-310}) it takes.
     */
    private static boolean fitsDouble(JsonNode v) {
        double d = v.doubleValue();
        if (!Double.isFinite(d)) {
            return false;
        }
        return d != 0.0 || !v.isFloatingPointNumber() || v.decimalValue().signum() == 0;
    }

    private static String integerText(JsonNode v, long min, long max) {
        if (!v.isTextual()) {
            return null;
        }
        try {
            BigDecimal d = new BigDecimal(v.textValue().trim());
            long l = d.longValueExact();
            return l < min || l > max ? null : Long.toString(l);
        } catch (NumberFormatException | ArithmeticException e) {
            return null;
        }
    }
}
