package io.ingestline.edge.ingest;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The bytes of request bodies this node holds in memory at once, decoded, from the first byte read until Kafka has
 * answered. Past the cap a request is refused (503) instead of queueing, so memory stays bounded under any load.
 */
public final class InFlightBytes {
    private final long cap;
    private final AtomicLong used = new AtomicLong();

    public InFlightBytes(long cap) {
        this.cap = cap;
    }

    /** Takes {@code n} bytes of the budget, or throws {@link NodeBusyException} and takes nothing. */
    public void acquire(long n) {
        long after = used.addAndGet(n);
        if (after > cap) {
            used.addAndGet(-n);
            throw new NodeBusyException("this node holds " + cap + " bytes of requests already; retry shortly");
        }
    }

    public void release(long n) {
        used.addAndGet(-n);
    }

    public long used() {
        return used.get();
    }

    /** The node is at its in-flight limit: answer 503 with {@code Retry-After}. */
    public static final class NodeBusyException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        NodeBusyException(String message) {
            super(message);
        }
    }
}
