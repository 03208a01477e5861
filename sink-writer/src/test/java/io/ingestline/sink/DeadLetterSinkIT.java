package io.ingestline.sink;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.ingestline.kafka.testkit.TestKafka;
import io.ingestline.kafka.testkit.WithKafka;
import io.ingestline.model.IngestHeaders;
import io.ingestline.model.Json;
import io.ingestline.model.Topics;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The dead-letter topic stored as the dataset {@code _deadletter} on a real broker: dead letters of every stage, each
 * exactly once, through a SIGKILL of the sink (files) and a restart (PostgreSQL); and a dead letter PostgreSQL
 * refuses is counted and never sent back to the dead-letter topic.
 */
@WithKafka
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class DeadLetterSinkIT {
    private static final String[] STAGES = {"contract", "parse", "validate", "route", "transform", "store"};
    private static final byte[] NOT_UTF8 = {0x1f, (byte) 0x8b, 0x08, 0x00, (byte) 0xc3, 0x28};

    /** A dead letter as the validator or the sink writes one: the original bytes, the reason in headers. */
    private static ProducerRecord<byte[], byte[]> deadLetter(String topic, int seq) {
        String stage = STAGES[seq % STAGES.length];
        RecordHeaders h = new RecordHeaders();
        IngestHeaders.put(h, IngestHeaders.DLQ_STAGE, stage);
        IngestHeaders.put(h, IngestHeaders.DLQ_ERROR_CLASS, "io.ingestline.rules.Outcome.Failed");
        IngestHeaders.put(h, IngestHeaders.DLQ_ERROR_MESSAGE, stage + " failed on " + seq);
        IngestHeaders.put(h, IngestHeaders.DATASET, seq % 2 == 0 ? "web" : "app");
        IngestHeaders.put(h, IngestHeaders.DIALECT, "axiom");
        IngestHeaders.put(h, IngestHeaders.TOKEN, "tok1");
        IngestHeaders.put(h, IngestHeaders.DLQ_SOURCE, "ingest.raw/0/" + seq);
        IngestHeaders.put(h, IngestHeaders.DLQ_EVENT_INDEX, Integer.toString(seq));
        byte[] value = seq % 7 == 3 ? NOT_UTF8 : ("{\"seq\":" + seq + ",\"msg\":\"h\u00e9\"}").getBytes(UTF_8);
        return new ProducerRecord<>(topic, null, ("batch-" + seq).getBytes(UTF_8), value, h);
    }

    private static KafkaProducer<byte[], byte[]> producer(TestKafka kafka) {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all"), new ByteArraySerializer(), new ByteArraySerializer());
    }

    private static void createTopics(TestKafka kafka, NewTopic... topics) throws Exception {
        try (Admin admin = admin(kafka)) {
            admin.createTopics(List.of(topics)).all().get(30, TimeUnit.SECONDS);
        }
    }

    private static Admin admin(TestKafka kafka) {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()));
    }

    private static Map<String, String> env(TestKafka kafka, Topics topics) {
        Map<String, String> env = new HashMap<>();
        env.put("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
        env.put("INGEST_TOPIC_PREFIX", topics.prefix());
        env.put("INGEST_SINK_GROUP", TestKafka.uniqueName("sink"));
        env.put("INGEST_SINK_FLUSH_MS", "300");
        env.put("KAFKA_CONSUMER_METADATA_MAX_AGE_MS", "1000");
        return env;
    }

    @Test
    void files_hold_every_dead_letter_of_every_stage_once_after_a_kill(TestKafka kafka) throws Exception {
        Topics topics = new Topics(TestKafka.uniqueName("dlqf") + ".");
        createTopics(kafka, new NewTopic(topics.deadLetters(), 2, (short) 1), new NewTopic(topics.dataset("web"), 1,
                (short) 1));
        Path data = Files.createTempDirectory("sink-dlq-files");
        Map<String, String> env = env(kafka, topics);
        env.put("INGEST_DATA_DIR", data.toString());
        env.put("INGEST_SINK_HTTP_PORT", "-1");
        env.put("INGEST_LOG_LEVEL", "DEBUG"); // each commit is logged: the test kills the sink between them
        env.put("KAFKA_CONSUMER_SESSION_TIMEOUT_MS", "6000");
        env.put("KAFKA_CONSUMER_HEARTBEAT_INTERVAL_MS", "1000");
        long seed = System.nanoTime();
        Random random = new Random(seed);
        System.out.println("DeadLetterSinkIT files: seed " + seed);
        try (KafkaProducer<byte[], byte[]> p = producer(kafka)) {
            for (int i = 0; i < 5; i++) {
                RecordHeaders h = new RecordHeaders();
                IngestHeaders.put(h, IngestHeaders.EVENT_TIME, "1764000000000");
                p.send(new ProducerRecord<>(topics.dataset("web"), null, ("w-" + i).getBytes(UTF_8),
                        ("{\"_time\":\"2025-11-24T16:00:00Z\",\"_id\":\"w-" + i + "\"}").getBytes(UTF_8), h));
            }
        }

        AtomicBoolean enough = new AtomicBoolean();
        CompletableFuture<Map<String, Integer>> producing = CompletableFuture.supplyAsync(() -> {
            Map<String, Integer> ids = new HashMap<>();
            try (KafkaProducer<byte[], byte[]> p = producer(kafka)) {
                for (int seq = 0; seq < 3_000 || !enough.get(); seq++) {
                    RecordMetadata m = p.send(deadLetter(topics.deadLetters(), seq)).get();
                    ids.put(m.topic() + "-" + m.partition() + "-" + m.offset(), seq);
                    if (seq % 100 == 99) {
                        Thread.sleep(50);
                    }
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            return ids;
        });
        SinkProcess sink = SinkProcess.start(env, "dlq");
        sink.awaitCommits(1 + random.nextInt(3), 60);
        Thread.sleep(random.nextInt(300));
        sink.kill(); // in the middle of its work: staged files and maybe a commit half done
        sink = SinkProcess.start(env, "dlq");
        sink.awaitCommits(2, 60);
        enough.set(true);
        Map<String, Integer> produced = producing.get(120, TimeUnit.SECONDS);

        Path deadDir = data.resolve("datasets/dataset=_deadletter");
        await().atMost(Duration.ofSeconds(90)).until(() -> lines(deadDir).size() >= produced.size());
        Thread.sleep(1000); // a duplicate would come with the next commit
        sink.stop();
        List<JsonNode> stored = lines(deadDir);
        List<String> ids = stored.stream().map(e -> e.get("_id").asText()).toList();
        assertThat(ids).as("seed %d", seed).doesNotHaveDuplicates();
        assertThat(ids).as("seed %d", seed).containsExactlyInAnyOrderElementsOf(produced.keySet());
        Map<String, Integer> perStage = new HashMap<>();
        for (JsonNode e : stored) {
            int seq = produced.get(e.get("_id").asText());
            String stage = STAGES[seq % STAGES.length];
            perStage.merge(stage, 1, Integer::sum);
            assertThat(e.get("stage").asText()).isEqualTo(stage);
            assertThat(e.get("reason").asText()).isEqualTo(stage + " failed on " + seq);
            assertThat(e.get("dataset").asText()).isEqualTo(seq % 2 == 0 ? "web" : "app");
            assertThat(e.get("event_index").asInt()).isEqualTo(seq);
            if (seq % 7 == 3) {
                assertThat(Base64.getDecoder().decode(e.get("original_base64").asText())).isEqualTo(NOT_UTF8);
            } else {
                assertThat(e.get("original").asText()).isEqualTo("{\"seq\":" + seq + ",\"msg\":\"h\u00e9\"}");
            }
        }
        assertThat(perStage).containsOnlyKeys(STAGES);
        assertThat(lines(data.resolve("datasets/dataset=web"))).hasSize(5);
    }

    @Test
    void postgresql_stores_dead_letters_once_across_a_restart_and_one_it_refuses_is_not_sent_back(TestKafka kafka)
            throws Exception {
        Topics topics = new Topics(TestKafka.uniqueName("dlqp") + ".");
        createTopics(kafka, new NewTopic(topics.deadLetters(), 1, (short) 1), new NewTopic(topics.dataset("web"), 1,
                (short) 1));
        String schema = TestPostgres.uniqueSchema();
        try (Connection c = TestPostgres.connect(); Statement s = c.createStatement()) {
            // the table as the sink makes it, plus a check that refuses one dead letter: PostgreSQL refusing a row
            s.execute("CREATE SCHEMA \"" + schema + "\"");
            s.execute("CREATE TABLE \"" + schema + "\".\"_deadletter\" (time timestamptz NOT NULL, id text NOT NULL, "
                    + "event jsonb NOT NULL, CHECK (event->>'stage' <> 'poison')) PARTITION BY RANGE (time)");
        }
        try {
            postgres(kafka, topics, schema);
        } finally {
            TestPostgres.dropSchema(schema);
        }
    }

    private void postgres(TestKafka kafka, Topics topics, String schema) throws Exception {
        Map<String, String> env = env(kafka, topics);
        env.putAll(Map.of("INGEST_SINK_BACKEND", "postgres", "INGEST_PG_URL", TestPostgres.URL, "INGEST_PG_USER",
                TestPostgres.USER, "INGEST_PG_PASSWORD", TestPostgres.PASSWORD, "INGEST_PG_SCHEMA", schema,
                "INGEST_DATA_DIR", Files.createTempDirectory("sink-dlq-pg").toString(), "INGEST_SINK_HTTP_PORT", "0",
                "INGEST_SINK_HTTP_HOST", "127.0.0.1"));
        SinkConfig config = SinkConfig.fromEnv(env);
        String dlq = topics.deadLetters();
        try (KafkaProducer<byte[], byte[]> p = producer(kafka)) {
            for (int seq = 0; seq < 12; seq++) {
                p.send(deadLetter(dlq, seq));
            }
            ProducerRecord<byte[], byte[]> poison = deadLetter(dlq, 12);
            IngestHeaders.put(poison.headers(), IngestHeaders.DLQ_STAGE, "poison");
            p.send(poison);
            // jsonb refuses a \u0000 escape: the sink sends this event to the dead letters (stage store), then
            // stores that dead letter as _deadletter
            RecordHeaders h = new RecordHeaders();
            IngestHeaders.put(h, IngestHeaders.EVENT_TIME, "1764000000000");
            p.send(new ProducerRecord<>(topics.dataset("web"), null, "w-nul".getBytes(UTF_8),
                    "{\"_time\":\"2025-11-24T16:00:00Z\",\"_id\":\"w-nul\",\"m\":\"a\\u0000b\"}".getBytes(UTF_8), h));
        }
        HttpClient http = HttpClient.newHttpClient();
        try (SinkService sink = SinkService.start(config)) {
            // 12 dead letters, and the store-stage one the sink wrote for w-nul; the poison one refused
            await().atMost(Duration.ofSeconds(60)).until(() -> rows(schema).size() == 13);
            await().atMost(Duration.ofSeconds(30)).until(() -> metrics(http, sink)
                    .contains("sink_dead_letters_unstored_total 1.0"));
            // the sink moved past everything in the dead-letter topic: its end is 12 + poison + w-nul's, no more
            await().atMost(Duration.ofSeconds(30)).until(() -> committed(kafka, config.groupId(), dlq) == 14);
            assertThat(endOffset(kafka, dlq)).as("the refused dead letter was not sent back").isEqualTo(14);
        }
        Map<String, JsonNode> first = rows(schema);
        JsonNode nul = first.values().stream().filter(e -> e.get("stage").asText().equals("store")
                && e.get("source").asText().startsWith(topics.dataset("web"))).findFirst().orElseThrow();
        assertThat(nul.get("dataset").asText()).isEqualTo("web");
        assertThat(nul.get("reason").asText()).contains("PostgreSQL refused the event");
        assertThat(nul.get("original").asText()).contains("\\u0000");
        assertThat(first.values().stream().map(e -> e.get("stage").asText())).doesNotContain("poison");

        try (KafkaProducer<byte[], byte[]> p = producer(kafka)) {
            for (int seq = 100; seq < 110; seq++) {
                p.send(deadLetter(dlq, seq));
            }
        }
        SinkService restarted = SinkService.start(config);
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> committed(kafka, config.groupId(), dlq) == 24);
        } finally {
            restarted.close();
        }
        Map<String, JsonNode> all = rows(schema);
        assertThat(all).hasSize(23).containsAllEntriesOf(first);
        try (Connection c = TestPostgres.connect(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT count(*), count(DISTINCT id) FROM \"" + schema
                        + "\".\"_deadletter\"")) {
            rs.next();
            assertThat(rs.getLong(1)).as("no duplicates after the restart").isEqualTo(23).isEqualTo(rs.getLong(2));
        }
        assertThat(endOffset(kafka, dlq)).isEqualTo(24);
    }

    private static Map<String, JsonNode> rows(String schema) throws Exception {
        Map<String, JsonNode> out = new HashMap<>();
        try (Connection c = TestPostgres.connect(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT id, event::text FROM \"" + schema + "\".\"_deadletter\"")) {
            while (rs.next()) {
                out.put(rs.getString(1), Json.mapper().readTree(rs.getString(2)));
            }
        }
        return out;
    }

    private static String metrics(HttpClient http, SinkService sink) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + sink.statusPort() + "/metrics"))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    private static long committed(TestKafka kafka, String group, String topic) throws Exception {
        try (Admin admin = admin(kafka)) {
            OffsetAndMetadata m = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata()
                    .get(30, TimeUnit.SECONDS).get(new TopicPartition(topic, 0));
            return m == null ? -1 : m.offset();
        }
    }

    private static long endOffset(TestKafka kafka, String topic) throws Exception {
        try (Admin admin = admin(kafka)) {
            TopicPartition tp = new TopicPartition(topic, 0);
            ListOffsetsResult r = admin.listOffsets(Map.of(tp, OffsetSpec.latest()));
            return r.partitionResult(tp).get(30, TimeUnit.SECONDS).offset();
        }
    }

    /** The events of a dataset's visible files. */
    private static List<JsonNode> lines(Path datasetDir) {
        List<JsonNode> out = new ArrayList<>();
        if (!Files.isDirectory(datasetDir)) {
            return out;
        }
        try (Stream<Path> files = Files.walk(datasetDir)) {
            for (Path f : files.filter(x -> x.getFileName().toString().endsWith(".ndjson.zst"))
                    .filter(x -> !datasetDir.relativize(x).startsWith("_sink")).toList()) {
                try (InputStream in = new com.github.luben.zstd.ZstdInputStream(Files.newInputStream(f))) {
                    for (String line : new String(in.readAllBytes(), UTF_8).split("\n")) {
                        if (!line.isEmpty()) {
                            out.add(Json.mapper().readTree(line));
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }
}
