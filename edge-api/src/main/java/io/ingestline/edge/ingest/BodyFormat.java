package io.ingestline.edge.ingest;

import java.util.Locale;

/** The body formats the edge reads, from the request's {@code Content-Type}. */
public enum BodyFormat {
    /** A JSON array of objects, or one object. */
    JSON,
    /** One JSON object per line. */
    NDJSON,
    /** A header line (or given field names) and rows. */
    CSV,
    /** A JSON array of objects only (Baselime). */
    JSON_ARRAY,
    /** A JSON object whose {@code logs} member is an array of objects (AstraLog). */
    JSON_LOGS,
    /** One event a line: a JSON object, or else text kept as {@code message} (Loggly bulk). */
    LINES,
    /** The whole body one event: a JSON object, or else text kept as {@code message} (Loggly single event). */
    TEXT,
    /** An OTLP {@code ExportLogsServiceRequest} in protobuf: one event a log record. */
    OTLP_PROTOBUF,
    /** An OTLP {@code ExportLogsServiceRequest} in OTLP/JSON: one event a log record. */
    OTLP_JSON;

    /**
     * The format a content type names; no content type means JSON.
     *
     * @throws UnsupportedFormatException for any other content type
     */
    public static BodyFormat of(String contentType) {
        if (contentType == null || contentType.isBlank()) {
            return JSON;
        }
        String mime = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        return switch (mime) {
            case "application/json", "text/json", "application/*", "*/*" -> JSON;
            case "application/x-ndjson", "application/nd-json", "application/ndjson", "application/x-jsonlines",
                    "application/jsonlines" -> NDJSON;
            case "text/csv", "application/csv" -> CSV;
            default -> throw new UnsupportedFormatException(contentType);
        };
    }

    /** A content type the edge does not read. */
    public static final class UnsupportedFormatException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UnsupportedFormatException(String contentType) {
            super("unsupported Content-Type: " + contentType
                    + " (use application/json, application/x-ndjson or text/csv)");
        }
    }
}
