package io.ingestline.validator;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.ingestline.model.BatchContext;
import io.ingestline.model.BatchTarget;
import io.ingestline.model.Dialect;
import io.ingestline.model.IngestHeaders;
import io.ingestline.model.Json;
import io.ingestline.model.RawBatch;
import io.ingestline.model.RawBatchCodec;
import io.ingestline.model.Topics;
import io.ingestline.model.kafka.KafkaSettings;
import io.ingestline.validator.topology.ValidatorTopology;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ValidatorTopologyTest {
    private static final Instant RECEIVED = Instant.parse("2026-11-23T12:00:00.250Z");
    private final Topics topics = Topics.defaults();
    private final List<String> ensured = new ArrayList<>();
    private TopologyTestDriver driver;
    private TestInputTopic<byte[], byte[]> raw;
    private TestOutputTopic<byte[], byte[]> deadLetters;

    @TempDir
    Path stateDir;

    @BeforeEach
    void start() {
        ValidatorConfig config = new ValidatorConfig(KafkaSettings.defaults("unused:9092", topics), "test", stateDir, Map.of());
        driver = new TopologyTestDriver(ValidatorTopology.build(topics, ensured::add), Validator.streamsProperties(config));
        raw = driver.createInputTopic(topics.raw(), new ByteArraySerializer(), new ByteArraySerializer());
        deadLetters = driver.createOutputTopic(topics.deadLetters(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    private void pipe(RawBatch batch) {
        RecordHeaders headers = new RecordHeaders();
        RawBatchCodec.writeHeaders(batch, headers);
        raw.pipeInput(new TestRecord<>(batch.key().getBytes(UTF_8), batch.payload(), headers));
    }

    private static RawBatch batch(String dataset, String... lines) {
        BatchContext c = new BatchContext(Dialect.AXIOM, new BatchTarget.Dataset(dataset), "tok", null, RECEIVED);
        String payload = String.join("\n", lines) + "\n";
        return new RawBatch("batch1", 0, 1, c, lines.length, payload.getBytes(UTF_8));
    }

    private TestOutputTopic<String, byte[]> dataset(String name) {
        return driver.createOutputTopic(topics.dataset(name), new StringDeserializer(), new ByteArrayDeserializer());
    }

    @Test
    void splits_a_batch_into_events_with_stable_ids_and_times() throws Exception {
        pipe(batch("web", "{\"msg\":\"a\",\"_time\":\"2026-11-23T10:00:00Z\"}", "{\"msg\":\"b\"}"));

        List<TestRecord<String, byte[]>> out = dataset("web").readRecordsToList();
        assertThat(out).hasSize(2);
        assertThat(out.get(0).key()).isEqualTo("batch1-0");
        assertThat(new String(out.get(0).value(), UTF_8))
                .isEqualTo("{\"_time\":\"2026-11-23T10:00:00Z\",\"_id\":\"batch1-0\",\"msg\":\"a\"}");
        assertThat(new String(out.get(1).value(), UTF_8))
                .isEqualTo("{\"_time\":\"2026-11-23T12:00:00.250Z\",\"_id\":\"batch1-1\",\"msg\":\"b\"}");
        assertThat(IngestHeaders.get(out.get(1).headers(), IngestHeaders.EVENT_TIME))
                .isEqualTo(Long.toString(RECEIVED.toEpochMilli()));
        assertThat(IngestHeaders.get(out.get(1).headers(), IngestHeaders.DATASET)).isEqualTo("web");
        assertThat(ensured).contains("web");
        assertThat(deadLetters.isEmpty()).isTrue();
    }

    @Test
    void reads_epoch_times_and_writes_them_in_rfc_3339() throws Exception {
        pipe(batch("web", "{\"_time\":1700000000123,\"msg\":\"x\"}"));

        JsonNode event = Json.mapper().readTree(dataset("web").readValue());
        assertThat(event.get("_time").asText()).isEqualTo("2023-11-14T22:13:20.123Z");
    }

    @Test
    void routes_each_batch_to_its_own_dataset_topic() {
        pipe(batch("alpha", "{\"n\":1}"));
        pipe(batch("beta", "{\"n\":2}", "{\"n\":3}"));

        assertThat(dataset("alpha").readRecordsToList()).hasSize(1);
        assertThat(dataset("beta").readRecordsToList()).hasSize(2);
    }

    @Test
    void sends_a_bad_event_to_the_dead_letters_with_its_bytes_and_reason_and_keeps_the_rest() {
        pipe(batch("web", "{\"ok\":1}", "{not json", "{\"_time\":\"yesterday\"}", "[1,2]", "{\"ok\":2}"));

        assertThat(dataset("web").readRecordsToList()).hasSize(2);
        List<TestRecord<byte[], byte[]>> dead = deadLetters.readRecordsToList();
        assertThat(dead).hasSize(3);
        assertThat(new String(dead.get(0).value(), UTF_8)).isEqualTo("{not json");
        assertThat(IngestHeaders.get(dead.get(0).headers(), IngestHeaders.DLQ_STAGE)).isEqualTo("parse");
        assertThat(IngestHeaders.get(dead.get(0).headers(), IngestHeaders.DLQ_EVENT_INDEX)).isEqualTo("1");
        assertThat(IngestHeaders.get(dead.get(0).headers(), IngestHeaders.DLQ_SOURCE)).startsWith(topics.raw() + "/0/");
        assertThat(IngestHeaders.get(dead.get(1).headers(), IngestHeaders.DLQ_STAGE)).isEqualTo("validate");
        assertThat(IngestHeaders.get(dead.get(1).headers(), IngestHeaders.DLQ_ERROR_MESSAGE))
                .contains("_time").contains("yesterday");
        assertThat(IngestHeaders.get(dead.get(2).headers(), IngestHeaders.DLQ_ERROR_MESSAGE)).contains("not a JSON object");
        // the original headers travel with the dead letter
        assertThat(IngestHeaders.get(dead.get(2).headers(), IngestHeaders.DATASET)).isEqualTo("web");
        assertThat(IngestHeaders.get(dead.get(2).headers(), IngestHeaders.DLQ_ERROR_CLASS)).isNotBlank();
    }

    @Test
    void sends_a_record_that_breaks_the_contract_to_the_dead_letters_whole() {
        raw.pipeInput(new TestRecord<>("k".getBytes(UTF_8), "{\"a\":1}\n".getBytes(UTF_8), new RecordHeaders()));

        TestRecord<byte[], byte[]> dead = deadLetters.readRecord();
        assertThat(new String(dead.value(), UTF_8)).isEqualTo("{\"a\":1}\n");
        assertThat(IngestHeaders.get(dead.headers(), IngestHeaders.DLQ_STAGE)).isEqualTo("contract");
        assertThat(IngestHeaders.get(dead.headers(), IngestHeaders.DLQ_EVENT_INDEX)).isNull();
    }

    @Test
    void dead_letters_events_of_a_stream_target_until_rules_exist() {
        BatchContext c = new BatchContext(Dialect.AZURE, new BatchTarget.Stream("dcr-1", "Custom-X"), "tok", null,
                RECEIVED);
        pipe(new RawBatch("b2", 0, 1, c, 1, "{\"a\":1}\n".getBytes(UTF_8)));

        TestRecord<byte[], byte[]> dead = deadLetters.readRecord();
        assertThat(IngestHeaders.get(dead.headers(), IngestHeaders.DLQ_STAGE)).isEqualTo("route");
    }

    @Test
    void runs_with_exactly_once_v2() {
        ValidatorConfig config = new ValidatorConfig(KafkaSettings.defaults("x:1", topics), "app", stateDir,
                Map.of("processing.guarantee", "at_least_once", "num.stream.threads", "2"));
        assertThat(Validator.streamsProperties(config))
                .containsEntry("processing.guarantee", "exactly_once_v2")
                .containsEntry("num.stream.threads", "2");
    }
}
