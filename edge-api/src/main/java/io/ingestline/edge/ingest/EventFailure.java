package io.ingestline.edge.ingest;

/**
 * One event the edge refused while accepting the rest of its request.
 *
 * @param index position of the event in the request, from 0
 * @param error why, in words fit for the client
 */
public record EventFailure(int index, String error) {
}
