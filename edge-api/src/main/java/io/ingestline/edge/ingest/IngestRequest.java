package io.ingestline.edge.ingest;

import io.ingestline.model.BatchContext;
import java.io.InputStream;
import java.util.List;

/**
 * One request to ingest, as a dialect handler understood it.
 *
 * @param context         dialect, target, token, request id, receive time
 * @param body            the body as received (still encoded)
 * @param bodyLength      its {@code Content-Length}, or -1 when unknown: sizes the first raw batch's buffer
 * @param contentEncoding the {@code Content-Encoding} header, or null
 * @param format          how to read the decoded body
 * @param events          time field, time layout, labels, event size limit
 * @param csvFields       CSV field names given by the client, or null to read the header line
 * @param csvDelimiter    CSV field separator
 * @param maxBodyBytes    the dialect's own cap on the decoded body, below the node's; 0 for the node's alone
 * @param allOrNothing    when any event is refused, publish none of them: for dialects whose error answers mean
 *                        "nothing was stored" to their clients, which resend the whole request
 */
public record IngestRequest(BatchContext context, InputStream body, long bodyLength, String contentEncoding, BodyFormat format,
        EventOptions events, List<String> csvFields, char csvDelimiter, long maxBodyBytes, boolean allOrNothing) {
    public IngestRequest {
        csvFields = csvFields == null ? null : List.copyOf(csvFields);
    }

    public IngestRequest(BatchContext context, InputStream body, long bodyLength, String contentEncoding,
            BodyFormat format, EventOptions events, List<String> csvFields, char csvDelimiter) {
        this(context, body, bodyLength, contentEncoding, format, events, csvFields, csvDelimiter, 0, false);
    }
}
