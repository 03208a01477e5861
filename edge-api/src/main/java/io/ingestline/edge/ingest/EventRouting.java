package io.ingestline.edge.ingest;

import java.util.Map;
import java.util.function.Predicate;

/**
 * Sends each event of a request to a dataset chosen by the string value of one of its fields (AstraLog's
 * {@code project_id}); a value not in the map, or no value, leaves the event in the request's own dataset.
 *
 * @param field    the field whose value chooses
 * @param datasets value to dataset
 * @param fallback the request's own dataset
 * @param mayWrite whether the request's token may write a dataset; an event routed where it may not is refused
 */
public record EventRouting(String field, Map<String, String> datasets, String fallback, Predicate<String> mayWrite) {
    public EventRouting {
        datasets = Map.copyOf(datasets);
    }

    /** The dataset of an event whose routing field holds {@code value} (null: absent or not a string). */
    public String datasetFor(String value) {
        return value == null ? fallback : datasets.getOrDefault(value, fallback);
    }
}
