package io.ingestline.model;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Every topic name the pipeline uses, derived from one prefix (default {@code ingest.}).
 *
 * <ul>
 *   <li>{@link #raw()}: raw batches from the edge ({@link RawBatch}).</li>
 *   <li>{@link #dataset(String)}: one topic per dataset, events as {@link EventEnvelope}.</li>
 *   <li>{@link #deadLetters()}: what failed, with its original bytes and the reason in headers.</li>
 *   <li>{@link #config()}: compacted; tokens, rules and datasets.</li>
 * </ul>
 */
public record Topics(String prefix) {
    public static final String DEFAULT_PREFIX = "ingest.";
    private static final String DATASET_INFIX = "ds.";

    public Topics {
        Objects.requireNonNull(prefix, "prefix");
        if (!prefix.matches("[A-Za-z0-9._-]*")) {
            throw new IllegalArgumentException("topic prefix may hold only ASCII letters, digits, '.', '_' and '-': " + prefix);
        }
    }

    public static Topics defaults() {
        return new Topics(DEFAULT_PREFIX);
    }

    public String raw() {
        return prefix + "raw";
    }

    public String deadLetters() {
        return prefix + "deadletter";
    }

    public String config() {
        return prefix + "config";
    }

    /** The topic of a dataset; the name must be valid ({@link DatasetName}). */
    public String dataset(String dataset) {
        DatasetName.problem(dataset).ifPresent(p -> {
            throw new IllegalArgumentException(p + ": " + dataset);
        });
        return prefix + DATASET_INFIX + dataset;
    }

    /** The pattern that matches every dataset topic, for a sink's subscription. */
    public Pattern datasetPattern() {
        return Pattern.compile(Pattern.quote(prefix + DATASET_INFIX) + "[A-Za-z0-9_-]{1," + DatasetName.MAX_LENGTH + "}");
    }

    /** The dataset a dataset topic belongs to. */
    public String datasetOf(String topic) {
        String head = prefix + DATASET_INFIX;
        if (!topic.startsWith(head)) {
            throw new IllegalArgumentException("not a dataset topic: " + topic);
        }
        return topic.substring(head.length());
    }
}
