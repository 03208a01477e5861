package io.ingestline.sink;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.ingestline.kafka.testkit.TestKafka;
import io.ingestline.kafka.testkit.WithKafka;
import io.ingestline.model.IngestHeaders;
import io.ingestline.model.Topics;
import io.ingestline.sink.storage.DatasetPartition;
import io.ingestline.sink.storage.FileStorageWriter;
import io.ingestline.sink.storage.PostgresStorageWriter;
import io.ingestline.sink.storage.SinkRecord;
import io.ingestline.sink.storage.StorageWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A sink service on a real broker: what {@code /ready} says of a stuck worker, bounded shutdown, bounded buffers. */
@WithKafka
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class SinkServiceIT {
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void a_worker_stuck_in_storage_turns_ready_503_within_seconds_and_shutdown_still_ends_in_time(TestKafka kafka)
            throws Exception {
        Topics topics = topics(kafka, "stuck");
        Map<String, String> env = env(kafka, topics);
        env.put("INGEST_SINK_FLUSH_MS", "200");
        env.put("INGEST_SINK_STALL_MS", "1000");
        env.put("INGEST_SINK_SHUTDOWN_MS", "3000");
        SinkConfig config = SinkConfig.fromEnv(env);
        AtomicBoolean stuck = new AtomicBoolean();
        CountDownLatch release = new CountDownLatch(1);
        SinkService sink = SinkService.start(config, (c, rejects) -> new Delegating(new FileStorageWriter(
                c.datasetsDir(), c.fileMaxBytes(), c.bufferBytes(), c.fileCompression())) {
            @Override
            public void commit(Map<DatasetPartition, Long> next, Fence fence) {
                while (stuck.get() && release.getCount() > 0) {
                    try {
                        release.await(); // storage that never answers (a hung disk), deaf to interrupts
                    } catch (InterruptedException e) {
                        // stays stuck
                    }
                }
                super.commit(next, fence);
            }
        });
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> status(sink, "/ready") == 200);
            produce(kafka, topics.dataset("stuck"), 3, 100);
            await().atMost(Duration.ofSeconds(30)).until(() -> status(sink, "/metrics") == 200
                    && get(sink, "/metrics").contains("sink_events_total{dataset=\"stuck\"} 3.0"));
            assertThat(status(sink, "/ready")).isEqualTo(200);

            stuck.set(true);
            produce(kafka, topics.dataset("stuck"), 1, 100);
            // reported within seconds: the stall threshold (1 s) and a few seconds of slack
            await().atMost(config.stallAfter().plusSeconds(5)).pollInterval(Duration.ofMillis(100))
                    .until(() -> status(sink, "/ready") == 503);
            assertThat(status(sink, "/health")).as("the process is alive").isEqualTo(200);
            assertThat(get(sink, "/metrics")).contains("sink_worker_stalled{worker=\"0\"} 1.0");
            assertTimeoutPreemptively(config.shutdownTimeout().plusSeconds(5), sink::close,
                    "close() with a worker stuck in storage");
        } finally {
            release.countDown();
            sink.close();
        }
    }

    @Test
    void the_postgresql_buffer_is_bounded_by_bytes_and_forces_a_commit(TestKafka kafka) throws Exception {
        Topics topics = topics(kafka, "big");
        String schema = TestPostgres.uniqueSchema();
        TestPostgres.connect().close();
        Map<String, String> env = env(kafka, topics);
        env.putAll(Map.of("INGEST_SINK_BACKEND", "postgres", "INGEST_PG_URL", TestPostgres.URL, "INGEST_PG_USER",
                TestPostgres.USER, "INGEST_PG_PASSWORD", TestPostgres.PASSWORD, "INGEST_PG_SCHEMA", schema,
                "INGEST_PG_MAX_BUFFER_BYTES", Integer.toString(256 * 1024), "INGEST_SINK_FLUSH_MS", "600000"));
        int size = 100 * 1024;
        int events = 60;
        // all there before the sink starts: one poll returns as many as the fetch sizes allow
        produce(kafka, topics.dataset("big"), events, size);
        AtomicLong buffered = new AtomicLong();
        AtomicLong most = new AtomicLong();
        AtomicLong committed = new AtomicLong();
        AtomicLong pending = new AtomicLong();
        SinkConfig config = SinkConfig.fromEnv(env);
        SinkService sink = SinkService.start(config, (c, rejects) -> new Delegating(new PostgresStorageWriter(
                c.postgres(), c.groupId(), rejects)) {
            @Override
            public void write(SinkRecord r) {
                super.write(r);
                most.accumulateAndGet(buffered.addAndGet(r.key().length + r.value().length), Math::max);
                pending.incrementAndGet();
            }

            @Override
            public void commit(Map<DatasetPartition, Long> next, Fence fence) {
                super.commit(next, fence);
                buffered.set(0);
                committed.addAndGet(pending.getAndSet(0));
            }
        });
        try {
            // the last events wait for the flush interval (10 min): all but those are stored by size
            await().atMost(Duration.ofSeconds(60)).until(() -> committed.get() >= events - 3);
        } finally {
            sink.close();
            TestPostgres.dropSchema(schema);
        }
        assertThat(most.get()).as("bytes buffered before a commit (bound 256 KiB, events of 100 KiB)")
                .isLessThanOrEqualTo(256 * 1024 + size + 100);
    }

    /**
     * A dataset record not of the validator's form (its events header and its value disagree; only a foreign writer
     * makes one) between good ones: the good records' events are all stored, the bad one is skipped and counted,
     * and the partition goes on past it (the worker commits beyond it and does not stall). Seeded: where the bad
     * records sit, how many events each good record holds, and which way each bad one is broken.
     */
    @Test
    void a_record_not_of_the_validators_form_is_skipped_counted_and_the_partition_goes_on(TestKafka kafka)
            throws Exception {
        long seed = Long.getLong("test.seed", System.nanoTime());
        System.out.println("a_record_not_of_the_validators_form...: seed " + seed + " (-Dtest.seed=" + seed + ")");
        java.util.Random random = new java.util.Random(seed);
        Topics topics = topics(kafka, "mixed");
        Map<String, String> env = env(kafka, topics);
        env.put("INGEST_SINK_FLUSH_MS", "200");
        env.put("INGEST_SINK_STALL_MS", "5000");
        java.util.Set<String> expected = new java.util.HashSet<>();
        int bad = 0;
        try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(), ProducerConfig.ACKS_CONFIG, "all"),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            int records = 20 + random.nextInt(20);
            for (int r = 0; r < records; r++) {
                io.ingestline.model.DatasetRecord.Builder b = new io.ingestline.model.DatasetRecord.Builder();
                int n = 1 + random.nextInt(40);
                List<String> ids = new java.util.ArrayList<>();
                for (int i = 0; i < n; i++) {
                    String id = "batch-" + r + "-" + i; // the validator's ids: the batch's and the index in it
                    byte[] envelope = ("{\"_time\":\"2026-12-05T06:00:00Z\",\"_id\":\"" + id + "\",\"n\":" + i + "}")
                            .getBytes(UTF_8);
                    b.add(id, i, 1_796_450_400_000L + random.nextInt(3_600_000), envelope, 0, envelope.length);
                    ids.add(id);
                }
                RecordHeaders h = new RecordHeaders();
                b.putHeaders(h, "batch-" + r);
                byte[] value = b.value();
                boolean broken = r > 0 && (random.nextInt(4) == 0 || r == records - 1 && bad == 0);
                if (broken) {
                    switch (random.nextInt(3)) {
                        case 0 -> value = java.util.Arrays.copyOf(value, value.length - 1); // last line feed cut
                        case 1 -> value = (new String(value, UTF_8) + "{\"extra\":1}\n").getBytes(UTF_8);
                        default -> {
                            h.remove(io.ingestline.model.DatasetRecord.EVENTS);
                            h.add(io.ingestline.model.DatasetRecord.EVENTS, new byte[n * 12 + 5]);
                        }
                    }
                    bad++;
                } else {
                    expected.addAll(ids);
                }
                p.send(new ProducerRecord<>(topics.dataset("mixed"), null, ids.get(0).getBytes(UTF_8), value, h));
            }
            p.flush();
        }
        java.util.Set<String> stored = java.util.concurrent.ConcurrentHashMap.newKeySet();
        AtomicLong duplicates = new AtomicLong();
        AtomicLong committedTo = new AtomicLong(-1);
        SinkConfig config = SinkConfig.fromEnv(env);
        SinkService sink = SinkService.start(config, (c, rejects) -> new Delegating(new FileStorageWriter(
                c.datasetsDir(), c.fileMaxBytes(), c.bufferBytes(), c.fileCompression())) {
            @Override
            public void write(SinkRecord r) {
                super.write(r);
                if (!stored.add(r.id())) {
                    duplicates.incrementAndGet();
                }
            }

            @Override
            public void commit(Map<DatasetPartition, Long> next, Fence fence) {
                super.commit(next, fence);
                next.values().forEach(n -> committedTo.accumulateAndGet(n, Math::max));
            }
        });
        try {
            int records = expectedRecords(kafka, topics.dataset("mixed"));
            await().atMost(Duration.ofSeconds(60)).until(() -> committedTo.get() >= records);
            assertThat(stored).as("every event of the good records, none of the bad ones (seed %d)", seed)
                    .isEqualTo(expected);
            assertThat(duplicates.get()).isZero();
            String metrics = get(sink, "/metrics");
            assertThat(metrics).contains("sink_malformed_records_total{dataset=\"mixed\"} " + bad + ".0");
            assertThat(status(sink, "/ready")).as("skipping is not a stall").isEqualTo(200);
        } finally {
            sink.close();
        }
    }

    /** The end offset of a one-partition topic: the offset a worker commits to once it has read it all. */
    private static int expectedRecords(TestKafka kafka, String topic) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            org.apache.kafka.common.TopicPartition tp = new org.apache.kafka.common.TopicPartition(topic, 0);
            return (int) admin.listOffsets(Map.of(tp, org.apache.kafka.clients.admin.OffsetSpec.latest())).all()
                    .get(30, TimeUnit.SECONDS).get(tp).offset();
        }
    }

    private static Topics topics(TestKafka kafka, String dataset) throws Exception {
        Topics topics = new Topics(TestKafka.uniqueName("svc") + ".");
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(topics.dataset(dataset), 1, (short) 1))).all().get(30,
                    TimeUnit.SECONDS);
        }
        return topics;
    }

    private static Map<String, String> env(TestKafka kafka, Topics topics) throws Exception {
        Map<String, String> env = new HashMap<>();
        env.put("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
        env.put("INGEST_TOPIC_PREFIX", topics.prefix());
        env.put("INGEST_SINK_GROUP", TestKafka.uniqueName("sink"));
        env.put("INGEST_SINK_HTTP_PORT", "0");
        env.put("INGEST_SINK_HTTP_HOST", "127.0.0.1");
        env.put("INGEST_DATA_DIR", Files.createTempDirectory("sink-service").toString());
        env.put("KAFKA_CONSUMER_METADATA_MAX_AGE_MS", "1000");
        return env;
    }

    private static void produce(TestKafka kafka, String topic, int events, int size) {
        try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(), ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 4 << 20), new ByteArraySerializer(),
                new ByteArraySerializer())) {
            for (int i = 0; i < events; i++) {
                String id = "e-" + System.nanoTime();
                RecordHeaders h = new RecordHeaders();
                IngestHeaders.put(h, IngestHeaders.EVENT_TIME, Long.toString(System.currentTimeMillis()));
                String head = "{\"_id\":\"" + id + "\",\"pad\":\"";
                String value = head + "x".repeat(Math.max(0, size - head.length() - 2)) + "\"}";
                p.send(new ProducerRecord<>(topic, null, id.getBytes(UTF_8), value.getBytes(UTF_8), h));
            }
            p.flush();
        }
    }

    private int status(SinkService sink, String path) {
        try {
            return http.send(request(sink, path), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (Exception e) {
            return -1;
        }
    }

    private String get(SinkService sink, String path) throws Exception {
        return http.send(request(sink, path), HttpResponse.BodyHandlers.ofString()).body();
    }

    private static HttpRequest request(SinkService sink, String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + sink.statusPort() + path))
                .timeout(Duration.ofSeconds(5)).build();
    }

    /** A storage backend passed through, to be changed in one method. */
    private static class Delegating implements StorageWriter {
        private final StorageWriter inner;

        Delegating(StorageWriter inner) {
            this.inner = inner;
        }

        @Override
        public Map<DatasetPartition, Long> open(Collection<DatasetPartition> partitions, int generation) {
            return inner.open(partitions, generation);
        }

        @Override
        public void write(SinkRecord record) {
            inner.write(record);
        }

        @Override
        public boolean commitDue() {
            return inner.commitDue();
        }

        @Override
        public void commit(Map<DatasetPartition, Long> next, Fence fence) {
            inner.commit(next, fence);
        }

        @Override
        public void release(Collection<DatasetPartition> partitions) {
            inner.release(partitions);
        }

        @Override
        public void close() {
            inner.close();
        }
    }
}
