package io.ingestline.kql.eval;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;

/**
 * The time transformations may spend on one batch of events and on each event of it, counted in the CPU time of the
 * thread that runs them: a garbage collection, a starved CPU or a stopped process does not count, work does.
 * {@link Pipeline#run(Object[], Budget)} makes it the running thread's budget, checked before each step and, every
 * few characters, while a regular expression reads ({@link Regex}); past either limit, the check throws
 * {@link OverBudget}, which fails the event at hand, and once the batch's is spent every later check of the batch
 * throws too.
 *
 * <p>A check is one clock read ({@link System#nanoTime()}): the thread's CPU time, which costs a system call, is read
 * only once a clock's wall time shows that its limit could have been reached, and first after a millisecond. So a
 * limit is met after at least its time in CPU, and at most a millisecond more; an event of less than a millisecond
 * never reads it. One budget per batch, used by the thread that started it.
 */
public final class Budget {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final boolean CPU = THREADS.isCurrentThreadCpuTimeSupported();
    /** Wall time a clock runs before it reads the CPU time the first time. */
    private static final long FIRST_LOOK = Duration.ofMillis(1).toNanos();
    private static final ThreadLocal<Budget> RUNNING = new ThreadLocal<>();

    private final Clock batch;
    private final Clock event;
    private final Duration perEvent;
    private final Duration perBatch;
    /** The wall time of the next look at the CPU time: the earlier of the two clocks'. */
    private long nextLook;

    private Budget(Duration perEvent, Duration perBatch) {
        this.perEvent = perEvent;
        this.perBatch = perBatch;
        long now = System.nanoTime();
        this.batch = new Clock(perBatch.toNanos(), now);
        this.event = new Clock(perEvent.toNanos(), now);
        this.nextLook = earlier(batch.nextLook, event.nextLook);
    }

    /** A batch's budget, starting now, for the running thread. */
    public static Budget start(Duration perEvent, Duration perBatch) {
        if (perEvent.isNegative() || perEvent.isZero() || perBatch.isNegative() || perBatch.isZero()) {
            throw new IllegalArgumentException("budgets must be positive");
        }
        return new Budget(perEvent, perBatch);
    }

    /** The next event of the batch starts now. */
    public void nextEvent() {
        event.restart(System.nanoTime());
        nextLook = earlier(batch.nextLook, event.nextLook);
    }

    public Duration perEvent() {
        return perEvent;
    }

    public Duration perBatch() {
        return perBatch;
    }

    static void enter(Budget b) {
        RUNNING.set(b);
    }

    static void exit() {
        RUNNING.remove();
    }

    /** @throws OverBudget when the running thread's budget is spent */
    static void check() {
        Budget b = RUNNING.get();
        if (b != null) {
            b.checkNow();
        }
    }

    private void checkNow() {
        if (batch.spent || event.spent) {
            throw new OverBudget(batch.spent);
        }
        long now = System.nanoTime();
        if (now - nextLook < 0) {
            return;
        }
        long cpu = CPU ? THREADS.getCurrentThreadCpuTime() : -1;
        if (cpu < 0) {
            cpu = now; // no CPU clock on this JVM (or turned off): wall time stands in
        }
        if (batch.look(now, cpu)) {
            throw new OverBudget(true);
        }
        if (event.look(now, cpu)) {
            throw new OverBudget(false);
        }
        nextLook = earlier(batch.nextLook, event.nextLook);
    }

    private static long earlier(long a, long b) {
        return a - b < 0 ? a : b;
    }

    /**
     * One limit's account. Until its first look at the CPU time it only knows the wall time; the CPU time before that
     * look (at most the millisecond before it) is not counted.
     */
    private static final class Clock {
        private final long limit;
        private boolean anchored;
        private long cpuAtAnchor;
        private long nextLook;
        private boolean spent;

        Clock(long limit, long now) {
            this.limit = limit;
            restart(now);
        }

        void restart(long now) {
            anchored = false;
            spent = false;
            nextLook = now + Math.min(limit, FIRST_LOOK);
        }

        /** True when the limit is reached; else when to look next (CPU time cannot grow faster than wall time). */
        boolean look(long now, long cpu) {
            if (now - nextLook < 0) {
                return false;
            }
            if (!anchored) {
                anchored = true;
                cpuAtAnchor = cpu;
            }
            long used = cpu - cpuAtAnchor;
            if (used >= limit) {
                spent = true;
                return true;
            }
            nextLook = now + (limit - used);
            return false;
        }
    }

    /** The running thread's budget is spent: the event at hand fails, with this reason. */
    public static final class OverBudget extends KqlRuntimeException {
        private static final long serialVersionUID = 1L;
        private final boolean batch;

        OverBudget(boolean batch) {
            super(batch ? "the batch's transformation time budget is spent"
                    : "the transformation ran over its time budget for one event");
            this.batch = batch;
        }

        /** Whether the batch's budget ran out (else the event's). */
        public boolean batch() {
            return batch;
        }
    }
}
