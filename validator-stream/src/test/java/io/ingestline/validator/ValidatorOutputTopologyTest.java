package io.ingestline.validator;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.ingestline.model.BatchContext;
import io.ingestline.model.BatchTarget;
import io.ingestline.model.ConfigKeys;
import io.ingestline.model.Dialect;
import io.ingestline.model.IngestHeaders;
import io.ingestline.model.RawBatch;
import io.ingestline.model.RawBatchCodec;
import io.ingestline.model.Topics;
import io.ingestline.model.kafka.KafkaSettings;
import io.ingestline.rules.EventChecks;
import io.ingestline.validator.topology.BatchProgress;
import io.ingestline.validator.topology.DatasetTopics;
import io.ingestline.validator.topology.ValidatorMetrics;
import io.ingestline.validator.topology.ValidatorTopology;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** What the validator writes: the record limit, and batches whose dataset topic does not exist yet. */
@Timeout(60)
class ValidatorOutputTopologyTest {
    private static final Instant RECEIVED = Instant.parse("2026-12-04T12:00:00Z");
    private static final int MAX_RECORD_BYTES = 3_000;
    private final Topics topics = Topics.defaults();
    private final Map<String, DatasetTopics.Status> topicStatus = new ConcurrentHashMap<>();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private TopologyTestDriver driver;
    private TestInputTopic<byte[], byte[]> raw;
    private TestOutputTopic<byte[], byte[]> deadLetters;

    @TempDir
    Path stateDir;

