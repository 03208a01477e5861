package io.ingestline.edge.http;

import java.util.List;

/**
 * Axiom's ingest answer, field for field: the official JS client reads it and treats an empty body as an error.
 * {@code blocksCreated} and {@code walLength} mean nothing here; they are sent as Axiom's clients expect them.
 */
record AxiomIngestResponse(
        int ingested, int failed, List<Failure> failures, long processedBytes, int blocksCreated, int walLength) {

    record Failure(String timestamp, String error) {
    }
}
