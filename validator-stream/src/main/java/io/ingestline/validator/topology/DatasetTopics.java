package io.ingestline.validator.topology;

/** Makes sure a dataset's topic exists before the first event is routed to it. */
@FunctionalInterface
public interface DatasetTopics {
    /** Blocks until the topic of {@code dataset} exists; cheap once it has been seen. */
    void ensure(String dataset);
}
