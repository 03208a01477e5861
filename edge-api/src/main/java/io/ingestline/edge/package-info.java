/**
 * edge-api: stateless HTTP nodes that authenticate, decode and check each request and publish it to Kafka as raw
 * batches, answering 2xx only once Kafka acknowledged them. {@link io.ingestline.edge.EdgeServer} wires the parts:
 * {@code http} (routes, one handler per dialect, each with its error shape), {@code ingest} (bodies to events),
 * {@code auth} (tokens), {@code config} (tokens and data collection rules followed from the configuration topic),
 * {@code admin} (the admin API), {@code kafka} (publishing, readiness).
 */
package io.ingestline.edge;
