/**
 * Turning request bodies into raw batches: bounded, metered reading and decompression ({@code BodyDecoder},
 * {@code Ingestor}); one reader per body format, checking events with a single-pass {@code JsonScanner} (JSON,
 * NDJSON) or reading rows (CSV); {@code EventWriter}, which takes events as written or rewrites them; and the per-event
 * failures a client is told about, with the whole request withheld when a dialect stores all or nothing.
 * Dialect-neutral: the HTTP handlers pick what to use.
 */
package io.ingestline.edge.ingest;
