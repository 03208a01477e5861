package io.ingestline.edge.ingest;

/**
 * One event the edge refused while accepting the rest of its request.
 *
 * @param index position of the event in the request, from 0
 * @param line  the body's line it was on, from 1 as editors count, for bodies of one event a line (NDJSON, Loggly
 *              bulk); 0 for others
 * @param error why, in words fit for the client
 */
public record EventFailure(int index, int line, String error) {
    /** Where the event was, for a person: {@code line 2} in a body of lines, else {@code <noun> 1}. */
    public String where(String noun) {
        return line > 0 ? "line " + line : noun + " " + index;
    }
}
