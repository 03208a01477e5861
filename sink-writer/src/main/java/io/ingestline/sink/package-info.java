/**
 * sink-writer: consumer groups that write the dataset topics to storage, committing offsets only after the data is
 * durable. {@code consume} reads Kafka; {@code storage} holds the backends.
 */
package io.ingestline.sink;
