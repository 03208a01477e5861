package io.ingestline.kql.eval;

/**
 * The time a transformation may spend on one event: a deadline ({@link System#nanoTime()}) held for the running
 * thread while {@link Pipeline#run(Object[], long)} runs, checked between the pipeline's steps and, every few
 * characters, while a regular expression reads its input ({@link Regex}). Past it, {@link #check()} throws
 * {@link OverBudget}, which fails only the event at hand. Without a deadline (compiling, or {@link Pipeline#run(Object[])})
 * nothing is checked. A check costs one clock read, so it runs between units of bounded work, not per character.
 */
public final class Budget {
    /** The running thread's deadline; {@code set} false when there is none. */
    private static final class Slot {
        boolean set;
        long deadline;
    }

    private static final ThreadLocal<Slot> SLOT = ThreadLocal.withInitial(Slot::new);

    private Budget() {
    }

    static void start(long deadlineNanos) {
        Slot s = SLOT.get();
        s.set = true;
        s.deadline = deadlineNanos;
    }

    static void end() {
        SLOT.get().set = false;
    }

    /** @throws OverBudget when the running thread's deadline has passed */
    static void check() {
        Slot s = SLOT.get();
        if (s.set && System.nanoTime() - s.deadline > 0) {
            throw new OverBudget();
        }
    }

    /** The running thread's deadline passed: the event at hand fails, with this reason. */
    public static final class OverBudget extends KqlRuntimeException {
        private static final long serialVersionUID = 1L;

        OverBudget() {
            super("the transformation ran over its time budget for one event");
        }
    }
}
