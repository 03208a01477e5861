package io.ingestline.edge.ingest;

import java.util.List;

/**
 * What happened to a request's events once Kafka acknowledged the accepted ones.
 *
 * @param ingested      events acknowledged by Kafka
 * @param failures      events refused one by one, in request order
 * @param decodedBytes  size of the body after decompression
 */
public record IngestOutcome(int ingested, List<EventFailure> failures, long decodedBytes) {
    public IngestOutcome {
        failures = List.copyOf(failures);
    }
}
