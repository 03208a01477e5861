package io.ingestline.edge.kafka;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;

/**
 * Answers whether ingest can succeed: Kafka is reachable (asked at most once a second however often a load balancer
 * polls) and the producers deliver ({@link SendWatch}).
 */
public final class KafkaReadiness {
    private static final long CACHE_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final Admin admin;
    private final Duration timeout;
    private final SendWatch sends;
    private final Duration sendStall;
    private volatile long checkedAt = System.nanoTime() - CACHE_NANOS;
    private volatile boolean reachable;
    private volatile String sendProblem;

    /** @param sendStall how long a send may stay unacknowledged, or a failed one count, before the node is unready */
    public KafkaReadiness(Admin admin, Duration timeout, SendWatch sends, Duration sendStall) {
        this.admin = admin;
        this.timeout = timeout;
        this.sends = sends;
        this.sendStall = sendStall;
    }

    /** Why the node is not ready, empty when it is. */
    public synchronized Optional<String> problem() {
        if (System.nanoTime() - checkedAt >= CACHE_NANOS) {
            reachable = clusterAnswers();
            sendProblem = sends.problem(sendStall);
            checkedAt = System.nanoTime();
        }
        if (!reachable) {
            return Optional.of("kafka unreachable");
        }
        return Optional.ofNullable(sendProblem);
    }

    /** 1 when the last check found the brokers reachable, else 0 (for a gauge; it never asks the cluster). */
    public double reachableGauge() {
        return reachable ? 1 : 0;
    }

    /** 1 when the last check found the producers delivering, else 0. */
    public double deliveringGauge() {
        return sendProblem == null ? 1 : 0;
    }

    private boolean clusterAnswers() {
        try {
            return admin.describeCluster(new DescribeClusterOptions().timeoutMs((int) timeout.toMillis()))
                    .nodes().get(timeout.toMillis(), TimeUnit.MILLISECONDS).size() > 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (Exception e) {
            return false;
        }
    }
}
