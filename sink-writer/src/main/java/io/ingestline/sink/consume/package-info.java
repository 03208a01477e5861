/** Consuming dataset topics: one consumer per thread, commits only after durable writes. */
package io.ingestline.sink.consume;
