package io.ingestline.model;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ingestline.model.rules.RuleRef;
import java.time.Instant;
import java.util.Objects;

/**
 * One event on a dataset topic.
 *
 * <p>On the wire ({@link EventEnvelopeSerde}): key = the event id; value = the event as one JSON object whose first
 * two fields are {@code _time} (RFC 3339, UTC) and {@code _id}, followed by the event's own fields in their order;
 * headers {@code ingest.dataset}, {@code ingest.event-time} (epoch ms, so a sink can partition by hour without parsing),
 * {@code ingest.dialect}, {@code ingest.token} and, when there was one, {@code ingest.request}; when a rule made the
 * event, {@code ingest.rule} and {@code ingest.rule.version}. A sink that stores
 * JSON writes the value as it is.
 *
 * @param id      stable id ({@link RawBatch#eventId(int)}): the same raw record always yields the same ids
 * @param dataset the dataset it belongs to
 * @param time    the event's time
 * @param fields  the event's own fields, without {@code _time} and {@code _id}
 * @param origin  where it came from
 * @param rule    the rule (and version) that made it, or null when none applied
 */
public record EventEnvelope(String id, String dataset, Instant time, ObjectNode fields, EventOrigin origin,
        RuleRef rule) {
    public static final String TIME = "_time";
    public static final String ID = "_id";

    public EventEnvelope {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(fields, "fields");
        Objects.requireNonNull(origin, "origin");
        DatasetName.problem(dataset).ifPresent(p -> {
            throw new IllegalArgumentException(p + ": " + dataset);
        });
    }

    /** An event no rule touched. */
    public EventEnvelope(String id, String dataset, Instant time, ObjectNode fields, EventOrigin origin) {
        this(id, dataset, time, fields, origin, null);
    }
}
