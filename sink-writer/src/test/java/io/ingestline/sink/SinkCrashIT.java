package io.ingestline.sink;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.ingestline.kafka.testkit.TestKafka;
import io.ingestline.kafka.testkit.WithKafka;
import io.ingestline.model.DatasetRecord;
import io.ingestline.model.IngestHeaders;
import io.ingestline.model.Topics;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Set;
import java.util.HashSet;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
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

/**
 * Sink workers in processes of their own, killed with SIGKILL at random moments of their work (after a random number
 * of commits, at a random delay) during a steady stream of events on a real broker, then restarted; then a second
 * worker joins the group (the partitions split) and the first stops (the second takes them all). The workers are
 * static group members, as in a deployment that restarts a crashed worker under the same name, so a restarted one
 * gets its partitions back without waiting for the dead one's session to end. Each backend must end with exactly the produced events: every id once, none missing.
 */
@WithKafka
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class SinkCrashIT {
    private static final int EVENTS = 30_000;
    private static final int KILLS = 3;

    @Test
    void files_hold_every_event_once_after_kills_and_handovers(TestKafka kafka) throws Exception {
        Path data = Files.createTempDirectory("sink-crash-files");
        run(kafka, Map.of("INGEST_DATA_DIR", data.toString(), "INGEST_SINK_BACKEND", "files"),
                () -> filesIds(data.resolve("datasets/dataset=crash")));
    }

    @Test
    void postgresql_holds_every_event_once_after_kills_and_handovers(TestKafka kafka) throws Exception {
        String schema = TestPostgres.uniqueSchema();
        TestPostgres.connect().close();
        try {
            run(kafka, Map.of("INGEST_SINK_BACKEND", "postgres", "INGEST_PG_URL", TestPostgres.URL,
                    "INGEST_PG_USER", TestPostgres.USER, "INGEST_PG_PASSWORD", TestPostgres.PASSWORD,
                    "INGEST_PG_SCHEMA", schema, "INGEST_DATA_DIR", Files.createTempDirectory("sink-crash-pg").toString()),
                    () -> postgresIds(schema));
        } finally {
            TestPostgres.dropSchema(schema);
        }
    }

    private interface Stored {
        List<String> ids() throws Exception;
    }

    private void run(TestKafka kafka, Map<String, String> backend, Stored stored) throws Exception {
        String prefix = TestKafka.uniqueName("crash") + ".";
        Topics topics = new Topics(prefix);
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(topics.dataset("crash"), 3, (short) 1))).all().get(30,
                    TimeUnit.SECONDS);
        }
        Map<String, String> env = new HashMap<>(backend);
        env.put("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
        env.put("INGEST_TOPIC_PREFIX", prefix);
        env.put("INGEST_SINK_GROUP", TestKafka.uniqueName("sink"));
        env.put("INGEST_SINK_FLUSH_MS", "300");
        env.put("INGEST_SINK_HTTP_PORT", "-1");
        env.put("INGEST_LOG_LEVEL", "DEBUG"); // each commit is logged: the test kills the workers between them
        env.put("KAFKA_CONSUMER_METADATA_MAX_AGE_MS", "1000");
        // a killed worker leaves no word: its partitions move once its session expires
        env.put("KAFKA_CONSUMER_SESSION_TIMEOUT_MS", "6000");
        env.put("KAFKA_CONSUMER_HEARTBEAT_INTERVAL_MS", "1000");
        long seed = System.nanoTime();
        Random random = new Random(seed);
        System.out.println("SinkCrashIT " + backend.get("INGEST_SINK_BACKEND") + ": seed " + seed);

        // events flow until the second worker has its share and committed: a loaded machine slows the restarts, and a
        // stream that ended before the second worker joined would leave it nothing to commit
        AtomicBoolean enough = new AtomicBoolean();
        CompletableFuture<Integer> producing = CompletableFuture.supplyAsync(() -> produce(kafka, topics, enough, seed));
        SinkProcess first = SinkProcess.start(env, "first");
        for (int k = 0; k < KILLS; k++) {
            // kill it in the middle of its work: after a random number of commits, at a random moment
            first.awaitCommits(1 + random.nextInt(4), 60);
            Thread.sleep(random.nextInt(300));
            first.kill();
            first = SinkProcess.start(env, "first");
        }
        first.awaitCommits(2, 60);
        SinkProcess second = SinkProcess.start(env, "second");
        second.awaitCommits(2, 60); // the partitions are split between the two
        first.stop(); // SIGTERM: it commits; the second worker takes every partition when its session ends
        enough.set(true);
        int events = producing.get(120, TimeUnit.SECONDS);

        List<String> ids = List.of();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < deadline) {
            ids = stored.ids();
            if (ids.size() >= events) {
                break;
            }
            Thread.sleep(500);
        }
        Thread.sleep(1000);
        second.stop();
        ids = stored.ids();
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < events; i++) {
            expected.add("e-" + i);
        }
        assertThat(ids).as("stored ids (seed %d)", seed).doesNotHaveDuplicates();
        assertThat(ids).as("stored ids (seed %d)", seed).containsExactlyInAnyOrderElementsOf(expected);
    }

    /**
     * A steady stream, 150 events every 100 ms: at least 30,000 (about 20 s), and on until {@code enough}. Most
     * records hold several events, as the validator writes them ({@link DatasetRecord}: 1 to 40, ids {@code e-<i>});
     * some are one event in the older form.
     */
    private static int produce(TestKafka kafka, Topics topics, AtomicBoolean enough, long seed) {
        Random random = new Random(seed);
        int i = 0;
        try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all"), new ByteArraySerializer(), new ByteArraySerializer())) {
            DatasetRecord.Builder record = new DatasetRecord.Builder();
            int flushed = 0;
            while (i < EVENTS || !enough.get()) {
                int n = random.nextInt(4) == 0 ? 1 : 1 + random.nextInt(40);
                boolean old = n == 1 && random.nextBoolean();
                record.reset();
                RecordHeaders h = new RecordHeaders();
                IngestHeaders.put(h, IngestHeaders.DATASET, "crash");
                for (int k = 0; k < n; k++, i++) {
                    Instant time = Instant.parse("2026-11-23T10:00:00Z").plusSeconds(i % 7200);
                    String id = "e-" + i;
                    byte[] value = ("{\"_time\":\"" + time + "\",\"_id\":\"" + id + "\",\"seq\":" + i + "}")
                            .getBytes(UTF_8);
                    if (old) {
                        IngestHeaders.put(h, IngestHeaders.EVENT_TIME, Long.toString(time.toEpochMilli()));
                        p.send(new ProducerRecord<>(topics.dataset("crash"), null, id.getBytes(UTF_8), value, h));
                    } else {
                        record.add(id, i, time.toEpochMilli(), value, 0, value.length);
                    }
                }
                if (!old) {
                    record.putHeaders(h, "e");
                    p.send(new ProducerRecord<>(topics.dataset("crash"), null, record.firstId().getBytes(UTF_8),
                            record.value(), h));
                }
                if (i - flushed >= 150) {
                    flushed = i;
                    p.flush();
                    Thread.sleep(100);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return i;
    }

    private static List<String> filesIds(Path datasetDir) {
        List<String> ids = new ArrayList<>();
        if (!Files.isDirectory(datasetDir)) {
            return ids;
        }
        try (Stream<Path> files = Files.walk(datasetDir)) {
            for (Path f : files.filter(p -> (p.getFileName().toString().endsWith(".ndjson.gz") || p.getFileName().toString().endsWith(".ndjson.zst")))
                    .filter(p -> !datasetDir.relativize(p).startsWith("_sink")).toList()) {
                try (InputStream in = f.toString().endsWith(".zst")
                        ? new com.github.luben.zstd.ZstdInputStream(Files.newInputStream(f))
                        : new GZIPInputStream(Files.newInputStream(f))) {
                    for (String line : new String(in.readAllBytes(), UTF_8).split("\n")) {
                        int at = line.indexOf("\"_id\":\"");
                        if (at >= 0) {
                            ids.add(line.substring(at + 7, line.indexOf('"', at + 7)));
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return ids;
    }

    private static List<String> postgresIds(String schema) throws Exception {
        List<String> ids = new ArrayList<>();
        try (Connection c = TestPostgres.connect(); Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT to_regclass('\"" + schema + "\".\"crash\"') IS NOT NULL")) {
                rs.next();
                if (!rs.getBoolean(1)) {
                    return ids;
                }
            }
            Set<String> positions = new HashSet<>();
            try (ResultSet rs = s.executeQuery("SELECT id, kafka_partition, kafka_offset FROM \"" + schema
                    + "\".\"crash\"")) {
                while (rs.next()) {
                    ids.add(rs.getString(1));
                    // the search's order is (time, partition, position): a position names one event
                    String position = rs.getInt(2) + "/" + rs.getLong(3);
                    assertThat(positions.add(position)).as("position %s of %s held twice", position,
                            rs.getString(1)).isTrue();
                }
            }
        }
        return ids;
    }
}
