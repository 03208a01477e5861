/**
 * edge-api: stateless HTTP nodes that authenticate, decode and check each request and publish it to Kafka as raw
 * batches, answering 2xx only once Kafka acknowledged them. {@link io.ingestline.edge.EdgeServer} wires the parts:
 * {@code http} (routes, handlers), {@code ingest} (bodies to events), {@code auth} (tokens), {@code kafka}
 * (publishing, readiness).
 */
package io.ingestline.edge;
