package io.ingestline.sink.consume;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The sink's own metrics (the consumers' {@code kafka_consumer_*} metrics, lag included, are bound beside them):
 * {@code sink_events_total{dataset}} events stored and committed, {@code sink_commit_seconds} (histogram) time to
 * commit, {@code sink_dead_letters_total{dataset}} events storage refused, {@code sink_dead_letters_unstored_total}
 * dead letters storage refused as dataset {@code _deadletter} (left in the dead-letter topic only),
 * {@code sink_malformed_records_total{dataset}} dataset records not in the validator's form (skipped; logged), and per worker
 * {@code sink_worker_stalled{worker}} (1 while it has work and has not committed within the stall threshold) and
 * {@code sink_worker_seconds_since_progress{worker}} (since it last committed or had nothing to do).
 */
public final class SinkMetrics {
    private final MeterRegistry registry;
    private final Map<String, Counter> stored = new ConcurrentHashMap<>();
    private final Map<String, Counter> rejected = new ConcurrentHashMap<>();
    private final Map<String, Counter> malformed = new ConcurrentHashMap<>();
    private final Timer commits;
    private final Counter unstored;

    public SinkMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.commits = Timer.builder("sink.commit").description("Time to make a batch durable and commit its offsets")
                .publishPercentileHistogram().register(registry);
        this.unstored = Counter.builder("sink.dead.letters.unstored")
                .description("Dead letters storage refused as dataset _deadletter; they stay in the dead-letter topic only")
                .register(registry);
    }

    void stored(String dataset, int events) {
        stored.computeIfAbsent(dataset, d -> Counter.builder("sink.events").tag("dataset", d)
                .description("Events stored and committed").register(registry)).increment(events);
    }

    public void rejected(String dataset) {
        rejected.computeIfAbsent(dataset, d -> Counter.builder("sink.dead.letters").tag("dataset", d)
                .description("Events storage refused, sent to the dead-letter topic").register(registry)).increment();
    }

    void malformed(String dataset) {
        malformed.computeIfAbsent(dataset, d -> Counter.builder("sink.malformed.records").tag("dataset", d)
                .description("Dataset records not in the validator's form, skipped (the log names each)")
                .register(registry)).increment();
    }

    void unstored() {
        unstored.increment();
    }

    /** Gauges of a worker's progress. */
    public void worker(String name, SinkWorker worker) {
        Gauge.builder("sink.worker.stalled", worker, w -> w.stalled() ? 1 : 0).tag("worker", name)
                .description("1 while the worker has work and has not committed within the stall threshold")
                .register(registry);
        Gauge.builder("sink.worker.seconds.since.progress", worker, SinkWorker::secondsSinceProgress)
                .tag("worker", name).description("Seconds since the worker last committed or had nothing to do")
                .register(registry);
    }

    void committed(long nanos) {
        commits.record(nanos, TimeUnit.NANOSECONDS);
    }
}
