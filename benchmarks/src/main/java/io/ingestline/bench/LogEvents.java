package io.ingestline.bench;

import io.ingestline.model.IsoTimes;
import java.time.Instant;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Realistic application log events of about 300-350 bytes and 18 fields with varied values, each carrying the run's
 * id and its sequence number ({@code "run":"...","seq":n}, always side by side) so that the end-to-end delay to
 * storage can be measured per event.
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

    /** Pre-rendered field values, so that making events costs the load generator little CPU on shared cores. */
    private static final int POOL = 1 << 16;
    private static final String[] TAILS = new String[POOL];
    private static final String[] ASTRALOG_HEADS = new String[POOL];

    static {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        for (int i = 0; i < POOL; i++) {
            StringBuilder b = new StringBuilder(320);
            appendFields(b, r);
            TAILS[i] = b.toString();
            ASTRALOG_HEADS[i] = "\",\"level\":\"" + LEVELS[r.nextInt(LEVELS.length)] + "\",\"service\":\""
                    + SERVICES[r.nextInt(SERVICES.length)] + "\",\"message\":\"" + MESSAGES[r.nextInt(MESSAGES.length)]
                    + "\",\"metadata\":{";
        }
    }

    /**
     * Appends one event as a JSON object: its time (RFC 3339, up to 2 s before {@code now}) in {@code timeField}, then
     * {@code run} and {@code seq}, then 15 more fields (one of 65,536 pre-rendered sets of random values).
     */
    static void append(StringBuilder b, String run, long seq, String timeField, Instant now) {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        b.append("{\"").append(timeField).append("\":\"").append(time(now, r)).append("\",\"run\":\"").append(run)
                .append("\",\"seq\":").append(seq).append(TAILS[r.nextInt(POOL)]).append('}');
    }

    /**
     * Appends one event as an AstraLog log: the five required strings, the rest (with {@code run} and {@code seq})
     * under {@code metadata}.
     */
    static void appendAstraLog(StringBuilder b, String run, long seq, Instant now) {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        b.append("{\"project_id\":\"bench\",\"timestamp\":\"").append(time(now, r))
                .append(ASTRALOG_HEADS[r.nextInt(POOL)]).append("\"run\":\"").append(run).append("\",\"seq\":")
                .append(seq).append(TAILS[r.nextInt(POOL)]).append("}}");
    }

    private static String time(Instant now, ThreadLocalRandom r) {
        Instant t = now.minusMillis(r.nextInt(2000));
        String fast = IsoTimes.formatInstant(t);
        return fast != null ? fast : t.toString();
    }

    /** The 15 fields after {@code seq}, starting with a comma. */
    private static void appendFields(StringBuilder b, ThreadLocalRandom r) {
        int status = r.nextInt(100) < 92 ? 200 : r.nextBoolean() ? 404 : 503;
        b.append(",\"level\":\"").append(LEVELS[r.nextInt(LEVELS.length)])
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
                .append(",\"msg\":\"").append(MESSAGES[r.nextInt(MESSAGES.length)]).append('"');
    }

    /** {@code count} events for Kafka's producer benchmark, one a line. */
    static String lines(String run, int count) {
        StringBuilder b = new StringBuilder(count * 360);
        Instant now = Instant.now();
        for (int i = 0; i < count; i++) {
            append(b, run, i, "_time", now);
            b.append('\n');
        }
        return b.toString();
    }
}
