package io.ingestline.bench;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Realistic application log events of about 300-350 bytes and 18 fields with varied values, each carrying its
 * sequence number ({@code seq}) so that the end-to-end delay to storage can be measured per event.
 */
final class LogEvents {
    private static final String[] LEVELS = {"info", "info", "info", "info", "warn", "error", "debug"};
    private static final String[] SERVICES = {"checkout", "payments", "search", "inventory", "gateway", "auth"};
    private static final String[] REGIONS = {"eu-west-1", "us-east-1", "ap-south-1"};
    private static final String[] METHODS = {"GET", "GET", "GET", "POST", "PUT", "DELETE"};
    private static final String[] PATHS = {"/api/v2/orders", "/api/v2/cart", "/api/v2/search", "/healthz",
        "/api/v2/users/me", "/api/v2/payments/intent"};
    private static final String[] MESSAGES = {"request completed", "upstream responded slowly", "cache miss",
        "retrying after timeout", "validation failed for field email", "payment authorised"};

    private LogEvents() {
    }

    /** One NDJSON body of {@code count} events numbered from {@code firstSeq}. */
    static byte[] body(String run, long firstSeq, int count) {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        StringBuilder b = new StringBuilder(count * 360);
        Instant now = Instant.now();
        for (int i = 0; i < count; i++) {
            long seq = firstSeq + i;
            int status = r.nextInt(100) < 92 ? 200 : r.nextBoolean() ? 404 : 503;
            b.append("{\"_time\":\"").append(now.minusMillis(r.nextInt(2000))).append("\",\"run\":\"").append(run)
                    .append("\",\"seq\":").append(seq)
                    .append(",\"level\":\"").append(LEVELS[r.nextInt(LEVELS.length)])
                    .append("\",\"service\":\"").append(SERVICES[r.nextInt(SERVICES.length)])
                    .append("\",\"region\":\"").append(REGIONS[r.nextInt(REGIONS.length)])
                    .append("\",\"host\":\"ip-10-0-").append(r.nextInt(16)).append('-').append(r.nextInt(256))
                    .append("\",\"trace_id\":\"").append(Long.toHexString(r.nextLong())).append(Long.toHexString(r.nextLong()))
                    .append("\",\"span_id\":\"").append(Long.toHexString(r.nextLong()))
                    .append("\",\"method\":\"").append(METHODS[r.nextInt(METHODS.length)])
                    .append("\",\"path\":\"").append(PATHS[r.nextInt(PATHS.length)])
                    .append("\",\"status\":").append(status)
                    .append(",\"latency_ms\":").append(r.nextInt(90_000) / 100.0)
                    .append(",\"bytes\":").append(r.nextInt(200_000))
                    .append(",\"user_id\":\"u").append(r.nextInt(1_000_000))
                    .append("\",\"cache_hit\":").append(r.nextBoolean())
                    .append(",\"retry\":").append(r.nextInt(4))
                    .append(",\"msg\":\"").append(MESSAGES[r.nextInt(MESSAGES.length)]).append("\"}\n");
        }
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }
}
