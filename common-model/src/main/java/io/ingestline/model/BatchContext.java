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
 * @param receivedAt when the edge received it; the time of events that carry none in {@code _time}
 */
public record BatchContext(Dialect dialect, BatchTarget target, String tokenId, String requestId, Instant receivedAt) {

    public BatchContext {
        Objects.requireNonNull(dialect, "dialect");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(tokenId, "tokenId");
        Objects.requireNonNull(receivedAt, "receivedAt");
        if (requestId != null && requestId.isEmpty()) {
            requestId = null;
        }
    }
}
