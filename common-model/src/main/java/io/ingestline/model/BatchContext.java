package io.ingestline.model;

import java.time.Instant;
import java.util.Objects;

/**
 * What the edge knows about a request, carried by every raw batch record of it.
 *
 * @param dialect   the ingest API it came through
 * @param target    dataset or DCR stream
 * @param tokenId   id of the token that authenticated it (never the secret)
 * @param requestId the client's request id, for duplicate detection; null when the client gave none
 * @param receivedAt when the edge received it; the time of events that carry none
 * @param timeField the field holding each event's time; null means {@code _time}
 */
public record BatchContext(
        Dialect dialect, BatchTarget target, String tokenId, String requestId, Instant receivedAt, String timeField) {

    public static final String DEFAULT_TIME_FIELD = "_time";

    public BatchContext {
        Objects.requireNonNull(dialect, "dialect");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(tokenId, "tokenId");
        Objects.requireNonNull(receivedAt, "receivedAt");
        if (requestId != null && requestId.isEmpty()) {
            requestId = null;
        }
        if (timeField != null && (timeField.isEmpty() || timeField.equals(DEFAULT_TIME_FIELD))) {
            timeField = null;
        }
    }

    /** The field holding each event's time. */
    public String effectiveTimeField() {
        return timeField == null ? DEFAULT_TIME_FIELD : timeField;
    }
}
