package io.ingestline.bench;

import io.ingestline.model.DatasetRecord;
import io.ingestline.model.IngestHeaders;
import io.ingestline.model.RawBatch;
import io.ingestline.model.Topics;
import io.ingestline.sink.SinkConfig;
import io.ingestline.sink.SinkService;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The sink's backends beside Kafka's own consumer benchmark on the same topic, in one run on one machine: a broker in
 * its own JVM holds a dataset topic of events of ~300 bytes (the peer benchmark's, as the validator writes them:
 * {@code _time}, {@code _id} first, packed into dataset records with their headers); then, alternately, Kafka's
 * {@code ConsumerPerformance} (the ceiling: it reads and counts), the file backend (zstd, then gzip), and the
 * PostgreSQL backend loading with {@code COPY} and with batched {@code INSERT}s, each a fresh consumer group with one worker over the whole topic. Throughput is taken from
 * the group's committed offsets, first commit to last (so start-up is left out; the consumer benchmark reports its own
 * figure without the group join).
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar io.ingestline.bench.SinkBenchmark</pre>
 *
 * Environment: {@code BENCH_SINK_EVENTS} (1000000), {@code BENCH_ROUNDS} (2), {@code BENCH_PG_URL}
 * ({@code jdbc:postgresql://127.0.0.1:5432/postgres}), {@code BENCH_PG_USER} (postgres), {@code BENCH_PG_PASSWORD},
 * {@code BENCH_SINK_RECORD_EVENTS} (500: events per dataset record, as the validator packs a 500-event request's
 * events for one dataset; 1 gives a record per event), {@code BENCH_RESULTS} (benchmarks/target/results).
 */
public final class SinkBenchmark {
    private final Report report;
    private final Path results;
    /** Events per dataset record ({@code BENCH_SINK_RECORD_EVENTS}). */
    private int perRecord;

    private SinkBenchmark(Report report) {
        this.report = report;
        this.results = report.dir;
    }

    public static void main(String[] args) throws Exception {
        new SinkBenchmark(new Report("sink")).run();
        System.exit(0);
    }

    private void run() throws Exception {
        int total = Report.env("BENCH_SINK_EVENTS", 1_000_000);
        int rounds = Report.env("BENCH_ROUNDS", 2);
        perRecord = Math.max(1, Report.env("BENCH_SINK_RECORD_EVENTS", 500));
        total = Math.max(perRecord, total / perRecord * perRecord); // whole records: events = records x perRecord
        String pgUrl = System.getenv().getOrDefault("BENCH_PG_URL", "jdbc:postgresql://127.0.0.1:5432/postgres");
        String pgUser = System.getenv().getOrDefault("BENCH_PG_USER", "postgres");
        String pgPassword = System.getenv().getOrDefault("BENCH_PG_PASSWORD", "");
        Path shared = Payloads.sharedFile();
        List<byte[]> events = Payloads.load(shared, 5000);
        Topics topics = new Topics("bench.");
        String topic = topics.dataset("sinkbench");
        line("# Sink benchmark, " + LocalDateTime.now().withNano(0));
        line("");
        try (ChildProcess broker = ChildProcess.start(BrokerProcess.class.getName(), List.of("-Xms1g", "-Xmx1g"),
                List.of(results.resolve("kafka").toString(), Integer.toString(Report.freePort()), Integer.toString(Report.freePort())),
                Map.of(), results.resolve("broker.log"), l -> l.startsWith("READY"))) {
            String bootstrap = broker.await(120).substring("READY ".length()).trim();
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
                admin.createTopics(List.of(new NewTopic(topic, 3, (short) 1), new NewTopic(topics.deadLetters(), 1,
                        (short) 1))).all().get(60, TimeUnit.SECONDS);
                double avg = preload(bootstrap, topic, events, total, perRecord);
                line(String.format(Locale.ROOT, "%,d events of %.0f bytes on average (%s, as the validator writes "
                                + "them: dataset records of %d events), 3 partitions; one consumer / one sink "
                                + "worker; %d cores, Java %s. Broker in its own JVM, PostgreSQL %s, all on this "
                                + "machine.", total, avg,
                        Files.isRegularFile(shared) ? shared.toString() : "generated", perRecord,
                        Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), pgUrl));
                line("");
                line("| run | what | events/s | MiB/s | vs consumer |");
                line("|---|---|---|---|---|");
                List<TopicPartition> input = List.of(new TopicPartition(topic, 0), new TopicPartition(topic, 1),
                        new TopicPartition(topic, 2));
                for (int round = 1; round <= rounds; round++) {
                    double ceiling = consumerPerformance(bootstrap, topic, total / perRecord, perRecord,
                            "consumer-" + round, round, avg);
                    Map<String, String> base = new HashMap<>(Map.of("KAFKA_BOOTSTRAP_SERVERS", bootstrap,
                            "INGEST_TOPIC_PREFIX", topics.prefix(), "INGEST_SINK_HTTP_PORT", "-1",
                            "INGEST_PG_URL", pgUrl, "INGEST_PG_USER", pgUser, "INGEST_PG_PASSWORD", pgPassword));
                    for (String compression : List.of("zstd", "gzip")) {
                        sink(admin, input, base, Map.of("INGEST_SINK_BACKEND", "files",
                                "INGEST_SINK_FILE_COMPRESSION", compression,
                                "INGEST_DATA_DIR", results.resolve("files-" + compression + "-" + round).toString()),
                                "files-" + compression + "-" + round, round, "sink, files (" + compression + " NDJSON)",
                                avg, ceiling);
                    }
                    for (String load : List.of("copy", "copy-text", "insert")) {
                        String schema = "bench_" + load + "_" + round + "_" + System.currentTimeMillis() % 100000;
                        try {
                            sink(admin, input, base, Map.of("INGEST_SINK_BACKEND", "postgres", "INGEST_PG_SCHEMA",
                                    schema, "INGEST_PG_LOAD", load, "INGEST_DATA_DIR",
                                    results.resolve("pg-" + round).toString()), "pg-" + load + "-" + round, round,
                                    "sink, PostgreSQL (" + load + ")", avg, ceiling);
                        } finally {
                            dropSchema(pgUrl, pgUser, pgPassword, schema);
                        }
                    }
                }
            }
        }
        report.save();
    }

    /**
     * The topic filled as the validator fills it: dataset records of {@code perRecord} events each (the events of one
     * batch for one dataset), each event's envelope {@code _time}, {@code _id} first.
     */
    private static double preload(String bootstrap, String topic, List<byte[]> events, int total, int perRecord)
            throws Exception {
        long bytes = 0;
        try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap, ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.LINGER_MS_CONFIG, 5,
                ProducerConfig.BATCH_SIZE_CONFIG, 262144, ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 8 << 20),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            Instant base = Instant.parse("2026-12-02T10:00:00Z");
            DatasetRecord.Builder record = new DatasetRecord.Builder();
            String batch = null;
            for (int i = 0; i < total; i++) {
                if (i % perRecord == 0) {
                    batch = "bench-" + i / perRecord;
                }
                Instant time = base.plusMillis(i * 7L % 7_200_000L);
                String id = RawBatch.eventId(batch, i % perRecord);
                byte[] e = events.get(i % events.size());
                String head = "{\"_time\":\"" + time + "\",\"_id\":\"" + id + "\",";
                byte[] value = new byte[head.length() + e.length - 1];
                System.arraycopy(head.getBytes(StandardCharsets.UTF_8), 0, value, 0, head.length());
                System.arraycopy(e, 1, value, head.length(), e.length - 1);
                record.add(id, i % perRecord, time.toEpochMilli(), value, 0, value.length);
                bytes += value.length;
                if (record.count() == perRecord || i == total - 1) {
                    RecordHeaders h = new RecordHeaders();
                    record.putHeaders(h, batch);
                    IngestHeaders.put(h, IngestHeaders.DATASET, "sinkbench");
                    p.send(new ProducerRecord<>(topic, null, record.firstId().getBytes(StandardCharsets.UTF_8),
                            record.value(), h));
                    record.reset();
                }
            }
            p.flush();
        }
        return bytes / (double) total;
    }

    /** Kafka's consumer over the {@code records} records: its records/s times the events a record holds. */
    private double consumerPerformance(String bootstrap, String topic, int records, int perRecord, String group,
            int round, double avg) throws Exception {
        double perSec = ConsumerPerf.run(bootstrap, topic, records, group, results.resolve(group + ".log"))
                .recordsPerSecond() * perRecord;
        line(String.format(Locale.ROOT, "| %d | Kafka ConsumerPerformance (reads and counts) | %,.0f | %.1f | 1.00 |",
                round, perSec, perSec * avg / (1 << 20)));
        return perSec;
    }

    private void sink(Admin admin, List<TopicPartition> input, Map<String, String> base, Map<String, String> own,
            String group, int round, String what, double avg, double ceiling) throws Exception {
        Map<String, String> env = new HashMap<>(base);
        env.putAll(own);
        env.put("INGEST_SINK_GROUP", group);
        try (SinkService sink = SinkService.start(SinkConfig.fromEnv(env))) {
            // offsets count records: each holds perRecord events
            double perSec = GroupProgress.measure(admin, group, input, 900).recordsPerSecond() * perRecord;
            line(String.format(Locale.ROOT, "| %d | %s | %,.0f | %.1f | %.2f |", round, what, perSec,
                    perSec * avg / (1 << 20), perSec / ceiling));
        }
    }

    private static void dropSchema(String url, String user, String password, String schema) {
        try (Connection c = DriverManager.getConnection(url, user, password); Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS \"" + schema + "\" CASCADE");
        } catch (Exception e) {
            System.err.println("cannot drop schema " + schema + ": " + e.getMessage());
        }
    }

    private void line(String s) {
        report.line(s);
    }
}
