package io.ingestline.edge.kafka;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;

/**
 * Answers whether Kafka is reachable, asking the cluster at most once a second however often a load balancer
 * polls.
 */
public final class KafkaReadiness {
    private static final long CACHE_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final Admin admin;
    private final Duration timeout;
    private volatile long checkedAt = System.nanoTime() - CACHE_NANOS;
    private volatile boolean ready;

    public KafkaReadiness(Admin admin, Duration timeout) {
        this.admin = admin;
        this.timeout = timeout;
    }

    public synchronized boolean isReady() {
        if (System.nanoTime() - checkedAt < CACHE_NANOS) {
            return ready;
        }
        try {
            int nodes = admin.describeCluster(new DescribeClusterOptions().timeoutMs((int) timeout.toMillis()))
                    .nodes().get(timeout.toMillis(), TimeUnit.MILLISECONDS).size();
            ready = nodes > 0;
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            ready = false;
        }
        checkedAt = System.nanoTime();
        return ready;
    }
}
