package io.ingestline.bench;

import io.ingestline.model.DatasetRecord;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The delay from acknowledgement to PostgreSQL, per event, without scanning the tables: a consumer reads the
 * dataset's topic (read_committed, from its end when the watcher starts) and notes each event of the run at its
 * partition and offset; every 100 ms the watcher reads the sink's committed offsets ({@code sink_offsets}, written in
 * the same transaction as the rows), and an event counts as stored when the first committed offset beyond it was
 * seen. The figure is at most 100 ms high.
 */
final class PgStoredWatcher implements AutoCloseable {
    private static final class Longs {
        long[] values = new long[1024];
        int size;

        void add(long v) {
            if (size == values.length) {
                values = Arrays.copyOf(values, size * 2);
            }
            values[size++] = v;
        }
    }

    /** One partition's events of the run (offset, acknowledged at) and the committed offsets seen (offset, when). */
    private static final class Partition {
        final Longs offsets = new Longs();
        final Longs acked = new Longs();
        final Longs committed = new Longs();
        final Longs committedAt = new Longs();
        int nextEvent;
        int nextCommit;
    }

    private final String topic;
    private final byte[] runField;
    private final int batch;
    private final Map<Long, Long> ackedAt;
    private final Map<Integer, Partition> partitions = new HashMap<>();
    private final Delays delays = new Delays();
    private final Thread consumerThread;
    private final Thread offsetsThread;
    private volatile boolean closing;

    PgStoredWatcher(String bootstrap, String topic, String jdbcUrl, String user, String password, String schema,
            String group, String dataset, String run, int batch, Map<Long, Long> ackedAt) {
        this.topic = topic;
        this.runField = ("\"run\":\"" + run + "\",\"seq\":").getBytes(StandardCharsets.UTF_8);
        this.batch = batch;
        this.ackedAt = ackedAt;
        Map<String, Object> props = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                // the pipeline creates the topic, with its partitions and settings, at its first event
                ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props);
        List<TopicPartition> tps = partitions(consumer);
        consumer.assign(tps);
        consumer.seekToEnd(tps);
        tps.forEach(consumer::position);
        this.consumerThread = new Thread(() -> consume(consumer, tps.isEmpty()), "pg-watcher-consumer");
        this.offsetsThread = new Thread(() -> followOffsets(jdbcUrl, user, password, schema, group, dataset),
                "pg-watcher-offsets");
        consumerThread.setDaemon(true);
        offsetsThread.setDaemon(true);
        consumerThread.start();
        offsetsThread.start();
    }

    private List<TopicPartition> partitions(KafkaConsumer<byte[], byte[]> consumer) {
        return consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                .map(p -> new TopicPartition(topic, p.partition())).toList();
    }

    /**
     * Notes the run's events as they come. A topic missing when the watcher started (a fresh topic prefix, before
     * the edge's first event) is read from its beginning once it exists: all of it is this run's.
     */
    private void consume(KafkaConsumer<byte[], byte[]> consumer, boolean awaitTopic) {
        try (consumer) {
            while (awaitTopic && !closing) {
                List<TopicPartition> tps = partitions(consumer);
                if (!tps.isEmpty()) {
                    consumer.assign(tps);
                    consumer.seekToBeginning(tps);
                    break;
                }
                Thread.sleep(100);
            }
            while (!closing) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                    // a dataset record holds a batch's events: each one is stored with its record's offset
                    DatasetRecord.Events events;
                    try {
                        events = DatasetRecord.Events.of(r.key(), r.value(), r.headers(), r.timestamp());
                    } catch (IllegalArgumentException e) {
                        continue; // not the validator's: no event of the run
                    }
                    for (int i = 0; i < events.count(); i++) {
                        long seq = seqOf(events.value(), events.start(i), events.end(i));
                        Long acked = seq < 0 ? null : ackedAt.get(seq - seq % batch);
                        if (acked != null) {
                            synchronized (this) {
                                Partition p = partitions.computeIfAbsent(r.partition(), x -> new Partition());
                                p.offsets.add(r.offset());
                                p.acked.add(acked);
                            }
                        }
                    }
                }
            }
        } catch (org.apache.kafka.common.errors.InterruptException e) {
            // closing
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private long seqOf(byte[] value, int from, int to) {
        outer:
        for (int i = from; i + runField.length < to; i++) {
            for (int j = 0; j < runField.length; j++) {
                if (value[i + j] != runField[j]) {
                    continue outer;
                }
            }
            long seq = 0;
            for (int k = i + runField.length; k < to && value[k] >= '0' && value[k] <= '9'; k++) {
                seq = seq * 10 + (value[k] - '0');
            }
            return seq;
        }
        return -1;
    }

    private void followOffsets(String url, String user, String password, String schema, String group, String dataset) {
        String sql = "SELECT kafka_partition, next_offset FROM \"" + schema + "\".sink_offsets "
                + "WHERE consumer_group = ? AND dataset = ?";
        while (!closing) {
            try (Connection c = DriverManager.getConnection(url, user, password);
                    PreparedStatement s = c.prepareStatement(sql)) {
                s.setString(1, group);
                s.setString(2, dataset);
                while (!closing) {
                    long now = System.currentTimeMillis();
                    try (ResultSet rs = s.executeQuery()) {
                        synchronized (this) {
                            while (rs.next()) {
                                Partition p = partitions.computeIfAbsent(rs.getInt(1), x -> new Partition());
                                long next = rs.getLong(2);
                                if (p.committed.size == 0 || p.committed.values[p.committed.size - 1] < next) {
                                    p.committed.add(next);
                                    p.committedAt.add(now);
                                }
                            }
                            match();
                        }
                    }
                    Thread.sleep(100);
                }
            } catch (SQLException e) {
                // the schema may not exist yet: try again
                sleep();
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Each noted event below a committed offset is stored since that offset was first seen. */
    private void match() {
        for (Partition p : partitions.values()) {
            while (p.nextEvent < p.offsets.size) {
                long offset = p.offsets.values[p.nextEvent];
                while (p.nextCommit < p.committed.size && p.committed.values[p.nextCommit] <= offset) {
                    p.nextCommit++;
                }
                if (p.nextCommit == p.committed.size) {
                    break;
                }
                delays.record(p.committedAt.values[p.nextCommit], p.acked.values[p.nextEvent]);
                p.nextEvent++;
            }
        }
    }

    private void sleep() {
        try {
            Thread.sleep(200);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    Delays delays() {
        return delays;
    }

    String topic() {
        return topic;
    }

    @Override
    public void close() throws InterruptedException {
        closing = true;
        offsetsThread.interrupt();
        consumerThread.join(5000);
    }
}
