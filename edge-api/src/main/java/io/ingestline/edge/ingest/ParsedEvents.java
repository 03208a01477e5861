package io.ingestline.edge.ingest;

import io.ingestline.model.RawBatchBuilder;
import java.util.List;

/**
 * What a body yielded: the accepted events, ready to build raw batches from, and the events refused one by one.
 *
 * @param accepted the builder holding every accepted event
 * @param failures refused events, in request order
 */
public record ParsedEvents(RawBatchBuilder accepted, List<EventFailure> failures) {
    public ParsedEvents {
        failures = List.copyOf(failures);
    }
}
