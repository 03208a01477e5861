package io.ingestline.query.store;

import io.ingestline.sink.storage.PostgresStorageWriter;

/**
 * {@link PostgresEventStoreIT}'s searches over tables whose event column is {@code json} (the sink's
 * {@code INGEST_PG_EVENT_TYPE=json}): the store reads it as {@code jsonb}, and its free text is the event's own text.
 */
class PostgresJsonEventStoreIT extends PostgresEventStoreIT {
    @Override
    PostgresStorageWriter.EventType eventType() {
        return PostgresStorageWriter.EventType.JSON;
    }
}
