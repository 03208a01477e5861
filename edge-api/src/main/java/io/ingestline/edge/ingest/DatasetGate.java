package io.ingestline.edge.ingest;

import io.ingestline.model.BatchTarget;
import java.util.Collection;
import java.util.concurrent.CompletableFuture;

/**
 * Lets a request's batches go to Kafka only once the datasets they write to exist. The future fails with
 * {@link DatasetLimitException} when the token may not create one more, or {@link DatasetNotReadyException} when a
 * dataset could not be made ready in time; nothing of the request is published then.
 */
@FunctionalInterface
public interface DatasetGate {
    /** For tests and benchmarks that publish to a broker which creates what it is sent to. */
    DatasetGate OPEN = (tokenId, targets) -> CompletableFuture.completedFuture(null);

    CompletableFuture<Void> ready(String tokenId, Collection<BatchTarget> targets);

    /** The token has created as many datasets as it may: 403, the request is refused whole. */
    final class DatasetLimitException extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final String tokenId;

        public DatasetLimitException(String tokenId, String dataset, int max) {
            super("token " + tokenId + " has already created " + max + " datasets, the most a token may create; "
                    + "dataset " + dataset + " does not exist yet");
            this.tokenId = tokenId;
        }

        public String tokenId() {
            return tokenId;
        }
    }

    /** A new dataset's topic was not created and led in time: 503, the client retries. */
    final class DatasetNotReadyException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public DatasetNotReadyException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
