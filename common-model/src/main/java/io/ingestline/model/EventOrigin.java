package io.ingestline.model;

import java.util.Objects;

/**
 * Where an event came from.
 *
 * @param dialect   the ingest API
 * @param tokenId   id of the token that sent it
 * @param requestId the client's request id, or null
 */
public record EventOrigin(Dialect dialect, String tokenId, String requestId) {
    public EventOrigin {
        Objects.requireNonNull(dialect, "dialect");
        Objects.requireNonNull(tokenId, "tokenId");
    }
}
