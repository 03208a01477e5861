package io.ingestline.validator.topology;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The validator's own counters (Kafka Streams' metrics are bound beside them):
 * <ul>
 *   <li>{@code validator_events_total{dataset,rule}}: events routed to a dataset topic;</li>
 *   <li>{@code validator_filtered_total{dataset,rule}}: events a transformation's {@code where} dropped;</li>
 *   <li>{@code validator_dead_letters_total{dataset,rule,reason}}: events (or whole records) sent to the dead
 *       letters, the reason being the stage that failed;</li>
 *   <li>{@code validator_duplicate_batches_total}, {@code validator_duplicate_events_total}: retried batches dropped;</li>
 *   <li>{@code validator_parked_batches_total}: batches put aside until a dataset topic they need exists;</li>
 *   <li>{@code validator_stalled} (set by the validator): 1 while a stream thread has been on one batch for longer
 *       than the stall limit, and {@code validator_batch_longest_seconds}: how long the longest batch in progress
 *       has run.</li>
 * </ul>
 * {@code rule} is {@code dcr/<id>@<version>}, {@code dataset/<name>@<version>}, or {@code none}; {@code dataset} is
 * {@code -} when the event failed before reaching one.
 */
public final class ValidatorMetrics {
    static final String NONE = "none";
    private final MeterRegistry registry;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    private final Counter duplicateBatches;
    private final Counter duplicateEvents;
    private final Counter parkedBatches;

    public ValidatorMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.duplicateBatches = Counter.builder("validator.duplicate.batches")
                .description("Raw batches dropped as retries of one already processed").register(registry);
        this.duplicateEvents = Counter.builder("validator.duplicate.events")
                .description("Events in the raw batches dropped as retries").register(registry);
        this.parkedBatches = Counter.builder("validator.parked.batches")
                .description("Batches put aside until a dataset topic they need exists")
                .register(registry);
    }

    void routed(String dataset, String rule, int events) {
        counter("validator.events", "Events routed to a dataset topic", dataset, rule, null).increment(events);
    }

    void filtered(String dataset, String rule, int events) {
        counter("validator.filtered", "Events a transformation filtered out", dataset, rule, null).increment(events);
    }

    void deadLetter(String dataset, String rule, String reason) {
        counter("validator.dead.letters", "Events or records sent to the dead-letter topic", dataset, rule, reason)
                .increment();
    }

    /** A batch parked because a topic it needs is being created. */
    void parked() {
        parkedBatches.increment();
    }

    void duplicate(String eventCount) {
        duplicateBatches.increment();
        try {
            duplicateEvents.increment(eventCount == null ? 0 : Integer.parseInt(eventCount));
        } catch (NumberFormatException e) {
            // a malformed count is the splitter's to report; the batch is still counted
        }
    }

    private Counter counter(String name, String description, String dataset, String rule, String reason) {
        String d = dataset == null ? "-" : dataset;
        String r = rule == null ? NONE : rule;
        String key = name + '\n' + d + '\n' + r + '\n' + reason;
        Counter c = counters.get(key);
        if (c == null) {
            Counter.Builder b = Counter.builder(name).description(description).tag("dataset", d).tag("rule", r);
            if (reason != null) {
                b.tag("reason", reason);
            }
            c = counters.computeIfAbsent(key, k -> b.register(registry));
        }
        return c;
    }
}
