package io.ingestline.validator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ingestline.rules.RuleBudget;
import io.ingestline.validator.topology.OutputErrorHandler;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class ValidatorConfigTest {
    @Test
    void reads_the_output_limits_and_timeouts_with_their_defaults() {
        ValidatorConfig c = ValidatorConfig.fromEnv(Map.of());
        assertThat(c.output()).isEqualTo(ValidatorConfig.Output.defaults());
        assertThat(c.output().closeTimeout()).isLessThan(Duration.ofSeconds(30));

        ValidatorConfig set = ValidatorConfig.fromEnv(Map.of("INGEST_VALIDATOR_MAX_RECORD_BYTES", "2000000",
                "INGEST_VALIDATOR_TRANSACTION_TIMEOUT_MS", "20000", "INGEST_VALIDATOR_TOPIC_WAIT_MS", "0",
                "INGEST_VALIDATOR_STALL_MS", "3000", "INGEST_VALIDATOR_CLOSE_TIMEOUT_MS", "1000"));
        assertThat(set.output()).isEqualTo(new ValidatorConfig.Output(2_000_000, Duration.ofSeconds(20),
                Duration.ZERO, Duration.ofSeconds(3), Duration.ofSeconds(1)));
    }

    @Test
    void refuses_a_topic_wait_over_half_the_transaction_timeout_and_bad_values_all_at_once() {
        assertThatThrownBy(() -> ValidatorConfig.fromEnv(Map.of("INGEST_VALIDATOR_TOPIC_WAIT_MS", "6000",
                "INGEST_VALIDATOR_MAX_RECORD_BYTES", "10", "INGEST_VALIDATOR_STALL_MS", "x")))
                .hasMessageContaining("INGEST_VALIDATOR_TOPIC_WAIT_MS must be at most half")
                .hasMessageContaining("INGEST_VALIDATOR_MAX_RECORD_BYTES=10")
                .hasMessageContaining("INGEST_VALIDATOR_STALL_MS=x");
    }

    @Test
    void reads_the_rule_budgets_and_refuses_ones_that_do_not_fit_the_transaction() {
        assertThat(ValidatorConfig.fromEnv(Map.of()).limits().ruleBudget()).isEqualTo(RuleBudget.DEFAULT)
                .isEqualTo(new RuleBudget(Duration.ofMillis(50), Duration.ofSeconds(2)));
        assertThat(ValidatorConfig.fromEnv(Map.of("INGEST_VALIDATOR_RULE_BUDGET_MS", "200",
                "INGEST_VALIDATOR_RULE_BATCH_BUDGET_MS", "3000")).limits().ruleBudget())
                .isEqualTo(new RuleBudget(Duration.ofMillis(200), Duration.ofSeconds(3)));

        assertThatThrownBy(() -> ValidatorConfig.fromEnv(Map.of("INGEST_VALIDATOR_RULE_BUDGET_MS", "0")))
                .hasMessageContaining("INGEST_VALIDATOR_RULE_BUDGET_MS=0");
        assertThatThrownBy(() -> ValidatorConfig.fromEnv(Map.of("INGEST_VALIDATOR_RULE_BUDGET_MS", "500",
                "INGEST_VALIDATOR_RULE_BATCH_BUDGET_MS", "400")))
                .hasMessageContaining("INGEST_VALIDATOR_RULE_BATCH_BUDGET_MS must be at least");
        assertThatThrownBy(() -> ValidatorConfig.fromEnv(Map.of("INGEST_VALIDATOR_RULE_BATCH_BUDGET_MS", "6000")))
                .hasMessageContaining("INGEST_VALIDATOR_RULE_BATCH_BUDGET_MS must be at most half of "
                        + "INGEST_VALIDATOR_TRANSACTION_TIMEOUT_MS");
    }

    @Test
    void commits_every_500_ms_unless_the_environment_says_otherwise() {
        assertThat(Validator.streamsProperties(ValidatorConfig.fromEnv(Map.of())))
                .containsEntry("commit.interval.ms", 500);
        assertThat(Validator.streamsProperties(ValidatorConfig.fromEnv(Map.of(
                "KAFKA_STREAMS_COMMIT_INTERVAL_MS", "100")))).containsEntry("commit.interval.ms", "100");
    }

    @Test
    void bounds_kafka_streams_read_ahead_by_bytes_over_the_raw_partitions_and_largest_record() {
        // 512 MiB over 6 partitions of records up to 4 MiB: 21 records a partition, not Kafka Streams' 1,000 (with
        // raw records of up to 2 MiB, 12 GiB when the validator lags)
        assertThat(Validator.streamsProperties(ValidatorConfig.fromEnv(Map.of())))
                .containsEntry("buffered.records.per.partition", 21);
        assertThat(Validator.streamsProperties(ValidatorConfig.fromEnv(Map.of(
                "INGEST_VALIDATOR_INPUT_BUFFER_BYTES", Long.toString(1L << 30), "INGEST_RAW_PARTITIONS", "3",
                "INGEST_TOPIC_MAX_MESSAGE_BYTES", Integer.toString(8 << 20), "INGEST_VALIDATOR_MAX_RECORD_BYTES",
                Integer.toString(4 << 20))))).containsEntry("buffered.records.per.partition", 42);
        // never 0 (Kafka Streams would then pause every partition after each poll), and pass-through wins
        assertThat(Validator.streamsProperties(ValidatorConfig.fromEnv(Map.of(
                "INGEST_VALIDATOR_INPUT_BUFFER_BYTES", "1")))).containsEntry("buffered.records.per.partition", 1);
        assertThat(Validator.streamsProperties(ValidatorConfig.fromEnv(Map.of(
                "KAFKA_STREAMS_BUFFERED_RECORDS_PER_PARTITION", "7"))))
                .containsEntry("buffered.records.per.partition", "7");
        assertThatThrownBy(() -> ValidatorConfig.fromEnv(Map.of("INGEST_VALIDATOR_INPUT_BUFFER_BYTES", "0")))
                .hasMessageContaining("INGEST_VALIDATOR_INPUT_BUFFER_BYTES=0");
    }

    @Test
    void gives_the_producer_coherent_limits_that_pass_through_cannot_undo() {
        Properties p = Validator.streamsProperties(ValidatorConfig.fromEnv(Map.of(
                "KAFKA_STREAMS_PRODUCER_MAX_REQUEST_SIZE", "99999999",
                "KAFKA_STREAMS_PRODUCTION_EXCEPTION_HANDLER", "org.example.Drop")));
        assertThat(p).containsEntry("producer.max.request.size", 3 * 1024 * 1024)
                .containsEntry("producer.transaction.timeout.ms", 10_000)
                .containsEntry("producer.delivery.timeout.ms", 10_000)
                .containsEntry("producer.request.timeout.ms", 4_800)
                .containsEntry("production.exception.handler", OutputErrorHandler.class)
                .containsEntry(OutputErrorHandler.MAX_RECORD_BYTES, 3 * 1024 * 1024)
                .containsEntry("topic.max.message.bytes", 4 * 1024 * 1024);
    }

    @Test
    void holds_an_edge_record_and_refuses_a_record_limit_the_topics_cannot_take() {
        ValidatorConfig c = ValidatorConfig.fromEnv(Map.of());
        assertThat(c.limits().maxEventBytes()).isEqualTo(2 * 1024 * 1024);
        assertThat(c.kafka().fits(c.output().maxRecordBytes())).isTrue();
        assertThatThrownBy(() -> ValidatorConfig.fromEnv(Map.of("INGEST_VALIDATOR_MAX_RECORD_BYTES", "4150000")))
                .hasMessageContaining("INGEST_VALIDATOR_MAX_RECORD_BYTES=4150000")
                .hasMessageContaining("INGEST_TOPIC_MAX_MESSAGE_BYTES=4194304");
        assertThat(ValidatorConfig.fromEnv(Map.of("INGEST_VALIDATOR_MAX_RECORD_BYTES", "8000000",
                "INGEST_TOPIC_MAX_MESSAGE_BYTES", "8388608")).output().maxRecordBytes()).isEqualTo(8_000_000);
    }
}
