package io.ingestline.edge.kafka;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.errors.RetriableException;

/**
 * Watches whether the producers deliver: the sends not yet acknowledged (by when each started) and when a send last
 * failed for want of a broker. A producer can hold records for minutes (its delivery timeout) while the brokers answer
 * metadata requests but accept nothing, so reachability alone does not tell whether requests can succeed.
 */
public final class SendWatch {
    private final Map<Long, Long> pending = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();
    private volatile long lastFailure;
    private volatile boolean failed;
    private volatile long lastSuccess;

    /** A send begins; returns its id for {@link #done}. */
    long started() {
        long id = ids.incrementAndGet();
        pending.put(id, System.nanoTime());
        return id;
    }

    /** A send ended: acknowledged ({@code error} null) or failed. */
    void done(long id, Exception error) {
        pending.remove(id);
        long now = System.nanoTime();
        if (error == null) {
            lastSuccess = now;
        } else if (error instanceof RetriableException) {
            // Only the broker's side counts: a record refused for itself (too large) says nothing of delivery.
            lastFailure = now;
            failed = true;
        }
    }

    /** Nanoseconds the oldest unacknowledged send has waited; 0 when none waits. */
    public long oldestPendingNanos() {
        long now = System.nanoTime();
        long oldest = 0;
        for (long start : pending.values()) {
            oldest = Math.max(oldest, now - start);
        }
        return oldest;
    }

    /** Why sends do not get through now, or null: one waits longer than {@code stall}, or one failed that recently. */
    public String problem(Duration stall) {
        if (oldestPendingNanos() > stall.toNanos()) {
            return "kafka has not acknowledged a send for over " + stall.toMillis() + " ms";
        }
        long sinceFailure = System.nanoTime() - lastFailure;
        if (failed && lastFailure - lastSuccess > 0 && sinceFailure < stall.toNanos()) {
            return "sends to kafka are failing";
        }
        return null;
    }
}
