package io.ingestline.edge.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.Test;

class SendWatchTest {
    private static final Duration LONG = Duration.ofHours(1);

    @Test
    void a_broker_side_failure_counts_until_a_send_succeeds_and_a_record_refused_for_itself_never_does() {
        SendWatch watch = new SendWatch();
        watch.done(watch.started(), null);
        assertThat(watch.problem(LONG)).isNull();

        watch.done(watch.started(), new RecordTooLargeException("too large"));
        assertThat(watch.problem(LONG)).as("the record's own fault says nothing of delivery").isNull();

        watch.done(watch.started(), new TimeoutException("expired"));
        assertThat(watch.problem(LONG)).isEqualTo("sends to kafka are failing");
        assertThat(watch.problem(Duration.ZERO)).as("an old failure is forgotten").isNull();

        watch.done(watch.started(), null);
        assertThat(watch.problem(LONG)).isNull();
        watch.done(watch.started(), new NotEnoughReplicasException("isr"));
        assertThat(watch.problem(LONG)).isNotNull();
    }

    @Test
    void a_send_waiting_longer_than_the_stall_makes_a_problem_until_it_ends() {
        SendWatch watch = new SendWatch();
        long id = watch.started();
        assertThat(watch.oldestPendingNanos()).isPositive();
        assertThat(watch.problem(Duration.ZERO)).startsWith("kafka has not acknowledged a send");
        assertThat(watch.problem(LONG)).isNull();
        watch.done(id, null);
        assertThat(watch.oldestPendingNanos()).isZero();
        assertThat(watch.problem(Duration.ZERO)).isNull();
    }
}
