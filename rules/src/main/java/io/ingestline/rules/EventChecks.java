package io.ingestline.rules;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ingestline.kql.eval.KType;
import io.ingestline.kql.eval.Values;
import io.ingestline.model.EventEnvelope;
import io.ingestline.model.EventTime;
import java.time.Instant;
import java.util.Iterator;
import java.util.Map;

/**
 * The checks every event passes before any transformation. Each returns null when the event passes, else the
 * reason, worded for an operator reading the dead letters.
 *
 * <ul>
 *   <li>Size: at most {@link Limits#maxEventBytes()} bytes of JSON.</li>
 *   <li>Field names (events of datasets, which are stored as they come): at most {@link Limits#maxFields()}
 *       top-level fields, each name 1 to {@value #MAX_NAME_LENGTH} characters without control characters.</li>
 *   <li>Declared columns: a present, non-null value must convert to the column's type the way Kusto converts
 *       (a number to a string, {@code "42"} to a long, an RFC 3339 or ISO 8601 text to a datetime, ...); one that
 *       does not ({@code "abc"} for a long) fails rather than turning silently into null.</li>
 *   <li>Time: {@code _time}, when present, must be a time ({@link EventTime}); when absent the event is stamped
 *       with its receive time.</li>
 * </ul>
 */
public final class EventChecks {
    public static final int MAX_NAME_LENGTH = 256;

    /**
     * @param maxEventBytes largest event, in bytes of JSON
     * @param maxFields     most top-level fields in a dataset's event
     * @param ruleBudget    the most time rules' transformations may spend per event and per batch
     */
    public record Limits(int maxEventBytes, int maxFields, RuleBudget ruleBudget) {
        public static final Limits DEFAULT = new Limits(1024 * 1024, 1000, RuleBudget.DEFAULT);

        public Limits {
            if (maxEventBytes < 1 || maxFields < 1) {
                throw new IllegalArgumentException("limits must be positive");
            }
        }

        /** With the default rule budget. */
        public Limits(int maxEventBytes, int maxFields) {
            this(maxEventBytes, maxFields, RuleBudget.DEFAULT);
        }
    }

    private EventChecks() {
    }

    public static String size(int bytes, Limits limits) {
        return bytes > limits.maxEventBytes()
                ? "event is " + bytes + " bytes, over the limit of " + limits.maxEventBytes() : null;
    }

    public static String fieldNames(ObjectNode event, Limits limits) {
        String problem = fieldCount(event.size(), limits);
        for (Iterator<String> it = event.fieldNames(); problem == null && it.hasNext();) {
            problem = fieldName(it.next());
        }
        return problem;
    }

    /** The count part of {@link #fieldNames}: {@code fields} top-level fields. */
    public static String fieldCount(int fields, Limits limits) {
        return fields > limits.maxFields()
                ? "event has " + fields + " fields, over the limit of " + limits.maxFields() : null;
    }

    /** The part of {@link #fieldNames} about one name. */
    public static String fieldName(String name) {
        if (name.isEmpty()) {
            return "a field name is empty";
        }
        if (name.length() > MAX_NAME_LENGTH) {
            return "field name " + shorten(name) + " is longer than " + MAX_NAME_LENGTH + " characters";
        }
        for (int i = 0; i < name.length(); i++) {
            if (Character.isISOControl(name.charAt(i))) {
                return "field name " + shorten(name) + " holds a control character";
            }
        }
        return null;
    }

    /** Each declared column present in the event converts to its type. */
    public static String columns(ObjectNode event, String[] names, KType[] types) {
        for (int i = 0; i < names.length; i++) {
            JsonNode v = event.get(names[i]);
            if (v == null || v.isNull() || types[i] == KType.STRING || types[i] == KType.DYNAMIC) {
                continue;
            }
            if (Values.fromJson(v, types[i]) == null) {
                return "column " + names[i] + " is declared " + types[i].kustoName() + " but the event has "
                        + shorten(v.toString());
            }
        }
        return null;
    }

    /**
     * The time in {@code field}: null when absent or null. A transformation's output column is a Kusto datetime
     * written as RFC 3339, read as Kusto reads datetimes; a dataset's {@code _time} is read as the edge reads it
     * ({@link EventTime}: also epoch numbers).
     */
    public static Instant time(ObjectNode event, String field) {
        return time(event.get(field), field);
    }

    /** {@link #time(ObjectNode, String)} for the value {@code t} of {@code field} (null when absent). */
    public static Instant time(JsonNode t, String field) {
        if (t == null || t.isNull()) {
            return null;
        }
        if (!EventEnvelope.TIME.equals(field) && t.isTextual()) {
            Instant kusto = Values.parseDateTime(t.textValue());
            if (kusto != null) {
                return kusto;
            }
        }
        try {
            return EventTime.parse(t);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid time in field " + field + ": " + e.getMessage(), e);
        }
    }

    static KType[] types(Map<String, String> columns) {
        return columns.values().stream().map(KType::named).toArray(KType[]::new);
    }

    private static String shorten(String s) {
        return s.length() > 80 ? s.substring(0, 80) + "..." : s;
    }
}
