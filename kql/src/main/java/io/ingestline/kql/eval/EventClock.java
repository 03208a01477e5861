package io.ingestline.kql.eval;

import java.time.Instant;

/**
 * The instant {@code now()} and {@code ago()} read: the same for every call in one evaluation of a rule for an event
 * (as Kusto's are across one query). A pipeline whose query calls them reads the clock once per event, before its
 * first step ({@link #start}); one that does not never touches it.
 */
final class EventClock {
    private static final ThreadLocal<Instant> NOW = new ThreadLocal<>();

    private EventClock() {
    }

    /** Reads the clock for the event the running thread starts on. */
    static void start() {
        NOW.set(Instant.now());
    }

    /** The event's instant; the clock itself outside a pipeline's run. */
    static Instant now() {
        Instant i = NOW.get();
        return i != null ? i : Instant.now();
    }
}
