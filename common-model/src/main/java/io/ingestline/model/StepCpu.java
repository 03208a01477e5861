package io.ingestline.model;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * CPU time spent in the validator's and the sink's steps, for the pipeline benchmark's cost budget. Off unless the
 * JVM runs with {@code -Dingestline.step-cpu=true}; callers test {@link #ENABLED} (a constant, so the JIT drops the
 * timing code when it is off). On, each step reads its thread's CPU clock ({@link #now()}, a system call of some
 * hundreds of nanoseconds, more on a virtual machine): the sink a few times per poll, the validator five times
 * per event but only in one batch of {@link #SAMPLE_EVERY}, so that the clock's own cost stays small beside what
 * the stage's threads spend in all (each timed step of the validator holds about one read; the benchmark measures
 * a read and takes it off).
 */
public final class StepCpu {
    public static final boolean ENABLED = Boolean.getBoolean("ingestline.step-cpu");
    /**
     * The validator times one batch in this many: at one in 32 the clock's reads took about 2% of the pipeline JVM's
     * CPU (a profile of the files benchmark at 120,000 events/s), at one in 128 a quarter of that, still tens of
     * thousands of events timed in a 30-second run.
     */
    public static final int SAMPLE_EVERY = 128;

    /** A step, named {@code <stage>.<step>}; {@link #count} counts the events each stage's timed steps saw. */
    public enum Step {
        /** The batch's time less its events' steps below: reading the raw batch, finding lines, dead letters. */
        VALIDATOR_SPLIT("validator.split"),
        /**
         * Parsing an event into a tree; for an event that takes a streaming pass, the whole pass: for a dataset
         * without a rule the one that parses, checks and writes the value ({@code PassThrough}), for a dataset's rule
         * that reads its declared columns only the one that parses, checks, runs the transformation on a tree of those
         * columns and writes the value ({@code RulePass}). Such events add nothing to the checks+rule step, and only
         * the headers and the record's size to the envelope step.
         */
        VALIDATOR_PARSE("validator.parse"),
        /** The tree path's checks and rule's transformation: one call ({@code CompiledTarget.apply}), timed as one. */
        VALIDATOR_CHECKS_RULE("validator.checks+rule"),
        VALIDATOR_ENVELOPE("validator.envelope"),
        /** Handing the record to Kafka Streams' producer ({@code forward}, then {@code send}). */
        VALIDATOR_SEND("validator.send"),
        SINK_POLL("sink.poll"),
        /**
         * The records into the backend's buffers (the file backend compresses on threads of its own; the PostgreSQL
         * backend encodes each event's binary {@code COPY} row here, its typed columns read from the event included).
         */
        SINK_WRITE("sink.write"),
        /**
         * Inside a commit of the PostgreSQL backend: writing the {@code COPY} data (with binary {@code COPY}, sorting
         * the rows written and copying them, and encoding again the few whose typed columns changed; with text
         * {@code COPY}, building the rows).
         */
        SINK_ENCODE("sink.encode"),
        /**
         * Inside a commit of the PostgreSQL backend: the driver's {@code COPY} calls (start, sending the text, waiting
         * for PostgreSQL to finish it), this thread's CPU meanwhile.
         */
        SINK_LOAD("sink.load"),
        /** The rest of a commit (the encode and load steps left out): offsets, tables, the transaction's commit. */
        SINK_COMMIT("sink.commit");

        public final String label;

        Step(String label) {
            this.label = label;
        }
    }

    /** The stages whose events are counted. */
    public enum Stage {
        VALIDATOR, SINK
    }

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final LongAdder[] NANOS = adders(Step.values().length);
    private static final LongAdder[] EVENTS = adders(Stage.values().length);
    /**
     * Per thread, the CPU of inner steps ({@link #addInner}) not yet added, by step, and their sum in the last slot:
     * held until the step around them ends ({@link #addAround}), so that inner steps taken outside a timed step (a
     * commit nobody times) count nowhere, as that step would not.
     */
    private static final ThreadLocal<long[]> INNER = ThreadLocal.withInitial(() -> new long[Step.values().length + 1]);

    private StepCpu() {
    }

    /** This thread's CPU time, in nanoseconds. */
    public static long now() {
        return THREADS.getCurrentThreadCpuTime();
    }

    /** Adds the CPU time since {@code since} (a {@link #now()}) to a step; returns the time now. */
    public static long add(Step step, long since) {
        long now = now();
        NANOS[step.ordinal()].add(now - since);
        return now;
    }

    /**
     * Starts a thread's chain of steps timed with {@link #addAround}: inner steps left from before (taken where no
     * step was timed) are dropped. Returns {@link #now()}.
     */
    public static long begin() {
        Arrays.fill(INNER.get(), 0);
        return now();
    }

    /**
     * Times a step taken inside another one (the PostgreSQL backend's encode and load, inside the sink's commit): the
     * CPU since {@code since} is held until the step around it ends ({@link #addAround}), which then counts it here
     * and leaves it out of its own, so the steps stay disjoint. Returns the time now.
     */
    public static long addInner(Step step, long since) {
        long now = now();
        long[] inner = INNER.get();
        inner[step.ordinal()] += now - since;
        inner[inner.length - 1] += now - since;
        return now;
    }

    /**
     * {@link #add} for a step that may hold inner ones ({@link #addInner}): adds the CPU since {@code since} less
     * theirs to {@code step}, and theirs to them. Returns the time now.
     */
    public static long addAround(Step step, long since) {
        long now = now();
        long[] inner = INNER.get();
        NANOS[step.ordinal()].add(now - since - inner[inner.length - 1]);
        for (int i = 0; i < inner.length - 1; i++) {
            if (inner[i] != 0) {
                NANOS[i].add(inner[i]);
                inner[i] = 0;
            }
        }
        inner[inner.length - 1] = 0;
        return now;
    }

    /** Counts the events a stage's timed steps saw. */
    public static void count(Stage stage, long events) {
        EVENTS[stage.ordinal()].add(events);
    }

    /** Each step's CPU nanoseconds so far, by label, then {@code events.validator} and {@code events.sink}. */
    public static Map<String, Long> totals() {
        Map<String, Long> out = new LinkedHashMap<>();
        for (Step s : Step.values()) {
            out.put(s.label, NANOS[s.ordinal()].sum());
        }
        for (Stage s : Stage.values()) {
            out.put("events." + s.name().toLowerCase(java.util.Locale.ROOT), EVENTS[s.ordinal()].sum());
        }
        return out;
    }

    private static LongAdder[] adders(int n) {
        LongAdder[] a = new LongAdder[n];
        for (int i = 0; i < n; i++) {
            a[i] = new LongAdder();
        }
        return a;
    }
}
