/**
 * sink-writer: consumer groups that write the dataset topics (and the dead letters) to storage, committing offsets
 * only after the data is durable. {@code consume} reads Kafka; {@code storage} holds the backends.
 */
package io.ingestline.sink;
