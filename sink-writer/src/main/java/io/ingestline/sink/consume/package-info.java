/**
 * Consuming dataset topics and the dead-letter topic (stored as the dataset {@code _deadletter}): one consumer per
 * thread, commits only after durable writes.
 */
package io.ingestline.sink.consume;
