package io.ingestline.edge.http;

import java.util.regex.Pattern;

/** Request paths as they may be shown: in logs, error messages and metric labels. */
public final class RequestPaths {
    /** Loggly's routes carry the customer token as the segment after {@code /inputs/} or {@code /bulk/}. */
    private static final Pattern TOKEN_SEGMENT = Pattern.compile("^(/+(?:inputs|bulk)/+)[^/?#]*", Pattern.CASE_INSENSITIVE);
    static final String REDACTED = "<redacted>";

    private RequestPaths() {
    }

    /** The path with any token in it replaced by {@code <redacted>}. */
    public static String redact(String path) {
        return path == null ? null : TOKEN_SEGMENT.matcher(path).replaceFirst("$1" + REDACTED);
    }
}
