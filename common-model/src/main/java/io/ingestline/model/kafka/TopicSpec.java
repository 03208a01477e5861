package io.ingestline.model.kafka;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A topic to create when absent.
 *
 * @param name        topic name
 * @param partitions  partition count
 * @param replication replication factor; empty for the broker's {@code default.replication.factor}
 * @param configs     topic configs (for example {@code cleanup.policy=compact})
 */
public record TopicSpec(String name, int partitions, Optional<Short> replication, Map<String, String> configs) {
    public TopicSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(replication, "replication");
        configs = Map.copyOf(configs);
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions " + partitions);
        }
    }
}
