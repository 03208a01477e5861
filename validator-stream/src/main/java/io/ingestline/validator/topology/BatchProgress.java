package io.ingestline.validator.topology;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * When each stream thread started the batch it is processing, so that readiness can tell a thread stuck on one
 * batch (a transformation that does not end, a send waiting on metadata) from a slow one. Kafka Streams' own state
 * stays RUNNING in that case.
 */
public final class BatchProgress {
    private final Map<Thread, Long> started = new ConcurrentHashMap<>();
    private final Runnable onBatch;

    /** @param onBatch run at the start of every batch: a seam for tests that stall a thread on purpose */
    public BatchProgress(Runnable onBatch) {
        this.onBatch = onBatch;
    }

    public BatchProgress() {
        this(() -> { });
    }

    /** A stream thread's batch processing for longer than {@code stallMillis}, if any. */
    public record Stall(String thread, long millis) {
    }

    void begin() {
        started.put(Thread.currentThread(), System.nanoTime());
        onBatch.run();
    }

    void end() {
        started.remove(Thread.currentThread());
    }

    /** The thread whose current batch has run the longest, if over {@code stallMillis}. */
    public Optional<Stall> longestOver(long stallMillis) {
        long now = System.nanoTime();
        Stall worst = null;
        for (Map.Entry<Thread, Long> e : started.entrySet()) {
            long ms = (now - e.getValue()) / 1_000_000;
            if (ms > stallMillis && (worst == null || ms > worst.millis())) {
                worst = new Stall(e.getKey().getName(), ms);
            }
        }
        return Optional.ofNullable(worst);
    }

    /** How long the longest batch in progress has run, in milliseconds (0 when none is). */
    public long longestMillis() {
        long now = System.nanoTime();
        return started.values().stream().mapToLong(t -> (now - t) / 1_000_000).max().orElse(0);
    }
}
