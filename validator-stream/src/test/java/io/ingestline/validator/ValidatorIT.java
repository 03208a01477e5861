package io.ingestline.validator;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import io.ingestline.kafka.testkit.TestKafka;
import io.ingestline.kafka.testkit.WithKafka;
import io.ingestline.model.BatchContext;
import io.ingestline.model.BatchTarget;
import io.ingestline.model.ConfigKeys;
import io.ingestline.model.DatasetRecord;
import io.ingestline.model.Dialect;
import io.ingestline.model.IngestHeaders;
import io.ingestline.model.RawBatch;
import io.ingestline.model.RawBatchCodec;
import io.ingestline.model.Topics;
import io.ingestline.validator.topology.BatchProgress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.LoggerFactory;

/** A validator on a real broker: what its producer cannot write, new datasets, its readiness. */
@WithKafka
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ValidatorIT {
    private static final Instant RECEIVED = Instant.parse("2026-12-04T12:00:00Z");

    @TempDir
    Path stateDir;

    private final TestKafka kafka;
    private final Topics topics = new Topics(TestKafka.uniqueName("vit") + ".");
    private final List<Validator> validators = new ArrayList<>();
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private KafkaProducer<byte[], byte[]> producer;

    ValidatorIT(TestKafka kafka) {
        this.kafka = kafka;
    }

    @BeforeEach
    void start() {
        logs.start();
        root().addAppender(logs);
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 4 * 1024 * 1024), new ByteArraySerializer(),
                new ByteArraySerializer());
    }

    @AfterEach
    void stop() {
        validators.forEach(Validator::close);
        producer.close();
        root().detachAppender(logs);
    }

    private static Logger root() {
        return (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    }

    private Map<String, String> env(Map<String, String> extra) {
        Map<String, String> env = new HashMap<>(Map.of("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers(),
                "INGEST_TOPIC_PREFIX", topics.prefix(), "INGEST_TOPIC_REPLICATION", "1", "INGEST_RAW_PARTITIONS", "2",
                "INGEST_DATASET_PARTITIONS", "3", "INGEST_VALIDATOR_APP_ID", topics.prefix() + "validator",
                "INGEST_VALIDATOR_STATE_DIR", stateDir.toString(), "INGEST_VALIDATOR_HTTP_HOST", "127.0.0.1",
                "INGEST_VALIDATOR_HTTP_PORT", "0"));
        env.putAll(extra);
        return env;
    }

    private Validator validator(Map<String, String> extra) {
        Validator v = Validator.start(ValidatorConfig.fromEnv(env(extra)));
        validators.add(v);
        return v;
    }

    private void send(String dataset, String batchId, List<String> lines) throws Exception {
        BatchContext c = new BatchContext(Dialect.AXIOM, new BatchTarget.Dataset(dataset), "tok", null, RECEIVED);
        byte[] payload = (String.join("\n", lines) + "\n").getBytes(UTF_8);
        RawBatch b = new RawBatch(batchId, 0, 1, c, lines.size(), payload);
        RecordHeaders headers = new RecordHeaders();
        RawBatchCodec.writeHeaders(b, headers);
        producer.send(new ProducerRecord<>(topics.raw(), null, b.key().getBytes(UTF_8), payload, headers)).get();
    }

    /** Puts a rule before the validator starts (it reads the whole configuration topic before it runs). */
    private void putDatasetRule(String dataset, String json) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(topics.config(), 1, (short) 1)
                    .configs(Map.of("cleanup.policy", "compact")))).all().get();
        }
        producer.send(new ProducerRecord<>(topics.config(), ConfigKeys.dataset(dataset).getBytes(UTF_8),
                json.getBytes(UTF_8))).get();
    }

    /** Everything committed to the topics, until {@code done} holds or the wait ends. */
    private List<ConsumerRecord<byte[], byte[]>> readCommitted(List<String> from,
            java.util.function.Predicate<List<ConsumerRecord<byte[], byte[]>>> done) {
        // dataset records opened into their events: what the tests count and check
        return DatasetRecord.events(kafka.read(from, got -> done.test(DatasetRecord.events(got)),
                Duration.ofSeconds(60)));
    }

    /** Log lines (broker and clients share this JVM) of writes to partitions that were not ready. */
    private List<String> transactionErrors() {
        return logs.list.stream().map(e -> e.getLoggerName() + " " + e.getLevel() + " " + e.getFormattedMessage()
                        + (e.getThrowableProxy() == null ? "" : ThrowableProxyUtil.asString(e.getThrowableProxy())))
                .filter(s -> s.contains("OutOfOrderSequence") || s.contains("CONCURRENT_TRANSACTIONS")
                        || s.contains("NOT_LEADER_OR_FOLLOWER") || s.contains("UNKNOWN_TOPIC_OR_PARTITION"))
                .filter(s -> !s.contains("[Producer clientId=producer-")) // the test's own producer
                .toList();
    }

    @Test
    void topics_made_with_a_lower_limit_are_raised_and_a_mebibyte_event_reaches_its_dataset() throws Exception {
        // made before (by hand, or by an older version) with about the broker's default
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(topics.deadLetters(), 2, (short) 1),
                    new NewTopic(topics.dataset("big"), 3, (short) 1)).stream()
                    .map(t -> t.configs(Map.of("max.message.bytes", "1000000"))).toList()).all().get();
            Validator v = validator(Map.of());
            assertThat(maxMessageBytes(admin, topics.deadLetters())).isEqualTo(4 * 1024 * 1024);
            assertThat(maxMessageBytes(admin, topics.raw())).isEqualTo(4 * 1024 * 1024);

            // Loggly's largest event (1 MiB of text) as the edge stores it, beside a small one
            String text = "{\"message\":\"" + "t".repeat(1024 * 1024) + "\",\"tags\":[\"big\"]}";
            send("big", "batch-big", List.of(text, "{\"message\":\"small\"}"));

            List<ConsumerRecord<byte[], byte[]>> out = readCommitted(List.of(topics.dataset("big"),
                    topics.deadLetters()), got -> got.size() >= 2);
            assertThat(out).extracting(ConsumerRecord::topic).containsOnly(topics.dataset("big"));
            assertThat(out).extracting(r -> r.value().length).anySatisfy(n -> assertThat(n).isGreaterThan(1024 * 1024));
            assertThat(maxMessageBytes(admin, topics.dataset("big"))).isEqualTo(4 * 1024 * 1024);
            assertThat(v.failed()).isNotDone();
        }
    }

    private static long maxMessageBytes(Admin admin, String topic) throws Exception {
        org.apache.kafka.common.config.ConfigResource r = new org.apache.kafka.common.config.ConfigResource(
                org.apache.kafka.common.config.ConfigResource.Type.TOPIC, topic);
        return Long.parseLong(admin.describeConfigs(List.of(r)).all().get().get(r).get("max.message.bytes").value());
    }

    @Test
    void an_event_a_rule_makes_too_large_is_a_dead_letter_and_the_stream_goes_on() throws Exception {
        long seed = System.nanoTime();
        System.out.println("seed " + seed);
        Random random = new Random(seed);
        // every event's msg is copied into four more columns (each string under kql's 1 MiB): a 700 kB event
        // becomes a 3.5 MB one
        putDatasetRule("web", "{\"version\":1,\"columns\":[{\"name\":\"msg\",\"type\":\"string\"}],"
                + "\"transformKql\":\"source | extend a = msg, b = msg, c = msg, d = msg\"}");
        Validator v = validator(Map.of());
        int good = 0;
        List<String> lines = new ArrayList<>();
        int big = random.nextInt(20);
        for (int i = 0; i < 20; i++) {
            int size = i == big ? 700_000 : 10 + random.nextInt(2_000);
            lines.add("{\"n\":" + i + ",\"msg\":\"" + "x".repeat(size) + "\"}");
            good += i == big ? 0 : 1;
        }
        send("web", "batch-a", lines);
        send("web", "batch-b", List.of("{\"n\":100,\"msg\":\"after\"}"));
        int expected = good + 1;

        List<ConsumerRecord<byte[], byte[]>> out = readCommitted(List.of(topics.dataset("web"), topics.deadLetters()),
                got -> got.stream().filter(r -> r.topic().equals(topics.dataset("web"))).count() >= expected
                        && got.stream().anyMatch(r -> r.topic().equals(topics.deadLetters())));
        List<ConsumerRecord<byte[], byte[]>> events = out.stream()
                .filter(r -> r.topic().equals(topics.dataset("web"))).toList();
        List<ConsumerRecord<byte[], byte[]>> dead = out.stream()
                .filter(r -> r.topic().equals(topics.deadLetters())).toList();
        assertThat(v.failed()).isNotDone();
        assertThat(dead).as("dead letters: " + dead.stream().map(r -> IngestHeaders.get(r.headers(),
                IngestHeaders.DLQ_STAGE) + "/" + IngestHeaders.get(r.headers(), IngestHeaders.DLQ_EVENT_INDEX) + " "
                + IngestHeaders.get(r.headers(), IngestHeaders.DLQ_ERROR_MESSAGE)).toList()).hasSize(1);
        assertThat(events).hasSize(expected);
        assertThat(IngestHeaders.get(dead.get(0).headers(), IngestHeaders.DLQ_STAGE)).isEqualTo("store");
        assertThat(IngestHeaders.get(dead.get(0).headers(), IngestHeaders.DLQ_EVENT_INDEX))
                .isEqualTo(Integer.toString(big));
        assertThat(Integer.parseInt(IngestHeaders.get(dead.get(0).headers(), "ingest.dlq.record-bytes")))
                .isGreaterThan(3_500_000);
        assertThat(IngestHeaders.get(dead.get(0).headers(), IngestHeaders.DLQ_ERROR_MESSAGE))
                .contains("over the record limit of 3145728 bytes");
        assertThat(new String(dead.get(0).value(), UTF_8)).startsWith("{\"n\":" + big + ",");
        assertThat(v.running()).isTrue();
    }

    /**
     * The rule's pattern costs about 700 steps a character: RE2/J, linear, takes seconds over a 200 kB message (the
     * backtracking java.util.regex, longer than anyone waits); the budget stops it after 100 ms of the thread's time.
     */
    @Test
    void an_event_over_the_rule_budget_is_a_dead_letter_naming_it_and_the_rest_of_its_batch_lands() throws Exception {
        long seed = System.nanoTime();
        System.out.println("seed " + seed);
        Random random = new Random(seed);
        putDatasetRule("web", "{\"version\":1,\"columns\":[{\"name\":\"msg\",\"type\":\"string\"}],"
                + "\"transformKql\":\"source | extend words = msg matches regex @'(\\\\w+\\\\s?){1,100}$'\"}");
        Validator v = validator(Map.of("INGEST_VALIDATOR_RULE_BUDGET_MS", "100"));
        List<String> lines = new ArrayList<>();
        int slow = random.nextInt(20);
        for (int i = 0; i < 20; i++) {
            String msg = i == slow ? "a".repeat(200_000) + "!" : "word ".repeat(1 + random.nextInt(50)).trim();
            lines.add("{\"n\":" + i + ",\"msg\":\"" + msg + "\"}");
        }
        send("web", "batch-a", lines);
        send("web", "batch-b", List.of("{\"n\":100,\"msg\":\"after\"}"));

        List<ConsumerRecord<byte[], byte[]>> out = readCommitted(List.of(topics.dataset("web"), topics.deadLetters()),
                got -> got.size() >= 21);
        List<ConsumerRecord<byte[], byte[]>> events = out.stream()
                .filter(r -> r.topic().equals(topics.dataset("web"))).toList();
        List<ConsumerRecord<byte[], byte[]>> dead = out.stream()
                .filter(r -> r.topic().equals(topics.deadLetters())).toList();
        assertThat(dead).hasSize(1);
        assertThat(IngestHeaders.get(dead.get(0).headers(), IngestHeaders.DLQ_STAGE)).isEqualTo("transform");
        assertThat(IngestHeaders.get(dead.get(0).headers(), IngestHeaders.DLQ_EVENT_INDEX))
                .isEqualTo(Integer.toString(slow));
        assertThat(IngestHeaders.get(dead.get(0).headers(), IngestHeaders.DLQ_ERROR_MESSAGE))
                .isEqualTo("transformation to dataset web failed: the rule ran over its time budget of 100 ms per event");
        assertThat(new String(dead.get(0).value(), UTF_8)).startsWith("{\"n\":" + slow + ",");
        assertThat(events).hasSize(20);
        assertThat(events.stream().map(r -> new String(r.value(), UTF_8)))
                .allMatch(e -> e.contains("\"words\":true"))
                .anyMatch(e -> e.contains("\"msg\":\"after\""));
        assertThat(v.failed()).isNotDone();
        assertThat(v.running()).isTrue();
    }

    /** Wait 0: every new dataset's first batch is parked until its topic exists; 2000: the default short wait. */
    @ParameterizedTest
    @ValueSource(strings = {"0", "2000"})
    void new_datasets_get_their_events_exactly_once_without_transaction_errors_at_the_broker(String wait)
            throws Exception {
        long seed = System.nanoTime();
        System.out.println("seed " + seed);
        Random random = new Random(seed);
        Validator v = validator(Map.of("INGEST_VALIDATOR_TOPIC_WAIT_MS", wait));
        List<String> datasets = IntStream.range(0, 5).mapToObj(i -> "new" + i).toList();
        Map<String, Integer> sent = new HashMap<>();
        AtomicInteger batch = new AtomicInteger();
        for (int round = 0; round < 3; round++) {
            for (String d : datasets) {
                // the first batch is large: the producer has several batches in flight to each new partition
                int n = round == 0 ? 2_000 + random.nextInt(2_000) : 1 + random.nextInt(50);
                int b = batch.getAndIncrement();
                send(d, "b" + b, IntStream.range(0, n)
                        .mapToObj(i -> "{\"i\":" + i + ",\"pad\":\"" + "p".repeat(random.nextInt(200)) + "\"}")
                        .toList());
                sent.merge(d, n, Integer::sum);
            }
        }
        int total = sent.values().stream().mapToInt(Integer::intValue).sum();
        await().atMost(Duration.ofSeconds(60)).until(() -> datasets.stream().allMatch(d -> topicExists(d)));

        List<ConsumerRecord<byte[], byte[]>> out = readCommitted(
                datasets.stream().map(topics::dataset).toList(), got -> got.size() >= total);
        Map<String, Long> perDataset = out.stream().collect(Collectors.groupingBy(
                r -> topics.datasetOf(r.topic()), Collectors.counting()));
        Set<String> ids = out.stream().map(r -> new String(r.key(), UTF_8)).collect(Collectors.toSet());
        assertThat(v.failed()).isNotDone();
        assertThat(ids).hasSize(out.size());
        assertThat(out).hasSize(total);
        datasets.forEach(d -> assertThat(perDataset.get(d)).as(d).isEqualTo((long) sent.get(d)));
        assertThat(transactionErrors()).isEmpty();
        if (wait.equals("0")) {
            assertThat(get(v.statusPort(), "/metrics").body())
                    .containsPattern("(?m)^validator_parked_batches_total [1-9]");
        }
    }

    @Test
    void a_dataset_topic_deleted_by_an_operator_is_created_again_and_loses_no_later_event() throws Exception {
        Validator v = validator(Map.of());
        send("gone", "g1", List.of("{\"n\":1}"));
        assertThat(readCommitted(List.of(topics.dataset("gone")), got -> got.size() == 1)).hasSize(1);
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            admin.deleteTopics(List.of(topics.dataset("gone"))).all().get();
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> !topicExists("gone"));
        send("gone", "g2", List.of("{\"n\":2}", "{\"n\":3}"));
        send("gone", "g3", List.of("{\"n\":4}"));

        List<ConsumerRecord<byte[], byte[]>> out = readCommitted(List.of(topics.dataset("gone")),
                got -> got.size() >= 3);
        assertThat(out).extracting(r -> new String(r.key(), UTF_8))
                .containsExactlyInAnyOrder("g2-0", "g2-1", "g3-0");
        assertThat(v.failed()).isNotDone();
    }

    private boolean topicExists(String dataset) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            return admin.listTopics().names().get().contains(topics.dataset(dataset));
        } catch (Exception e) {
            return false;
        }
    }

    private static HttpResponse<String> get(int port, String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void a_stalled_stream_thread_makes_ready_fail_within_seconds_and_shutdown_stays_bounded() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicBoolean stall = new AtomicBoolean();
        Validator v = Validator.start(ValidatorConfig.fromEnv(env(Map.of("INGEST_VALIDATOR_STALL_MS", "1000",
                "INGEST_VALIDATOR_CLOSE_TIMEOUT_MS", "2000"))), new BatchProgress(() -> {
                    if (stall.get()) {
                        try {
                            release.await(60, TimeUnit.SECONDS);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                }));
        validators.add(v);
        await().atMost(Duration.ofSeconds(60)).until(() -> get(v.statusPort(), "/ready").statusCode() == 200);
        send("web", "before", List.of("{\"n\":1}"));
        readCommitted(List.of(topics.dataset("web")), got -> got.size() == 1);

        stall.set(true);
        send("web", "stalled", List.of("{\"n\":2}"));
        await().atMost(Duration.ofSeconds(10)).until(() -> get(v.statusPort(), "/ready").statusCode() == 503);
        assertThat(get(v.statusPort(), "/ready").body()).contains("\"stalled\"", "StreamThread");
        assertThat(get(v.statusPort(), "/metrics").body()).containsPattern("(?m)^validator_stalled 1\\.0$");
        assertThat(get(v.statusPort(), "/health").statusCode()).isEqualTo(200);

        stall.set(false);
        release.countDown();
        await().atMost(Duration.ofSeconds(10)).until(() -> get(v.statusPort(), "/ready").statusCode() == 200);
        assertThat(readCommitted(List.of(topics.dataset("web")), got -> got.size() == 2)).hasSize(2);
    }

    @Test
    void shutdown_ends_within_its_timeout_while_a_thread_is_stuck() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch stuck = new CountDownLatch(1);
        Validator v = Validator.start(ValidatorConfig.fromEnv(env(Map.of("INGEST_VALIDATOR_CLOSE_TIMEOUT_MS", "2000"))),
                new BatchProgress(() -> {
                    stuck.countDown();
                    try {
                        release.await(60, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }));
        try {
            await().atMost(Duration.ofSeconds(60)).until(v::running);
            send("web", "stuck", List.of("{\"n\":1}"));
            assertThat(stuck.await(30, TimeUnit.SECONDS)).isTrue();
            assertTimeoutPreemptively(Duration.ofSeconds(20), v::close);
        } finally {
            release.countDown();
        }
        // the thread left behind finishes on its own; wait for it before the state directory is deleted
        await().atMost(Duration.ofSeconds(60)).until(() -> Thread.getAllStackTraces().keySet().stream()
                .noneMatch(t -> t.getName().startsWith(topics.prefix() + "validator")));
    }
}
