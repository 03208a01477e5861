package io.ingestline.validator.topology;

import java.time.Duration;

/**
 * Whether a dataset's topic is there to write to. Never blocks the stream thread: a topic that is not known to exist
 * is asked for (created off the thread), waited for briefly, else reported {@link Pending}: the batch is then parked
 * ({@link ParkedBatches}) and split once the topic exists.
 */
@FunctionalInterface
public interface DatasetTopics {
    /**
     * The topic of {@code dataset}; cheap when it is known to exist (this runs for every batch). Otherwise its
     * creation is asked for, and waited for at most {@code wait}.
     */
    Status status(String dataset, Duration wait);

    /** Where a dataset's topic stands. */
    sealed interface Status permits Ready, Pending, Failed {
    }

    /** It exists and its partitions have leaders. */
    record Ready() implements Status {
    }

    /** Being created (or checked): write nothing to it yet. */
    record Pending() implements Status {
    }

    /** It cannot be created (for example not authorized); events for it go to the dead letters with the reason. */
    record Failed(String reason) implements Status {
    }

    Status READY = new Ready();
    Status PENDING = new Pending();
}
