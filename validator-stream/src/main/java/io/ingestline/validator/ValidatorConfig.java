package io.ingestline.validator;

import io.ingestline.model.env.EnvReader;
import io.ingestline.model.env.Setting;
import io.ingestline.model.kafka.KafkaSettings;
import io.ingestline.rules.EventChecks;
import io.ingestline.rules.RuleBudget;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Everything the validator reads from its environment.
 *
 * @param kafka         brokers and topics
 * @param applicationId Kafka Streams application id: instances with the same id share the work
 * @param stateDir      Kafka Streams state directory
 * @param httpHost      interface of the status endpoints ({@code /metrics}, {@code /health}, {@code /ready})
 * @param httpPort      their port: 0 any free port, -1 none
 * @param limits        the checks' limits on each event, and the rules' time budget per event and per batch
 * @param dedupWindow   how long a client request id is remembered to drop retried batches (zero: never dropped)
 * @param output        the limits and timeouts of what the validator writes, and of its health
 * @param streams       Kafka Streams settings passed through ({@code KAFKA_STREAMS_*}, for example
 *                      {@code KAFKA_STREAMS_NUM_STREAM_THREADS})
 * @param inputBufferBytes bytes of raw records read ahead of processing, at most ({@link #bufferedRecordsPerPartition})
 */
public record ValidatorConfig(KafkaSettings kafka, String applicationId, Path stateDir, String httpHost, int httpPort,
        EventChecks.Limits limits, Duration dedupWindow, Output output, Map<String, Object> streams,
        long inputBufferBytes) {
    public static final Setting APPLICATION_ID = new Setting("INGEST_VALIDATOR_APP_ID", "ingest-validator",
            "Kafka Streams application id; every validator instance with the same id shares the raw topic's partitions");
    public static final Setting STATE_DIR = new Setting("INGEST_VALIDATOR_STATE_DIR",
            Path.of(System.getProperty("java.io.tmpdir"), "ingest-validator").toString(),
            "Kafka Streams state directory");
    public static final Setting HTTP_HOST = new Setting("INGEST_VALIDATOR_HTTP_HOST", "0.0.0.0",
            "Interface of the validator's /metrics, /health and /ready");
    public static final Setting HTTP_PORT = new Setting("INGEST_VALIDATOR_HTTP_PORT", "8091",
            "Port of the validator's /metrics, /health and /ready (0: any free port, -1: none)");
    public static final Setting MAX_EVENT_BYTES = new Setting("INGEST_VALIDATOR_MAX_EVENT_BYTES", "2097152",
            "Largest event the validator accepts, in bytes of JSON; a larger one goes to the dead letters. At least "
                    + "the edge's INGEST_MAX_RECORD_BYTES, so that no event the edge took is refused for its size");
    public static final Setting MAX_FIELDS = new Setting("INGEST_VALIDATOR_MAX_FIELDS", "1000",
            "Most top-level fields of a dataset's event; more goes to the dead letters");
    public static final Setting RULE_BUDGET_MS = new Setting("INGEST_VALIDATOR_RULE_BUDGET_MS", "50",
            "Most time (ms) a rule's transformations may spend on one event, all its data flows together; an event "
                    + "that needs more goes to the dead letters (stage transform, the reason names the budget)");
    public static final Setting RULE_BATCH_BUDGET_MS = new Setting("INGEST_VALIDATOR_RULE_BATCH_BUDGET_MS", "2000",
            "Most time (ms) a rule's transformations may spend on one batch's events together; the events left when "
                    + "it runs out go to the dead letters (stage transform). At least INGEST_VALIDATOR_RULE_BUDGET_MS, "
                    + "at most half of INGEST_VALIDATOR_TRANSACTION_TIMEOUT_MS");
    public static final Setting DEDUP_WINDOW_MS = new Setting("INGEST_DEDUP_WINDOW_MS", "3600000",
            "How long (ms) a client request id (Idempotency-Key, x-ms-client-request-id) is remembered: a batch "
                    + "retried within it is dropped; 0 turns this off");
    public static final Setting MAX_RECORD_BYTES = new Setting("INGEST_VALIDATOR_MAX_RECORD_BYTES", "3145728",
            "Largest record the validator writes (its producer's max.request.size); a larger output event goes to the "
                    + "dead letters. Must hold the largest event with its envelope and headers, and with 1/64 for "
                    + "compression fit INGEST_TOPIC_MAX_MESSAGE_BYTES");
    public static final Setting TRANSACTION_TIMEOUT_MS = new Setting("INGEST_VALIDATOR_TRANSACTION_TIMEOUT_MS",
            "10000", "Longest a validator transaction may stay open before the broker aborts it (and how long "
                    + "read_committed sinks wait on one left open by a dead instance); a record not delivered "
                    + "within it is not waited for longer (delivery.timeout.ms)");
    public static final Setting TOPIC_WAIT_MS = new Setting("INGEST_VALIDATOR_TOPIC_WAIT_MS", "2000",
            "Longest a stream thread waits for a new dataset's topic to be created (off the thread) before it "
                    + "parks the batch in its state to split it once the topic exists; at most half the transaction "
                    + "timeout");
    public static final Setting STALL_MS = new Setting("INGEST_VALIDATOR_STALL_MS", "5000",
            "A stream thread on one batch for longer than this (ms) is stalled: /ready answers 503");
    public static final Setting CLOSE_TIMEOUT_MS = new Setting("INGEST_VALIDATOR_CLOSE_TIMEOUT_MS", "10000",
            "Longest shutdown waits for the stream threads to commit and stop (ms); then it gives up on them");
    public static final Setting INPUT_BUFFER_BYTES = new Setting("INGEST_VALIDATOR_INPUT_BUFFER_BYTES", "536870912",
            "Most bytes of raw records a validator reads ahead of processing. Kafka Streams bounds them by a count "
                    + "per partition (buffered.records.per.partition, 1000 by default: gigabytes of raw batches for a "
                    + "validator behind a backlog), set to this divided by INGEST_RAW_PARTITIONS times "
                    + "INGEST_TOPIC_MAX_MESSAGE_BYTES (the largest raw record), at least 1; "
                    + "KAFKA_STREAMS_BUFFERED_RECORDS_PER_PARTITION overrides it");
    public static final String STREAMS_PREFIX = "KAFKA_STREAMS_";
    private static final long DEFAULT_INPUT_BUFFER_BYTES = 512L << 20;

    /**
     * @param maxRecordBytes     the largest record written: the producer's {@code max.request.size}
     * @param transactionTimeout the producer's {@code transaction.timeout.ms} and {@code delivery.timeout.ms}
     * @param topicWait          how long a stream thread waits for a topic being created
     * @param stall              how long one batch may run before the validator reports itself not ready
     * @param closeTimeout       how long shutdown waits for the stream threads
     */
    public record Output(int maxRecordBytes, Duration transactionTimeout, Duration topicWait, Duration stall,
            Duration closeTimeout) {
        public static Output defaults() {
            return new Output(3 * 1024 * 1024, Duration.ofSeconds(10), Duration.ofSeconds(2), Duration.ofSeconds(5),
                    Duration.ofSeconds(10));
        }
    }

    public static final List<Setting> SETTINGS = Stream.concat(KafkaSettings.SETTINGS.stream(),
            Stream.of(APPLICATION_ID, STATE_DIR, HTTP_HOST, HTTP_PORT, MAX_EVENT_BYTES, MAX_FIELDS, RULE_BUDGET_MS,
                    RULE_BATCH_BUDGET_MS, DEDUP_WINDOW_MS,
                    MAX_RECORD_BYTES, TRANSACTION_TIMEOUT_MS, TOPIC_WAIT_MS, STALL_MS, CLOSE_TIMEOUT_MS,
                    INPUT_BUFFER_BYTES))
            .toList();

    public ValidatorConfig {
        streams = Map.copyOf(streams);
    }

    /** With the default read-ahead ({@value #DEFAULT_INPUT_BUFFER_BYTES} bytes). */
    public ValidatorConfig(KafkaSettings kafka, String applicationId, Path stateDir, String httpHost, int httpPort,
            EventChecks.Limits limits, Duration dedupWindow, Output output, Map<String, Object> streams) {
        this(kafka, applicationId, stateDir, httpHost, httpPort, limits, dedupWindow, output, streams,
                DEFAULT_INPUT_BUFFER_BYTES);
    }

    /**
     * Kafka Streams' {@code buffered.records.per.partition}: the read-ahead's bytes over the raw partitions and the
     * largest raw record, so that a lagging validator holding every partition's buffer full of the largest records
     * stays within them (a poll's records beyond it, at most {@code max.partition.fetch.bytes} a partition, come on
     * top); at least 1.
     */
    public int bufferedRecordsPerPartition() {
        long perPartition = inputBufferBytes / ((long) kafka.rawPartitions() * kafka.maxMessageBytes());
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, perPartition));
    }

    public static ValidatorConfig fromEnv(Map<String, String> env) {
        EnvReader r = new EnvReader(env);
        ValidatorConfig c = new ValidatorConfig(KafkaSettings.read(r), r.string(APPLICATION_ID), r.path(STATE_DIR),
                r.string(HTTP_HOST), r.integer(HTTP_PORT, -1, 65535),
                new EventChecks.Limits(Math.max(1, r.integer(MAX_EVENT_BYTES, 1, Integer.MAX_VALUE)),
                        Math.max(1, r.integer(MAX_FIELDS, 1, Integer.MAX_VALUE)),
                        new RuleBudget(positive(r.millis(RULE_BUDGET_MS, 1, Duration.ofMinutes(1).toMillis())),
                                positive(r.millis(RULE_BATCH_BUDGET_MS, 1, Duration.ofMinutes(15).toMillis())))),
                r.millis(DEDUP_WINDOW_MS, 0, Duration.ofDays(7).toMillis()),
                new Output(r.integer(MAX_RECORD_BYTES, 16 * 1024, Integer.MAX_VALUE),
                        r.millis(TRANSACTION_TIMEOUT_MS, 2_000, Duration.ofMinutes(15).toMillis()),
                        r.millis(TOPIC_WAIT_MS, 0, Duration.ofMinutes(1).toMillis()),
                        r.millis(STALL_MS, 100, Duration.ofHours(1).toMillis()),
                        r.millis(CLOSE_TIMEOUT_MS, 0, Duration.ofMinutes(5).toMillis())),
                r.passThrough(STREAMS_PREFIX), r.longValue(INPUT_BUFFER_BYTES, 1, Long.MAX_VALUE));
        if (!c.kafka().fits(c.output().maxRecordBytes())) {
            r.problem(MAX_RECORD_BYTES.env() + "=" + c.output().maxRecordBytes() + " with 1/64 for compression does "
                    + "not fit " + KafkaSettings.MAX_MESSAGE_BYTES.env() + "=" + c.kafka().maxMessageBytes());
        }
        if (c.output.topicWait().multipliedBy(2).compareTo(c.output.transactionTimeout()) > 0) {
            r.problem(TOPIC_WAIT_MS.env() + " must be at most half of " + TRANSACTION_TIMEOUT_MS.env()
                    + ": the wait happens inside the transaction");
        }
        RuleBudget budget = c.limits.ruleBudget();
        if (budget.batch().compareTo(budget.event()) < 0) {
            r.problem(RULE_BATCH_BUDGET_MS.env() + " must be at least " + RULE_BUDGET_MS.env());
        }
        if (budget.batch().multipliedBy(2).compareTo(c.output.transactionTimeout()) > 0) {
            r.problem(RULE_BATCH_BUDGET_MS.env() + " must be at most half of " + TRANSACTION_TIMEOUT_MS.env()
                    + ": a batch's rules run inside the transaction");
        }
        r.finish("validator");
        return c;
    }

    /** A bad value is reported by the reader; this keeps the record constructible until it is. */
    private static Duration positive(Duration d) {
        return d.isNegative() || d.isZero() ? Duration.ofMillis(1) : d;
    }

    /** Settings as they apply; pass-through values are left out (they may hold credentials). */
    @Override
    public String toString() {
        return "ValidatorConfig[bootstrap=" + kafka.bootstrapServers() + ", topics=" + kafka.topics().prefix()
                + ", applicationId=" + applicationId + ", stateDir=" + stateDir + ", http=" + httpHost + ":" + httpPort
                + ", limits=" + limits + ", dedupWindow=" + dedupWindow + ", output=" + output + ", inputBufferBytes="
                + inputBufferBytes + " (" + bufferedRecordsPerPartition() + " records a partition), streams="
                + streams.keySet() + "]";
    }
}
