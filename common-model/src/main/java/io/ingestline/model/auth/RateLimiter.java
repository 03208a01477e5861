package io.ingestline.model.auth;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Per-token rate limits on this node, in events and in bytes per second: two token buckets per token, each holding
 * one second's worth. A request is admitted while both buckets are above zero and charged afterwards with what it
 * really held, so one request may overdraw a bucket and the next waits until it has refilled. Limits are per node:
 * behind a load balancer spreading over N nodes, a token gets up to N times the rate.
 */
public final class RateLimiter {
    private final LongSupplier nanoTime;
    private final Map<String, Buckets> buckets = new ConcurrentHashMap<>();

    public RateLimiter() {
        this(System::nanoTime);
    }

    RateLimiter(LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
    }

    /** What a token may send; 0 means no limit. */
    public record Limit(long eventsPerSecond, long bytesPerSecond) {
        public static final Limit NONE = new Limit(0, 0);

        public boolean none() {
            return eventsPerSecond <= 0 && bytesPerSecond <= 0;
        }
    }

    /** The state after a check: what to tell the client in the rate-limit headers. */
    public record State(boolean admitted, long limit, long remaining, long resetSeconds, long retryAfterSeconds) {
    }

    /** Whether a request of this token may start now. */
    public State admit(String tokenId, Limit limit) {
        if (limit.none()) {
            return new State(true, 0, 0, 0, 0);
        }
        return buckets.computeIfAbsent(tokenId, k -> new Buckets()).admit(limit, nanoTime.getAsLong());
    }

    /** Charges what a request held. */
    public State charge(String tokenId, Limit limit, long events, long bytes) {
        if (limit.none()) {
            return new State(true, 0, 0, 0, 0);
        }
        return buckets.computeIfAbsent(tokenId, k -> new Buckets()).charge(limit, events, bytes, nanoTime.getAsLong());
    }

    private static final class Buckets {
        private double events = Double.NaN;
        private double bytes = Double.NaN;
        private long at;

        synchronized State admit(Limit l, long now) {
            refill(l, now);
            return state(l, events > 0 || l.eventsPerSecond() <= 0, bytes > 0 || l.bytesPerSecond() <= 0);
        }

        synchronized State charge(Limit l, long n, long b, long now) {
            refill(l, now);
            events -= n;
            bytes -= b;
            return state(l, true, true);
        }

        private void refill(Limit l, long now) {
            if (Double.isNaN(events)) {
                events = l.eventsPerSecond();
                bytes = l.bytesPerSecond();
                at = now;
                return;
            }
            double seconds = (now - at) / (double) TimeUnit.SECONDS.toNanos(1);
            at = now;
            events = Math.min(l.eventsPerSecond(), events + seconds * l.eventsPerSecond());
            bytes = Math.min(l.bytesPerSecond(), bytes + seconds * l.bytesPerSecond());
        }

        private State state(Limit l, boolean eventsOk, boolean bytesOk) {
            double eventWait = l.eventsPerSecond() > 0 && events <= 0 ? (1 - events) / l.eventsPerSecond() : 0;
            double byteWait = l.bytesPerSecond() > 0 && bytes <= 0 ? (1 - bytes) / l.bytesPerSecond() : 0;
            long retry = (long) Math.ceil(Math.max(eventWait, byteWait));
            // The headers report one budget: events when limited, else bytes.
            boolean byEvents = l.eventsPerSecond() > 0;
            long limit = byEvents ? l.eventsPerSecond() : l.bytesPerSecond();
            double left = byEvents ? events : bytes;
            double refill = (limit - left) / limit;
            return new State(eventsOk && bytesOk, limit, Math.max(0, (long) left), (long) Math.ceil(refill),
                    Math.max(retry, 1));
        }
    }
}
