package io.ingestline.validator;

import io.ingestline.model.kafka.KafkaSettings;
import io.ingestline.model.kafka.TopicProvisioner;
import io.ingestline.model.status.StatusServer;
import io.ingestline.validator.topology.BatchProgress;
import io.ingestline.validator.topology.OutputErrorHandler;
import io.ingestline.validator.topology.ValidatorMetrics;
import io.ingestline.validator.topology.ValidatorTopology;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TransactionAbortableException;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A running validator instance. {@link #failed()} completes if it stops on an unrecoverable error. */
public final class Validator implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Validator.class);

    private final Admin admin;
    private final DatasetTopicCache datasetTopics;
    private final BatchProgress progress;
    private final ValidatorConfig.Output output;
    private final KafkaStreams streams;
    private final PrometheusMeterRegistry registry;
    private final KafkaStreamsMetrics streamsMetrics;
    private final JvmGcMetrics gcMetrics = new JvmGcMetrics();
    private StatusServer status;
    private final CompletableFuture<Throwable> failed = new CompletableFuture<>();

    private Validator(Admin admin, DatasetTopicCache datasetTopics, BatchProgress progress,
            ValidatorConfig.Output output, KafkaStreams streams, PrometheusMeterRegistry registry) {
        this.admin = admin;
        this.datasetTopics = datasetTopics;
        this.progress = progress;
        this.output = output;
        this.streams = streams;
        this.registry = registry;
        Gauge.builder("validator.stalled", () -> stall().isPresent() ? 1 : 0)
                .description("1 while a stream thread has been on one batch for longer than INGEST_VALIDATOR_STALL_MS")
                .register(registry);
        Gauge.builder("validator.batch.longest", () -> progress.longestMillis() / 1000.0).baseUnit("seconds")
                .description("How long the longest batch in progress has run").register(registry);
        this.streamsMetrics = new KafkaStreamsMetrics(streams);
        streamsMetrics.bindTo(registry);
        new JvmMemoryMetrics().bindTo(registry);
        gcMetrics.bindTo(registry);
        streams.setUncaughtExceptionHandler(e -> {
            StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse response = responseTo(e);
            if (response == StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD) {
                LOG.warn("a stream thread stopped on a transient error; replacing it (its transaction is aborted, "
                        + "its tasks go on from their last commit): {}", chain(e));
            } else {
                LOG.error("validator stopped on an unrecoverable error", e);
                failed.complete(e);
            }
            return response;
        });
        streams.setStateListener((now, before) -> LOG.info("validator state {} -> {}", before, now));
    }

    /**
     * What a stream thread that stopped on {@code e} leads to. A transient error (a send or commit that timed out
     * while a broker was away longer than the delivery timeout, which leaves the producer's transaction abortable)
     * replaces the thread: under exactly-once its transaction is aborted and its tasks resume from their last commit,
     * so a broker outage of any length delays the validator but never stops it. Anything else stops it, loudly.
     */
    static StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse responseTo(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof RetriableException || t instanceof TransactionAbortableException || abortable(t)) {
                return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
            }
        }
        return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
    }

    /**
     * The producer's own abortable error when sends expired unanswered: a plain {@code KafkaException} that its
     * transaction manager raises with these words ({@code maybeResolveSequences}); the transaction is abortable, not
     * the producer fatal, so a new thread goes on from the last commit.
     */
    private static boolean abortable(Throwable t) {
        return t instanceof org.apache.kafka.common.KafkaException && t.getMessage() != null
                && t.getMessage().contains("It is safe to abort the transaction and continue");
    }

    private static String chain(Throwable e) {
        StringBuilder b = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            b.append(b.length() == 0 ? "" : " <- ").append(t);
        }
        return b.toString();
    }

    /**
     * Refuses to start when the record limit is above what the broker takes on the topics this validator writes
     * (their {@code max.message.bytes}, set from {@code INGEST_TOPIC_MAX_MESSAGE_BYTES} and read here from the
     * dead-letter topic, in case it could not be raised): a record under the limit but over the topic's would be
     * refused by the broker, aborting its transaction, and the batch retried for ever, stopping the partition.
     */
    private static void checkRecordLimit(Admin admin, ValidatorConfig config) {
        ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, config.kafka().deadLetterTopic().name());
        // A limit just raised reaches the brokers' view of the topic a moment after the change is committed: wait for
        // it (bounded) before calling the topic too small.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        String limit;
        try {
            while (true) {
                try {
                    ConfigEntry e = admin.describeConfigs(List.of(topic)).all().get(30, TimeUnit.SECONDS).get(topic)
                            .get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG);
                    limit = e == null ? null : e.value();
                } catch (ExecutionException | TimeoutException e) {
                    LOG.warn("cannot read {} of {}: {}", TopicConfig.MAX_MESSAGE_BYTES_CONFIG, topic.name(),
                            e.toString());
                    return;
                }
                if (limit == null || config.output().maxRecordBytes() <= Long.parseLong(limit)) {
                    return;
                }
                if (Long.parseLong(limit) >= config.kafka().maxMessageBytes() || System.nanoTime() > deadline) {
                    break;
                }
                Thread.sleep(200);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted at start", e);
        }
        throw new IllegalArgumentException(ValidatorConfig.MAX_RECORD_BYTES.env() + "="
                + config.output().maxRecordBytes() + " is above the " + TopicConfig.MAX_MESSAGE_BYTES_CONFIG
                + " (" + limit + ") of the topics it writes: raise the topic's max.message.bytes ("
                + KafkaSettings.MAX_MESSAGE_BYTES.env() + ") first");
    }

    /** Makes sure the raw, dead-letter and configuration topics exist, then starts processing. */
    public static Validator start(ValidatorConfig config) {
        return start(config, new BatchProgress());
    }

    /** {@link #start(ValidatorConfig)} with the given progress tracker (tests stall a thread through it). */
    static Validator start(ValidatorConfig config, BatchProgress progress) {
        LOG.info("starting validator: {}", config);
        Admin admin = Admin.create(config.kafka().clientProps());
        DatasetTopicCache datasetTopics = null;
        Validator v;
        try {
            TopicProvisioner topics = new TopicProvisioner(admin, Duration.ofSeconds(30));
            topics.ensure(List.of(config.kafka().rawTopic(), config.kafka().deadLetterTopic(),
                    config.kafka().configTopic()));
            // The parked batches' changelog holds whole raw records: Streams creates it with the limit below, and one
            // made before the limit was raised is raised here.
            String parkedChangelog = config.applicationId() + "-" + ValidatorTopology.PARKED_STORE + "-changelog";
            TopicProvisioner.raiseMessageLimit(admin, List.of(parkedChangelog), config.kafka().maxMessageBytes(),
                    Duration.ofSeconds(30));
            checkRecordLimit(admin, config);
            datasetTopics = new DatasetTopicCache(admin, config.kafka(), Duration.ofSeconds(30),
                    Duration.ofSeconds(10));
            PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            v = new Validator(admin, datasetTopics, progress, config.output(), new KafkaStreams(
                    ValidatorTopology.build(settings(config), datasetTopics, new ValidatorMetrics(registry), progress),
                    streamsProperties(config)), registry);
        } catch (RuntimeException e) {
            if (datasetTopics != null) {
                datasetTopics.close();
            }
            admin.close();
            throw e;
        }
        try {
            if (config.httpPort() >= 0) {
                v.status = StatusServer.start(config.httpHost(), config.httpPort(), v.registry::scrape, v::health,
                        v::readiness);
                LOG.info("validator status endpoints on port {}", v.status.port());
            }
            v.streams.start();
        } catch (RuntimeException e) {
            v.close();
            throw e;
        }
        return v;
    }

    static ValidatorTopology.Settings settings(ValidatorConfig config) {
        return new ValidatorTopology.Settings(config.kafka().topics(), config.limits(), config.dedupWindow(),
                config.output().maxRecordBytes(), config.output().topicWait());
    }

    static Properties streamsProperties(ValidatorConfig config) {
        Properties p = new Properties();
        p.putAll(config.kafka().clientProps());
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, config.applicationId());
        p.put(StreamsConfig.STATE_DIR_CONFIG, config.stateDir().toAbsolutePath().toString());
        config.kafka().replication().ifPresent(rf -> p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, (int) rf));
        // Kafka 5 turns this on by default, so run as it will: a failing config record is handled like any other.
        p.put("processing.exception.handler.global.enabled", "true");
        // Events go out one record each: lz4 batches shrink them (JSON), so the broker and the sinks handle fewer
        // bytes; +25% events stored a second end to end on 2 cores, in interleaved runs
        // (benchmarks/results/2026-12-03-validator-lz4.md). KAFKA_STREAMS_PRODUCER_COMPRESSION_TYPE overrides it.
        p.put(StreamsConfig.producerPrefix(ProducerConfig.COMPRESSION_TYPE_CONFIG), "lz4");
        // A transaction every 500 ms, not exactly-once's 100: each commit costs the broker (markers on every partition
        // written, the coordinator's log) and the sinks (a fetch each time the stable offset moves), whatever it
        // carries. In runs in turn on 2 cores, the broker's CPU an event -30 to -40% paced to files and to PostgreSQL at
        // 75,000/s (-11% at 50,000), the pipeline JVM's -15 to -25% to files; offered 100,000/s to files about 97% stored
        // (p99 1.2-1.3 s, two runs) where 100 ms stored 71-84%; its price is an ack-to-stored p99 about 0.3 s higher at
        // low rates (benchmarks/results/2026-12-06-commit-interval.md).
        // KAFKA_STREAMS_COMMIT_INTERVAL_MS overrides it.
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 500);
        // A record not delivered within the transaction timeout belongs to a transaction the broker aborts anyway:
        // waiting longer for it (the producer's default is 2 minutes) only delays the retry. Two tries fit in it.
        long transactionMs = config.output().transactionTimeout().toMillis();
        p.put(StreamsConfig.producerPrefix(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG), (int) transactionMs);
        p.put(StreamsConfig.producerPrefix(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG), (int) transactionMs);
        p.put(StreamsConfig.producerPrefix(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG), (int) (transactionMs / 2 - 200));
        // Read-ahead bounded by bytes, not by Kafka Streams' 1,000 records a partition: with raw records of up to
        // 2 MiB that was up to 12 GiB over 6 partitions for a validator behind a backlog
        p.put(StreamsConfig.BUFFERED_RECORDS_PER_PARTITION_CONFIG, config.bufferedRecordsPerPartition());
        p.putAll(config.streams());
        // Not overridable: the splitter checks each record against this limit before it sends it, and the handler
        // dead-letters what the broker still refuses instead of dropping it.
        p.put(StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG, OutputErrorHandler.class);
        // Internal topics (the parked batches' changelog holds whole raw records) take what the other topics take.
        p.put(StreamsConfig.topicPrefix(TopicConfig.MAX_MESSAGE_BYTES_CONFIG), config.kafka().maxMessageBytes());
        p.put(StreamsConfig.producerPrefix(ProducerConfig.MAX_REQUEST_SIZE_CONFIG), config.output().maxRecordBytes());
        p.put(OutputErrorHandler.MAX_RECORD_BYTES, config.output().maxRecordBytes());
        p.put(OutputErrorHandler.DEAD_LETTER_TOPIC, config.kafka().topics().deadLetters());
        // Not overridable: an event is routed exactly once, or its batch is retried whole.
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        return p;
    }

    private StatusServer.Status health() {
        KafkaStreams.State now = streams.state();
        boolean failed = now == KafkaStreams.State.ERROR || now == KafkaStreams.State.PENDING_ERROR;
        return new StatusServer.Status(!failed, "{\"status\":\"" + (failed ? "down" : "up") + "\",\"state\":\""
                + now + "\"}");
    }

    /** Ready: RUNNING, and no stream thread has been on one batch for longer than the stall limit. */
    private StatusServer.Status readiness() {
        KafkaStreams.State now = streams.state();
        Optional<BatchProgress.Stall> stall = stall();
        boolean ready = now == KafkaStreams.State.RUNNING && stall.isEmpty();
        String why = stall.map(s -> ",\"stalled\":{\"thread\":\"" + s.thread() + "\",\"batchMillis\":" + s.millis()
                + "}").orElse("");
        return new StatusServer.Status(ready, "{\"ready\":" + ready + ",\"state\":\"" + now + "\"" + why + "}");
    }

    private Optional<BatchProgress.Stall> stall() {
        return progress.longestOver(output.stall().toMillis());
    }

    /** The port of /metrics, /health and /ready, or -1 when they are off. */
    public int statusPort() {
        return status == null ? -1 : status.port();
    }

    /** Whether Kafka Streams is processing (RUNNING). */
    public boolean running() {
        return streams.state() == KafkaStreams.State.RUNNING;
    }

    /** Completes with the error if the validator stopped on one. */
    public CompletableFuture<Throwable> failed() {
        return failed;
    }

    /**
     * Commits the open transaction and leaves the group at once, so that the partitions move to another instance
     * (or to this one restarted) without waiting for the session timeout. Waits at most the close timeout for the
     * stream threads: a thread stuck on a batch is left behind (its transaction is aborted by the broker).
     */
    @Override
    public void close() {
        if (!streams.close(CloseOptions.timeout(output.closeTimeout())
                .withGroupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP))) {
            LOG.warn("stream threads still running after {}; closing without them", output.closeTimeout());
        }
        datasetTopics.close();
        if (status != null) {
            status.close();
        }
        streamsMetrics.close();
        gcMetrics.close();
        registry.close();
        admin.close();
        LOG.info("validator stopped");
    }
}
