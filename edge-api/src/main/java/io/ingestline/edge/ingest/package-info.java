/**
 * Turning request bodies into raw batches: bounded reading and decompression, parsing events as a stream, and the
 * per-event failures a client is told about. Dialect-neutral: the HTTP handlers pick what to use.
 */
package io.ingestline.edge.ingest;
