package io.ingestline.edge.http;

import io.ingestline.edge.metrics.EdgeMetrics;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * {@code GET /metrics} on the public ingest port: 404 unless a metrics token is configured, then 401 unless the
 * request carries {@code Authorization: Bearer <that token>}. The admin port serves the same text without a token.
 */
final class MetricsEndpoint {
    private final EdgeMetrics metrics;
    private final byte[] expected;

    /** @param token the bearer token scrapers must send; null turns the endpoint off */
    MetricsEndpoint(EdgeMetrics metrics, String token) {
        this.metrics = metrics;
        this.expected = token == null ? null : sha256(token);
    }

    void scrape(Context ctx) {
        if (expected == null) {
            Responses.message(ctx, 404, "not found");
            return;
        }
        String given = ctx.header("Authorization");
        String secret = given != null && given.regionMatches(true, 0, "Bearer ", 0, 7) ? given.substring(7).trim() : "";
        // Digests of equal length, compared in constant time: neither the token nor its length leaks by timing.
        if (!MessageDigest.isEqual(expected, sha256(secret))) {
            ctx.header("WWW-Authenticate", "Bearer");
            Responses.message(ctx, 401, "missing or wrong metrics token");
            return;
        }
        ctx.contentType(EdgeMetrics.CONTENT_TYPE).result(metrics.scrape());
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
