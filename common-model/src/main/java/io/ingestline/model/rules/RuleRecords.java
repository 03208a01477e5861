package io.ingestline.model.rules;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ingestline.model.ConfigKeys;
import io.ingestline.model.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeader;

/**
 * How every reader of the configuration topic applies a rule record ({@code dcr/..}, {@code dataset/..}), so that
 * all readers (each edge node, each validator) agree on every rule and its version:
 * <ul>
 *   <li>a rule's version is the offset of the record that stored it: unique and growing across every edge node;
 *       a {@code version} field in the record (written before this rule) is ignored;</li>
 *   <li>but a record that stores a rule again unchanged ({@value #RESTORES}: the version it restores, see
 *       {@link #restore}) keeps that version, on readers that hold it and on readers that start after compaction
 *       removed its first record alike; so storing a rule again never moves its version (an admin's
 *       {@code If-Match} taken before stays good);</li>
 *   <li>a record may carry the version it was based on ({@code "expected"} in the JSON, or the
 *       {@value #EXPECTED_HEADER} header on a tombstone); it applies only if that is the version of the key's current
 *       rule, else every reader ignores it (a refused change). A record without it always applies. So does one
 *       for a key the reader has no rule of: the topic is compacted, so a reader that starts later may find an
 *       accepted conditional change as its key's first record, the one it was based on removed; refusing it would
 *       leave that reader without the rule every older reader has. The admin API therefore refuses a conditional
 *       change of a rule that does not exist (412) before writing anything, and stores the current rule again after
 *       a refused change (so a refused record is never its key's last one and compaction removes it). Not
 *       covered: the topic's segment rolling between a refused record and the record after it (milliseconds apart;
 *       by Kafka's defaults a segment rolls after a week or a GiB), and compaction then keeping the refused record but
 *       not what it was refused against: a reader that starts after that finds the refused change first and applies
 *       it.</li>
 * </ul>
 * All readers see the same records in the same order, so they all take the same decisions.
 */
public final class RuleRecords {
    /** The JSON field of a conditional change: the version it replaces. */
    public static final String EXPECTED = "expected";
    /** The JSON field of a record that stores a rule again unchanged: the version it keeps. */
    public static final String RESTORES = "restores";
    /** The header of a conditional delete (a tombstone has no JSON). */
    public static final String EXPECTED_HEADER = "ingest.expected";
    /** The version of a key that has no current rule. */
    public static final long NONE = -1;

    private RuleRecords() {
    }

    /** What a reader does with one record. */
    public sealed interface Decision {
    }

    /** Store {@code json}: the record's rule, its {@code version} set to the record's offset. */
    public record Apply(byte[] json, long version) implements Decision {
    }

    /** Delete the key's rule. */
    public record Delete() implements Decision {
    }

    /** Leave the key as it is: a stale conditional change, or a value that is not a JSON object. */
    public record Ignore(String reason) implements Decision {
    }

    /** Whether the key names a rule (the records these decisions are for). */
    public static boolean isRule(String key) {
        return key != null && (key.startsWith(ConfigKeys.DCR) || key.startsWith(ConfigKeys.DATASET));
    }

    /**
     * @param value   the record's value (null: a tombstone)
     * @param headers the record's headers
     * @param offset  the record's offset in the configuration topic
     * @param current the version of the key's current rule, {@link #NONE} when it has none
     */
    public static Decision decide(byte[] value, Headers headers, long offset, long current) {
        if (value == null) {
            Header h = headers == null ? null : headers.lastHeader(EXPECTED_HEADER);
            Long expected = h == null ? null : parseLong(new String(h.value(), StandardCharsets.UTF_8));
            return h == null || current == NONE || (expected != null && expected == current) ? new Delete()
                    : new Ignore(stale(expected, current));
        }
        ObjectNode doc;
        try {
            JsonNode n = Json.mapper().readTree(value);
            if (!(n instanceof ObjectNode o)) {
                return new Ignore("not a JSON object");
            }
            doc = o;
        } catch (IOException e) {
            return new Ignore("not JSON: " + e.getMessage());
        }
        JsonNode expected = doc.remove(EXPECTED);
        JsonNode restores = doc.remove(RESTORES);
        if (expected != null && !expected.isNull() && current != NONE) {
            if (!expected.canConvertToLong() || expected.longValue() != current) {
                return new Ignore(stale(expected.canConvertToLong() ? expected.longValue() : null, current));
            }
        }
        long version = offset;
        if (restores != null && restores.canConvertToLong() && restores.longValue() >= 0
                && restores.longValue() < offset && (current == NONE || current == restores.longValue())) {
            version = restores.longValue();
        }
        doc.put("version", version);
        return new Apply(doc.toString().getBytes(StandardCharsets.UTF_8), version);
    }

    /** The version of a rule as {@link Apply} stored it; {@link #NONE} for null. */
    public static long versionOf(byte[] storedJson) {
        if (storedJson == null) {
            return NONE;
        }
        try {
            return Json.mapper().readTree(storedJson).path("version").asLong(NONE);
        } catch (IOException e) {
            return NONE;
        }
    }

    /** A rule's JSON as a change based on version {@code expected}. */
    public static byte[] conditional(byte[] json, long expected) {
        try {
            ObjectNode doc = (ObjectNode) Json.mapper().readTree(json);
            doc.put(EXPECTED, expected);
            return doc.toString().getBytes(StandardCharsets.UTF_8);
        } catch (IOException | ClassCastException e) {
            throw new IllegalArgumentException("a rule must be a JSON object", e);
        }
    }

    /**
     * A rule's JSON stored again unchanged: applies only while {@code version} is still the current one, and keeps
     * it (a reader that has no rule of the key, as after compaction, takes it too).
     */
    public static byte[] restore(byte[] json, long version) {
        try {
            ObjectNode doc = (ObjectNode) Json.mapper().readTree(conditional(json, version));
            doc.put(RESTORES, version);
            return doc.toString().getBytes(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalArgumentException("a rule must be a JSON object", e);
        }
    }

    /** The header of a delete based on version {@code expected}. */
    public static Header expectedHeader(long expected) {
        return new RecordHeader(EXPECTED_HEADER, Long.toString(expected).getBytes(StandardCharsets.UTF_8));
    }

    private static String stale(Long expected, long current) {
        return "based on version " + expected + " but the current one is "
                + (current == NONE ? "none" : Long.toString(current));
    }

    private static Long parseLong(String s) {
        try {
            return Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