    @BeforeEach
    void start() {
        ValidatorConfig config = new ValidatorConfig(KafkaSettings.defaults("unused:9092", topics), "test", stateDir,
                "127.0.0.1", -1, new EventChecks.Limits(100_000, 20), Duration.ofMinutes(10),
                new ValidatorConfig.Output(MAX_RECORD_BYTES, Duration.ofSeconds(10), Duration.ZERO,
                        Duration.ofSeconds(5), Duration.ofSeconds(5)), Map.of());
        driver = new TopologyTestDriver(ValidatorTopology.build(Validator.settings(config),
                (dataset, wait) -> topicStatus.getOrDefault(dataset, DatasetTopics.READY),
                new ValidatorMetrics(registry), new BatchProgress()), Validator.streamsProperties(config));
        raw = driver.createInputTopic(topics.raw(), new ByteArraySerializer(), new ByteArraySerializer());
        deadLetters = driver.createOutputTopic(topics.deadLetters(), new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
        driver.createInputTopic(topics.config(), new StringSerializer(), new ByteArraySerializer())
                .pipeInput(ConfigKeys.dataset("big"), """
                        {"columns":[{"name":"msg","type":"string"}],
                         "transformKql":"source | extend a = strcat(msg, msg, msg, msg)"}""".getBytes(UTF_8));
        // one value shared 64 times, and that 64 times: small in memory, 4,096 copies of msg as JSON
        String rule = "source | extend a = pack_array(" + String.join(", ", java.util.Collections.nCopies(64, "msg"))
                + ") | extend b = pack_array(" + String.join(", ", java.util.Collections.nCopies(64, "a")) + ")";
        driver.createInputTopic(topics.config(), new StringSerializer(), new ByteArraySerializer())
                .pipeInput(ConfigKeys.dataset("shared"), ("{\"columns\":[{\"name\":\"msg\",\"type\":\"string\"}],"
                        + "\"transformKql\":\"" + rule + "\"}").getBytes(UTF_8));
    }

    @Test
    void an_output_event_shared_many_times_over_is_written_no_further_than_four_times_the_limit() {
        pipe("b2", "shared", "{\"msg\":\"" + "m".repeat(500) + "\"}");

        assertThat(dataset("shared")).isEmpty();
        TestRecord<byte[], byte[]> dead = deadLetters.readRecord();
        assertThat(IngestHeaders.get(dead.headers(), IngestHeaders.DLQ_STAGE)).isEqualTo("store");
        assertThat(IngestHeaders.get(dead.headers(), IngestHeaders.DLQ_RECORD_BYTES)).isNull();
        assertThat(IngestHeaders.get(dead.headers(), IngestHeaders.DLQ_ERROR_MESSAGE))
                .isEqualTo("the event for dataset shared is more than " + 4 * MAX_RECORD_BYTES
                        + " bytes as a record, over the record limit of " + MAX_RECORD_BYTES + " bytes");
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    private void pipe(String batchId, String dataset, String... lines) {
        BatchContext c = new BatchContext(Dialect.AXIOM, new BatchTarget.Dataset(dataset), "tok", null, RECEIVED);
        byte[] payload = (String.join("\n", lines) + "\n").getBytes(UTF_8);
        RawBatch b = new RawBatch(batchId, 0, 1, c, lines.length, payload);
        RecordHeaders headers = new RecordHeaders();
        RawBatchCodec.writeHeaders(b, headers);
        raw.pipeInput(new TestRecord<>(b.key().getBytes(UTF_8), payload, headers));
    }

    private List<TestRecord<String, byte[]>> dataset(String name) {
        return new DatasetEvents(driver.createOutputTopic(topics.dataset(name), new StringDeserializer(),
                new ByteArrayDeserializer())).readRecordsToList();
    }

    /** Kafka's own bound of the record alone in a batch, which the producer checks against the record limit. */
    private static int recordBytes(TestRecord<String, byte[]> r) {
        return org.apache.kafka.common.record.internal.AbstractRecords.estimateSizeInBytesUpperBound(
                org.apache.kafka.common.record.internal.RecordBatch.CURRENT_MAGIC_VALUE,
                org.apache.kafka.common.record.internal.CompressionType.NONE, r.key().getBytes(UTF_8), r.value(),
                r.headers().toArray());
    }

    @Test
    void packs_a_batchs_events_into_records_within_the_record_limit_in_order_each_once() {
        long seed = new java.util.Random().nextLong();
        System.out.println("packs_a_batchs_events_into_records seed=" + seed);
        java.util.Random random = new java.util.Random(seed);
        for (int round = 0; round < 20; round++) {
            int n = 1 + random.nextInt(random.nextBoolean() ? 5 : 300);
            String[] lines = new String[n];
            List<String> fitting = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                // mostly small, some near or over the record limit alone
                int size = random.nextInt(10) == 0 ? 2_600 + random.nextInt(600) : random.nextInt(400);
                lines[i] = "{\"i\":" + i + ",\"msg\":\"" + "x".repeat(size) + "\"}";
            }
            String batch = "r" + round;
            pipe(batch, "plain", lines);

            List<TestRecord<String, byte[]>> records = driver.createOutputTopic(topics.dataset("plain"),
                    new StringDeserializer(), new ByteArrayDeserializer()).readRecordsToList();
            List<String> ids = new ArrayList<>();
            for (TestRecord<String, byte[]> r : records) {
                assertThat(recordBytes(r)).as("seed %d: record size", seed).isLessThanOrEqualTo(MAX_RECORD_BYTES);
                List<TestRecord<String, byte[]>> events = DatasetEvents.events(r);
                assertThat(r.key()).isEqualTo(events.get(0).key());
                events.forEach(e -> ids.add(e.key()));
            }
            List<TestRecord<byte[], byte[]>> dead = deadLetters.readRecordsToList();
            for (TestRecord<byte[], byte[]> d : dead) {
                assertThat(IngestHeaders.get(d.headers(), IngestHeaders.DLQ_STAGE)).isEqualTo("store");
            }
            List<String> deadIds = dead.stream().map(d -> batch + "-"
                    + IngestHeaders.get(d.headers(), IngestHeaders.DLQ_EVENT_INDEX)).toList();
            for (int i = 0; i < n; i++) {
                fitting.add(batch + "-" + i);
            }
            fitting.removeAll(deadIds);
            assertThat(ids).as("seed %d: events in order, each once, none of the dead letters", seed)
                    .containsExactlyElementsOf(fitting);
            // packed: two records in a row hold more than the limit, or the first would have taken the second's
            // first event (an event of 400 bytes or less takes under 500 as a record's part)
            for (int i = 0; i + 1 < records.size(); i++) {
                assertThat(records.get(i).value().length + records.get(i + 1).value().length)
                        .as("seed %d: records %d and %d could have been one", seed, i, i + 1)
                        .isGreaterThan(MAX_RECORD_BYTES - 1_000);
            }
            // the dead letters are those that cannot fit alone: over the limit with any record overhead
            for (String id : deadIds) {
                int i = Integer.parseInt(id.substring(id.indexOf('-') + 1));
                assertThat(lines[i].length()).as("seed %d: %s dead-lettered", seed, id).isGreaterThan(2_500);
            }
        }
    }

    /**
     * A data collection rule's stream fanned out by four data flows to four datasets, one filtering, one doubling
     * the event (so some outputs pass the record limit), one projecting: each dataset gets its own records, each
     * within the limit, holding exactly the events its flow gives, in order, each once; an output over the limit is
     * a dead letter of that dataset alone. Seeded: events' sizes (tiny to past the limit) and levels, batches' sizes.
     */
    @Test
    void fans_a_stream_out_to_many_datasets_each_packed_within_the_limit_in_order_each_once() {
        long seed = new java.util.Random().nextLong();
        System.out.println("fans_a_stream_out_to_many_datasets seed=" + seed);
        java.util.Random random = new java.util.Random(seed);
        driver.createInputTopic(topics.config(), new StringSerializer(), new ByteArraySerializer())
                .pipeInput(ConfigKeys.dcr("fan"), """
                        {"properties":{"streamDeclarations":{"Custom-App":{"columns":[
                          {"name":"Msg","type":"string"},{"name":"Level","type":"int"},{"name":"N","type":"long"}]}},
                         "dataFlows":[
                          {"streams":["Custom-App"],"destinations":["la"],"transformKql":"source | extend TimeGenerated = now()",
                           "outputStream":"Custom-A_CL"},
                          {"streams":["Custom-App"],"destinations":["la"],
                           "transformKql":"source | where Level % 2 == 0 | extend TimeGenerated = now()",
                           "outputStream":"Custom-B_CL"},
                          {"streams":["Custom-App"],"destinations":["la"],
                           "transformKql":"source | extend Twice = strcat(Msg, Msg), TimeGenerated = now()",
                           "outputStream":"Custom-C_CL"},
                          {"streams":["Custom-App"],"destinations":["la"],
                           "transformKql":"source | where Level > 5 | project N, Msg, TimeGenerated = now()",
                           "outputStream":"Custom-D_CL"}]}}""".getBytes(UTF_8));
        Map<String, java.util.function.IntPredicate> flows = new java.util.LinkedHashMap<>();
        for (int round = 0; round < 12; round++) {
            int n = 1 + random.nextInt(random.nextBoolean() ? 8 : 250);
            String[] lines = new String[n];
            int[] levels = new int[n];
            for (int i = 0; i < n; i++) {
                int size = switch (random.nextInt(12)) {
                    case 0 -> 2_700 + random.nextInt(400); // past the limit even alone
                    case 1, 2 -> 1_200 + random.nextInt(400); // past it only when doubled
                    default -> random.nextInt(300);
                };
                levels[i] = random.nextInt(10);
                lines[i] = "{\"Msg\":\"" + "x".repeat(size) + "\",\"Level\":" + levels[i] + ",\"N\":" + i + "}";
            }
            flows.put("A_CL", i -> true);
            flows.put("B_CL", i -> levels[i] % 2 == 0);
            flows.put("C_CL", i -> true);
            flows.put("D_CL", i -> levels[i] > 5);
            String batch = "f" + round;
            BatchContext c = new BatchContext(Dialect.AZURE, new BatchTarget.Stream("fan", "Custom-App"), "tok",
                    "req-" + round, RECEIVED);
            byte[] payload = (String.join("\n", lines) + "\n").getBytes(UTF_8);
            RawBatch b = new RawBatch(batch, 0, 1, c, n, payload);
            RecordHeaders headers = new RecordHeaders();
            RawBatchCodec.writeHeaders(b, headers);
            raw.pipeInput(new TestRecord<>(b.key().getBytes(UTF_8), payload, headers));

            Map<String, List<Integer>> dead = new java.util.HashMap<>();
            for (TestRecord<byte[], byte[]> d : deadLetters.readRecordsToList()) {
                assertThat(IngestHeaders.get(d.headers(), IngestHeaders.DLQ_STAGE)).as("seed %d", seed)
                        .isEqualTo("store");
                String message = IngestHeaders.get(d.headers(), IngestHeaders.DLQ_ERROR_MESSAGE);
                String dataset = message.replaceAll("^the event for dataset (\\S+) .*$", "$1");
                dead.computeIfAbsent(dataset, k -> new ArrayList<>())
                        .add(Integer.parseInt(IngestHeaders.get(d.headers(), IngestHeaders.DLQ_EVENT_INDEX)));
            }
            for (Map.Entry<String, java.util.function.IntPredicate> flow : flows.entrySet()) {
                String dataset = flow.getKey();
                List<TestRecord<String, byte[]>> records = driver.createOutputTopic(topics.dataset(dataset),
                        new StringDeserializer(), new ByteArrayDeserializer()).readRecordsToList();
                List<Integer> got = new ArrayList<>();
                for (TestRecord<String, byte[]> r : records) {
                    assertThat(recordBytes(r)).as("seed %d: %s record size", seed, dataset)
                            .isLessThanOrEqualTo(MAX_RECORD_BYTES);
                    assertThat(IngestHeaders.get(r.headers(), IngestHeaders.DATASET)).isEqualTo(dataset);
                    for (TestRecord<String, byte[]> e : DatasetEvents.events(r)) {
                        assertThat(e.key()).startsWith(batch + "-");
                        got.add(Integer.parseInt(e.key().substring(batch.length() + 1)));
                    }
                }
                List<Integer> expected = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    if (flow.getValue().test(i) && !dead.getOrDefault(dataset, List.of()).contains(i)) {
                        expected.add(i);
                    }
                }
                assertThat(got).as("seed %d: %s holds its flow's events in order, each once", seed, dataset)
                        .containsExactlyElementsOf(expected);
                for (int i : dead.getOrDefault(dataset, List.of())) {
                    assertThat(flow.getValue().test(i)).as("seed %d: %s dead-lettered %d", seed, dataset, i).isTrue();
                    int outputBytes = dataset.equals("C_CL") ? 2 * lines[i].length() : lines[i].length();
                    assertThat(outputBytes).as("seed %d: %s dead-lettered %d", seed, dataset, i).isGreaterThan(2_000);
                }
            }
            assertThat(dead.keySet()).as("seed %d", seed).isSubsetOf(flows.keySet());
        }
    }

