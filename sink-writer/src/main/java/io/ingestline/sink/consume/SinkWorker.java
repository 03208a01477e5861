package io.ingestline.sink.consume;

import io.ingestline.model.DatasetRecord;
import io.ingestline.model.StepCpu;
import io.ingestline.sink.storage.DatasetPartition;
import io.ingestline.sink.storage.SinkRecord;
import io.ingestline.sink.storage.StorageWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One consumer thread: reads every dataset topic (by pattern, so new datasets are picked up) and the dead-letter
 * topic ({@link SinkTopics}; each dead letter as a {@link DeadLetterEvent}), hands the events to its storage backend
 * and commits (see {@link StorageWriter}) on age, on size, before giving partitions up in a rebalance, and at
 * shutdown. When partitions are assigned it resumes each where the backend's own record says its
 * stored data ends. On an error it drops what it has not committed, and starts again with a new consumer and backend
 * after a pause, so a bad moment (the database restarting, a lost group membership) never stops it for good. Stop it
 * with {@link #stop()}.
 *
 * <p>It reports a stall ({@link #stalled()}) when it has work (events read and not committed, or lag) and has not
 * committed for longer than {@code stallAfter}, wherever it is stuck: the check reads only what the worker's own
 * thread last recorded, so a thread blocked in storage or in the consumer is seen.
 */
public final class SinkWorker implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(SinkWorker.class);
    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration RETRY_PAUSE = Duration.ofSeconds(2);

    private final Supplier<Consumer<byte[], byte[]>> consumers;
    private final Supplier<StorageWriter> storages;
    private final SinkTopics topics;
    private final Duration commitInterval;
    private final long stallNanos;
    private final SinkMetrics metrics;
    private final Map<DatasetPartition, Long> next = new LinkedHashMap<>();
    private final Map<DatasetPartition, Integer> uncommitted = new HashMap<>();
    /** Dataset of each topic seen, so that a record does not cost a substring. */
    private final Map<String, String> datasets = new HashMap<>();
    private volatile Consumer<byte[], byte[]> consumer;
    private volatile boolean stopping;
    private volatile boolean assigned;
    private volatile boolean failing;
    private long lastCommit = System.nanoTime();
    /** When the worker last committed or had nothing to do. */
    private volatile long progressAt = System.nanoTime();

    public SinkWorker(Supplier<Consumer<byte[], byte[]>> consumers, Supplier<StorageWriter> storages, SinkTopics topics,
            Duration commitInterval, Duration stallAfter, SinkMetrics metrics) {
        this.consumers = consumers;
        this.storages = storages;
        this.topics = topics;
        this.commitInterval = commitInterval;
        this.stallNanos = stallAfter.toNanos();
        this.metrics = metrics;
    }

    @Override
    public void run() {
        while (!stopping) {
            try {
                runOnce();
            } catch (RuntimeException e) {
                if (stopping) {
                    break;
                }
                failing = true;
                LOG.error("sink worker failed; starting again in {} s", RETRY_PAUSE.toSeconds(), e);
                next.clear();
                uncommitted.clear();
                try {
                    Thread.sleep(RETRY_PAUSE.toMillis());
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
        LOG.info("sink worker stopped");
    }

    private void runOnce() {
        try (Consumer<byte[], byte[]> c = consumers.get(); StorageWriter s = storages.get()) {
            consumer = c;
            progressAt = System.nanoTime();
            if (stopping) {
                return;
            }
            c.subscribe(topics.pattern(), new Rebalance(c, s));
            try {
                while (!stopping) {
                    // with StepCpu on: this thread's CPU in poll, write and commit, per poll; what the storage
                    // times inside them (the PostgreSQL backend's encode and load) is left out of them
                    long t = StepCpu.ENABLED ? StepCpu.begin() : 0;
                    ConsumerRecords<byte[], byte[]> records = c.poll(POLL);
                    if (StepCpu.ENABLED) {
                        t = StepCpu.addAround(StepCpu.Step.SINK_POLL, t);
                    }
                    for (ConsumerRecord<byte[], byte[]> r : records) {
                        DatasetPartition dp = write(r, s);
                        next.put(dp, r.offset() + 1);
                        if (s.commitDue()) {
                            t = StepCpu.ENABLED ? StepCpu.addAround(StepCpu.Step.SINK_WRITE, t) : 0;
                            commit(c, s, new ArrayList<>(next.keySet())); // the storage's memory bound
                            t = StepCpu.ENABLED ? StepCpu.addAround(StepCpu.Step.SINK_COMMIT, t) : 0;
                        }
                    }
                    t = StepCpu.ENABLED ? StepCpu.addAround(StepCpu.Step.SINK_WRITE, t) : 0;
                    if (System.nanoTime() - lastCommit >= commitInterval.toNanos() || s.commitDue()) {
                        commit(c, s, new ArrayList<>(next.keySet()));
                        if (StepCpu.ENABLED) {
                            StepCpu.addAround(StepCpu.Step.SINK_COMMIT, t);
                        }
                    }
                    if (next.isEmpty() && !lagging(c)) {
                        progressAt = System.nanoTime();
                        if (assigned && caughtUp(c)) {
                            failing = false; // in the group, and nothing left to store since the failure
                        }
                    }
                }
            } catch (WakeupException e) {
                if (!stopping) {
                    throw e;
                }
            }
            // What was read is written: commit it before leaving the group.
            commit(c, s, new ArrayList<>(next.keySet()));
        } finally {
            consumer = null;
            assigned = false;
        }
    }

    /** Asks the worker to commit and leave its group; returns at once. */
    public void stop() {
        stopping = true;
        Consumer<byte[], byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
    }

    /** True once the worker has partitions or waits for them with a working consumer, and is not failing. */
    public boolean healthy() {
        return !failing;
    }

    public boolean assigned() {
        return assigned;
    }

    /** True when the worker has work and has not committed for longer than its stall threshold. */
    public boolean stalled() {
        return !stopping && System.nanoTime() - progressAt > stallNanos;
    }

    /** Seconds since the worker last committed or had nothing to do. */
    public double secondsSinceProgress() {
        return (System.nanoTime() - progressAt) / 1e9;
    }

    /** Whether any assigned partition has records not read yet (as far as the consumer knows without asking). */
    private static boolean lagging(Consumer<byte[], byte[]> c) {
        for (TopicPartition tp : c.assignment()) {
            if (c.currentLag(tp).orElse(0) > 0) {
                return true;
            }
        }
        return false;
    }

    /** Whether the consumer knows it has read every assigned partition to its end (or has none). */
    private static boolean caughtUp(Consumer<byte[], byte[]> c) {
        for (TopicPartition tp : c.assignment()) {
            java.util.OptionalLong lag = c.currentLag(tp);
            if (lag.isEmpty() || lag.getAsLong() > 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * Hands each event of a record to the storage ({@link DatasetRecord}: a dataset record holds the events of one
     * batch; a dead letter is one event, {@link DeadLetterEvent}); the partition it came from.
     */
    private DatasetPartition write(ConsumerRecord<byte[], byte[]> r, StorageWriter s) {
        if (topics.isDeadLetters(r.topic())) {
            SinkRecord dead = DeadLetterEvent.of(r);
            s.write(dead);
            count(dead.datasetPartition(), 1);
            return dead.datasetPartition();
        }
        String dataset = datasets.computeIfAbsent(r.topic(), topics::datasetOf);
        DatasetPartition dp = new DatasetPartition(dataset, r.partition());
        DatasetRecord.Events events;
        try {
            events = DatasetRecord.Events.of(r.key(), r.value(), r.headers(), r.timestamp());
        } catch (IllegalArgumentException e) {
            // only a writer that is not the validator makes such a record: stopping the partition for it would stop
            // the dataset for good, so it is logged (with where it is, to be read again by hand) and counted
            LOG.error("{}-{}@{} is not a dataset record ({}); skipped", r.topic(), r.partition(), r.offset(),
                    e.getMessage());
            metrics.malformed(dataset);
            return dp;
        }
        s.write(dp, r.offset(), events);
        count(dp, events.count());
        return dp;
    }

    private void count(DatasetPartition dp, int events) {
        uncommitted.merge(dp, events, Integer::sum);
        if (StepCpu.ENABLED) {
            StepCpu.count(StepCpu.Stage.SINK, events);
        }
    }

    private void commit(Consumer<byte[], byte[]> c, StorageWriter s, Collection<DatasetPartition> partitions) {
        Map<DatasetPartition, Long> offsets = new LinkedHashMap<>();
        for (DatasetPartition dp : partitions) {
            Long n = next.get(dp);
            if (n != null) {
                offsets.put(dp, n);
            }
        }
        lastCommit = System.nanoTime();
        if (offsets.isEmpty()) {
            return;
        }
        long started = System.nanoTime();
        s.commit(offsets, committed -> c.commitSync(kafkaOffsets(committed)));
        progressAt = System.nanoTime();
        failing = false; // a commit after a failure: working again
        metrics.committed(System.nanoTime() - started);
        LOG.debug("sink commit {}", offsets);
        for (DatasetPartition dp : offsets.keySet()) {
            next.remove(dp);
            Integer n = uncommitted.remove(dp);
            if (n != null) {
                metrics.stored(dp.dataset(), n);
            }
        }
    }

    private Map<TopicPartition, OffsetAndMetadata> kafkaOffsets(Map<DatasetPartition, Long> offsets) {
        Map<TopicPartition, OffsetAndMetadata> out = new HashMap<>();
        offsets.forEach((dp, n) -> out.put(new TopicPartition(topics.topicOf(dp.dataset()), dp.partition()),
                new OffsetAndMetadata(n)));
        return out;
    }

    private List<DatasetPartition> datasetPartitions(Collection<TopicPartition> partitions) {
        return partitions.stream().map(tp -> new DatasetPartition(topics.datasetOf(tp.topic()), tp.partition()))
                .toList();
    }

    /** Resumes assigned partitions where storage ends; commits before partitions leave; drops lost ones. */
    private final class Rebalance implements ConsumerRebalanceListener {
        private final Consumer<byte[], byte[]> c;
        private final StorageWriter s;

        Rebalance(Consumer<byte[], byte[]> c, StorageWriter s) {
            this.c = c;
            this.s = s;
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            assigned = true;
            if (partitions.isEmpty()) {
                return;
            }
            Map<DatasetPartition, Long> resume = s.open(datasetPartitions(partitions),
                    c.groupMetadata().generationId());
            resume.forEach((dp, offset) -> c.seek(new TopicPartition(topics.topicOf(dp.dataset()), dp.partition()),
                    offset));
            LOG.info("sink worker assigned {}; resuming from storage at {}", partitions, resume);
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            if (partitions.isEmpty()) {
                return;
            }
            List<DatasetPartition> dps = datasetPartitions(partitions);
            try {
                commit(c, s, dps);
            } finally {
                s.release(dps);
                dps.forEach(next::remove);
                dps.forEach(uncommitted::remove);
            }
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            // Another worker owns them already: what was not committed is read again by it.
            List<DatasetPartition> dps = datasetPartitions(partitions);
            s.release(dps);
            dps.forEach(next::remove);
            dps.forEach(uncommitted::remove);
        }
    }
}
