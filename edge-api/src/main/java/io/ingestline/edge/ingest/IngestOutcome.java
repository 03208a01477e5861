package io.ingestline.edge.ingest;

import java.util.List;

/**
 * What happened to a request's events once Kafka acknowledged the accepted ones.
 *
 * @param ingested      events acknowledged by Kafka
 * @param withheld      valid events not published because others were refused in an all-or-nothing request
 * @param failures      events refused one by one, in request order
 * @param decodedBytes  size of the body after decompression
 */
public record IngestOutcome(int ingested, int withheld, List<EventFailure> failures, long decodedBytes) {
    public IngestOutcome {
        failures = List.copyOf(failures);
    }

    /** Every event the request held. */
    public int events() {
        return ingested + withheld + failures.size();
    }

    /** Nothing was stored: the request held no event, or every one was refused or withheld. */
    public boolean storedNothing() {
        return ingested == 0;
    }
}