    @Test
    void dead_letters_an_output_event_over_the_record_limit_with_its_size_and_keeps_the_rest() {
        String small = "{\"msg\":\"" + "s".repeat(100) + "\"}";
        String big = "{\"msg\":\"" + "b".repeat(700) + "\"}"; // 4 copies more: over 3,000 bytes
        pipe("b1", "big", small, big, small);

        assertThat(dataset("big")).extracting(TestRecord::key).containsExactly("b1-0", "b1-2");
        TestRecord<byte[], byte[]> dead = deadLetters.readRecord();
        assertThat(new String(dead.value(), UTF_8)).isEqualTo(big);
        assertThat(IngestHeaders.get(dead.headers(), IngestHeaders.DLQ_STAGE)).isEqualTo("store");
        assertThat(IngestHeaders.get(dead.headers(), IngestHeaders.DLQ_EVENT_INDEX)).isEqualTo("1");
        // a rule's version is its configuration record's offset: the first record here
        assertThat(IngestHeaders.get(dead.headers(), IngestHeaders.RULE_VERSION)).isEqualTo("0");
        int size = Integer.parseInt(IngestHeaders.get(dead.headers(), IngestHeaders.DLQ_RECORD_BYTES));
        assertThat(size).isGreaterThan(MAX_RECORD_BYTES);
        assertThat(IngestHeaders.get(dead.headers(), IngestHeaders.DLQ_ERROR_MESSAGE))
                .isEqualTo("the event for dataset big is " + size + " bytes as a record, over the record limit of "
                        + MAX_RECORD_BYTES + " bytes");
        assertThat(deadLetters.isEmpty()).isTrue();
    }

