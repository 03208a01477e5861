package io.ingestline.sink.consume;

import io.ingestline.model.IngestHeaders;
import io.ingestline.model.Topics;
import io.ingestline.sink.storage.SinkRecord;
import io.ingestline.sink.storage.StorageWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
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
 * One consumer thread: reads every dataset topic (by pattern, so new datasets are picked up), hands the events to its
 * storage backend, and commits offsets only after the backend's flush has made them durable: on age, and before
 * giving partitions up in a rebalance or at shutdown. Stop it with {@link #stop()}.
 */
public final class SinkWorker implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(SinkWorker.class);
    private static final Duration POLL = Duration.ofMillis(200);

    private final Supplier<Consumer<byte[], byte[]>> consumers;
    private final StorageWriter storage;
    private final Topics topics;
    private final Duration flushInterval;
    private final Map<TopicPartition, OffsetAndMetadata> pending = new HashMap<>();
    private volatile Consumer<byte[], byte[]> consumer;
    private volatile boolean stopping;
    private long lastFlush = System.nanoTime();

    public SinkWorker(Supplier<Consumer<byte[], byte[]>> consumers, StorageWriter storage, Topics topics,
            Duration flushInterval) {
        this.consumers = consumers;
        this.storage = storage;
        this.topics = topics;
        this.flushInterval = flushInterval;
    }

    @Override
    public void run() {
        try (Consumer<byte[], byte[]> c = consumers.get(); StorageWriter s = storage) {
            consumer = c;
            if (stopping) {
                return;
            }
            c.subscribe(topics.datasetPattern(), new Rebalance(c));
            try {
                while (!stopping) {
                    ConsumerRecords<byte[], byte[]> records = c.poll(POLL);
                    for (ConsumerRecord<byte[], byte[]> r : records) {
                        s.write(toSinkRecord(r));
                        pending.put(new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.offset() + 1));
                    }
                    if (System.nanoTime() - lastFlush >= flushInterval.toNanos()) {
                        flushAndCommit(c);
                    }
                }
            } catch (WakeupException e) {
                if (!stopping) {
                    throw e;
                }
            }
            // What was read is written: make it durable and commit it before leaving the group.
            flushAndCommit(c);
        } finally {
            LOG.info("sink worker stopped");
        }
    }

    /** Asks the worker to flush, commit and leave its group; returns at once. */
    public void stop() {
        stopping = true;
        Consumer<byte[], byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
    }

    private SinkRecord toSinkRecord(ConsumerRecord<byte[], byte[]> r) {
        String eventTime = IngestHeaders.get(r.headers(), IngestHeaders.EVENT_TIME);
        long time = r.timestamp();
        if (eventTime != null) {
            try {
                time = Long.parseLong(eventTime);
            } catch (NumberFormatException e) {
                LOG.debug("bad {} header on {}-{}@{}", IngestHeaders.EVENT_TIME, r.topic(), r.partition(), r.offset());
            }
        }
        return new SinkRecord(topics.datasetOf(r.topic()), r.partition(), r.offset(), time, r.value());
    }

    private void flushAndCommit(Consumer<byte[], byte[]> c) {
        storage.flush();
        if (!pending.isEmpty()) {
            c.commitSync(pending);
            LOG.debug("committed {}", pending);
            pending.clear();
        }
        lastFlush = System.nanoTime();
    }

    /** Flushes and commits before partitions leave this worker, so the next owner starts where the data ends. */
    private final class Rebalance implements ConsumerRebalanceListener {
        private final Consumer<byte[], byte[]> c;

        Rebalance(Consumer<byte[], byte[]> c) {
            this.c = c;
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            if (partitions.isEmpty()) {
                return;
            }
            flushAndCommit(c);
            release(partitions);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            // Another worker owns them already: what was not committed will be written again by it.
            partitions.forEach(pending::remove);
            release(partitions);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            if (!partitions.isEmpty()) {
                LOG.info("sink worker assigned {}", partitions);
            }
        }

        private void release(Collection<TopicPartition> partitions) {
            Map<String, List<Integer>> byDataset = new HashMap<>();
            for (TopicPartition tp : partitions) {
                byDataset.computeIfAbsent(topics.datasetOf(tp.topic()), k -> new ArrayList<>()).add(tp.partition());
            }
            byDataset.forEach(storage::release);
        }
    }
}
