package io.ingestline.validator;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.TransactionAbortableException;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.junit.jupiter.api.Test;

/**
 * A stream thread that stopped on a broker outage is replaced, not the validator stopped: ClusterFailureIT lost every
 * event after killing a broker when both validators shut down on exactly this chain (a send expired while the
 * partition's leader moved, then the commit found the transaction abortable).
 */
class StreamThreadFailureTest {
    @Test
    void a_commit_that_found_its_transaction_aborted_by_an_expired_send_replaces_the_thread() {
        Throwable seen = new StreamsException("Error encountered trying to add offsets to a transaction",
                new KafkaException("Cannot execute transactional method because we are in an error state",
                        new TransactionAbortableException("Transaction Request was aborted after exhausting retries.",
                                new TimeoutException("Expiring 51 record(s) for ingest.ds.failures-3:10018 ms has "
                                        + "passed since batch creation."))));

        assertThat(Validator.responseTo(seen)).isEqualTo(StreamThreadExceptionResponse.REPLACE_THREAD);
        assertThat(Validator.responseTo(new StreamsException(new TimeoutException("commit timed out"))))
                .isEqualTo(StreamThreadExceptionResponse.REPLACE_THREAD);
    }

    @Test
    void a_commit_after_sends_expired_unanswered_replaces_the_thread() {
        // The chain both validators stopped on in a CI run of ClusterFailureIT (2026-12-05), a broker killed under load:
        // the abortable error is a plain KafkaException, not a TransactionAbortableException.
        Throwable seen = new StreamsException("Error encountered trying to add offsets to a transaction",
                new KafkaException("Cannot execute transactional method because we are in an error state",
                        new KafkaException("The client hasn't received acknowledgment for some previously sent messages "
                                + "and can no longer retry them. It is safe to abort the transaction and continue.")));

        assertThat(Validator.responseTo(seen)).isEqualTo(StreamThreadExceptionResponse.REPLACE_THREAD);
    }

    @Test
    void anything_else_stops_the_validator() {
        assertThat(Validator.responseTo(new StreamsException(new TopicAuthorizationException("no"))))
                .isEqualTo(StreamThreadExceptionResponse.SHUTDOWN_CLIENT);
        assertThat(Validator.responseTo(new IllegalStateException("a bug")))
                .isEqualTo(StreamThreadExceptionResponse.SHUTDOWN_CLIENT);
    }
}
