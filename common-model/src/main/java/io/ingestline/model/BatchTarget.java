package io.ingestline.model;

import java.util.Objects;

/** Where the events of a raw batch are headed: a dataset by name, or a data collection rule's input stream. */
public sealed interface BatchTarget {

    /** Dataset-path dialects (Axiom, Baselime, AstraLog, Loggly). */
    record Dataset(String name) implements BatchTarget {
        public Dataset {
            DatasetName.problem(name).ifPresent(p -> {
                throw new IllegalArgumentException(p + ": " + name);
            });
        }
    }

    /** Azure Logs Ingestion: a data collection rule's immutable id and one of its declared streams. */
    record Stream(String dcrImmutableId, String stream) implements BatchTarget {
        public Stream {
            Objects.requireNonNull(dcrImmutableId, "dcrImmutableId");
            Objects.requireNonNull(stream, "stream");
        }
    }
}