    @Test
    void cuts_a_dead_letter_over_the_record_limit_and_says_how_large_it_was() {
        String line = "{\"x\":\"" + "z".repeat(5_000) + "\"}";
        pipe("b2", "plain", "{not json " + line);

        TestRecord<byte[], byte[]> dead = deadLetters.readRecord();
        assertThat(IngestHeaders.get(dead.headers(), IngestHeaders.DLQ_STAGE)).isEqualTo("parse");
        assertThat(IngestHeaders.get(dead.headers(), IngestHeaders.DLQ_TRUNCATED_FROM))
                .isEqualTo(Integer.toString(line.length() + 10));
        assertThat(dead.value().length).isBetween(1, MAX_RECORD_BYTES);
        assertThat(new String(dead.value(), UTF_8)).startsWith("{not json {\"x\":\"zzz");
    }

    @Test
    void parks_a_batch_until_its_topic_exists_then_splits_it_exactly_once() {
        topicStatus.put("fresh", DatasetTopics.PENDING);
        pipe("p1", "fresh", "{\"n\":1}", "{\"n\":2}");
        pipe("p2", "other", "{\"n\":3}");

        assertThat(dataset("fresh")).isEmpty();
        assertThat(dataset("other")).hasSize(1); // other datasets go on
        KeyValueStore<Object, Object> parked = driver.getKeyValueStore("parked-batches");
        assertThat(parked.approximateNumEntries()).isEqualTo(1);
        driver.advanceWallClockTime(Duration.ofSeconds(1));
        assertThat(dataset("fresh")).isEmpty(); // still being created

        topicStatus.remove("fresh");
        driver.advanceWallClockTime(Duration.ofSeconds(1));
        assertThat(dataset("fresh")).extracting(TestRecord::key).containsExactly("p1-0", "p1-1");
        driver.advanceWallClockTime(Duration.ofSeconds(1));
        assertThat(dataset("fresh")).isEmpty();
        assertThat(parked.approximateNumEntries()).isZero();
        assertThat(registry.get("validator.parked.batches").counter().count()).isEqualTo(1);
    }

