package io.ingestline.rules;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;

/** What one event became on one route of its target. */
public sealed interface Outcome {
    /** Checks before the transformation: size, field names, declared column types, the time field. */
    String STAGE_VALIDATE = "validate";
    /** The transformation failed on the event (for example an integer division by zero, or its time budget ran out). */
    String STAGE_TRANSFORM = "transform";

    /**
     * An event for {@code dataset}.
     *
     * @param time its time from {@code _time} or {@code TimeGenerated}; null when it has none (the receive time applies)
     */
    record Output(String dataset, ObjectNode event, Instant time) implements Outcome {
    }

    /** The transformation filtered the event out of {@code dataset}. */
    record Dropped(String dataset) implements Outcome {
    }

    /**
     * The event cannot go on: for the dead letters.
     *
     * @param dataset the route's dataset, or null when the event failed before any route (validation)
     */
    record Failed(String stage, String dataset, String reason) implements Outcome {
    }
}
