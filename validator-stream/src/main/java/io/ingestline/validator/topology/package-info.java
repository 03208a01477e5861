/**
 * The topology ({@link io.ingestline.validator.topology.ValidatorTopology}, a pure function of its settings) and its
 * processors: {@code DuplicateFilter} (retried batches), {@code BatchSplitter} (events through their target's
 * routes), {@code Routes} (rules from the configuration topic, compiled once per version), {@code DeadLetters}
 * (headers of what failed) and {@link io.ingestline.validator.topology.ValidatorMetrics}.
 */
package io.ingestline.validator.topology;