    @Test
    void dead_letters_a_parked_batch_whose_topic_never_comes_after_ten_minutes() {
        topicStatus.put("never", DatasetTopics.PENDING);
        pipe("n1", "never", "{\"n\":1}");
        driver.advanceWallClockTime(Duration.ofMinutes(9));
        assertThat(deadLetters.isEmpty()).isTrue();

        driver.advanceWallClockTime(Duration.ofMinutes(2));
        TestRecord<byte[], byte[]> dead = deadLetters.readRecord();
        assertThat(IngestHeaders.get(dead.headers(), IngestHeaders.DLQ_STAGE)).isEqualTo("route");
        assertThat(IngestHeaders.get(dead.headers(), IngestHeaders.DLQ_ERROR_MESSAGE))
                .isEqualTo("the topic of dataset never cannot be created: not created within 10 minutes");
        assertThat(IngestHeaders.get(dead.headers(), IngestHeaders.DLQ_SOURCE)).isEqualTo(topics.raw() + "/0/0");
        assertThat(driver.getKeyValueStore("parked-batches").approximateNumEntries()).isZero();
        assertThat(deadLetters.isEmpty()).isTrue();
    }

    @Test
    void dead_letters_the_events_of_a_dataset_whose_topic_cannot_be_created() {
        topicStatus.put("denied", new DatasetTopics.Failed("TopicAuthorizationException: not allowed"));
        pipe("d1", "denied", "{\"n\":1}");

        TestRecord<byte[], byte[]> dead = deadLetters.readRecord();
        assertThat(new String(dead.value(), UTF_8)).isEqualTo("{\"n\":1}");
        assertThat(IngestHeaders.get(dead.headers(), IngestHeaders.DLQ_STAGE)).isEqualTo("route");
        assertThat(IngestHeaders.get(dead.headers(), IngestHeaders.DLQ_ERROR_MESSAGE))
                .isEqualTo("the topic of dataset denied cannot be created: TopicAuthorizationException: not allowed");
        assertThat(dataset("denied")).isEmpty();
    }
}
