package io.ingestline.validator;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.ingestline.model.BatchContext;
import io.ingestline.model.BatchTarget;
import io.ingestline.model.ConfigKeys;
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
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
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
    private TestInputTopic<String, byte[]> configTopic;

    @TempDir
    Path stateDir;

    @BeforeEach
    void start() {
        ValidatorConfig config = new ValidatorConfig(KafkaSettings.defaults("unused:9092", topics), "test", stateDir, Map.of());
        driver = new TopologyTestDriver(ValidatorTopology.build(topics, ensured::add), Validator.streamsProperties(config));
        raw = driver.createInputTopic(topics.raw(), new ByteArraySerializer(), new ByteArraySerializer());
        configTopic = driver.createInputTopic(topics.config(), new StringSerializer(), new ByteArraySerializer());
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

    private static final String DCR = """
            {"properties":{"streamDeclarations":{"Custom-App":{"columns":[
              {"name":"TimeGenerated","type":"datetime"},{"name":"Msg","type":"string"},{"name":"Level","type":"int"}]}},
             "dataFlows":[{"streams":["Custom-App"],"destinations":["la"],"transformKql":"source",
               "outputStream":"Custom-AppLogs_CL"}%s]}}""";

    private void putRule(String id, String json) {
        configTopic.pipeInput(ConfigKeys.dcr(id), json == null ? null : json.getBytes(UTF_8));
    }

    private void pipeStream(String dcr, String stream, String... lines) {
        BatchContext c = new BatchContext(Dialect.AZURE, new BatchTarget.Stream(dcr, stream), "tok", "req-1", RECEIVED);
        String payload = String.join("\n", lines) + "\n";
        pipe(new RawBatch("b2", 0, 1, c, lines.length, payload.getBytes(UTF_8)));
    }

    @Test
    void routes_a_data_collection_rule_stream_through_its_identity_flows_keeping_declared_columns() throws Exception {
        putRule("dcr-1", DCR.formatted(",{\"streams\":[\"Custom-App\"],\"destinations\":[\"b\"],"
                + "\"transformKql\":\" source \",\"outputStream\":\"Microsoft-Syslog\"}"));
        pipeStream("dcr-1", "Custom-App",
                "{\"TimeGenerated\":\"2026-11-23T10:00:00Z\",\"Msg\":\"a\",\"Extra\":1,\"Level\":3}",
                "{\"Msg\":\"b\"}");

        List<TestRecord<String, byte[]>> app = dataset("AppLogs_CL").readRecordsToList();
        assertThat(app).hasSize(2);
        assertThat(new String(app.get(0).value(), UTF_8)).isEqualTo(
                "{\"_time\":\"2026-11-23T10:00:00Z\",\"_id\":\"b2-0\",\"TimeGenerated\":\"2026-11-23T10:00:00Z\","
                        + "\"Msg\":\"a\",\"Level\":3}");
        assertThat(Json.mapper().readTree(app.get(1).value()).get("_time").asText()).isEqualTo("2026-11-23T12:00:00.250Z");
        assertThat(dataset("Syslog").readRecordsToList()).hasSize(2);
        assertThat(ensured).contains("AppLogs_CL", "Syslog");
        assertThat(deadLetters.isEmpty()).isTrue();
    }

    @Test
    void follows_rule_changes_and_deletions_without_a_restart() {
        pipeStream("dcr-1", "Custom-App", "{\"Msg\":\"before\"}");
        TestRecord<byte[], byte[]> unknown = deadLetters.readRecord();
        assertThat(IngestHeaders.get(unknown.headers(), IngestHeaders.DLQ_STAGE)).isEqualTo("route");
        assertThat(IngestHeaders.get(unknown.headers(), IngestHeaders.DLQ_ERROR_MESSAGE))
                .isEqualTo("no data collection rule dcr-1");

        putRule("dcr-1", DCR.formatted(""));
        pipeStream("dcr-1", "Custom-App", "{\"Msg\":\"now\"}");
        assertThat(dataset("AppLogs_CL").readRecordsToList()).hasSize(1);

        putRule("dcr-1", DCR.formatted("").replace("Custom-AppLogs_CL", "Custom-Moved_CL"));
        pipeStream("dcr-1", "Custom-App", "{\"Msg\":\"moved\"}");
        assertThat(dataset("Moved_CL").readRecordsToList()).hasSize(1);
        assertThat(dataset("AppLogs_CL").isEmpty()).isTrue();

        putRule("dcr-1", null);
        pipeStream("dcr-1", "Custom-App", "{\"Msg\":\"gone\"}");
        assertThat(IngestHeaders.get(deadLetters.readRecord().headers(), IngestHeaders.DLQ_ERROR_MESSAGE))
                .isEqualTo("no data collection rule dcr-1");
    }

    @Test
    void runs_each_flows_transformation_and_takes_the_time_from_its_output() throws Exception {
        putRule("dcr-t", """
                {"properties":{"streamDeclarations":{"Custom-Raw":{"columns":[{"name":"Time","type":"datetime"},
                  {"name":"Computer","type":"string"},{"name":"Level","type":"int"}]}},
                 "dataFlows":[{"streams":["Custom-Raw"],"destinations":["la"],"outputStream":"Custom-Logs_CL",
                   "transformKql":"source | where Level > 1 | extend TimeGenerated = todatetime(Time) | project-away Time"},
                  {"streams":["Custom-Raw"],"destinations":["la"],"outputStream":"Custom-Ratio_CL",
                   "transformKql":"source | project TimeGenerated = todatetime(Time), Per = 12 / (Level - 2)"}]}}""");
        pipeStream("dcr-t", "Custom-Raw",
                "{\"Time\":\"2023-11-14 15:10:02\",\"Computer\":\"c1\",\"Level\":3}",
                "{\"Time\":\"2023-11-14 15:10:03\",\"Computer\":\"c2\",\"Level\":1}",
                "{\"Time\":\"2023-11-14 15:10:04\",\"Computer\":\"c3\",\"Level\":2}");

        List<TestRecord<String, byte[]>> logs = dataset("Logs_CL").readRecordsToList();
        assertThat(logs).extracting(r -> new String(r.value(), UTF_8)).containsExactly(
                "{\"_time\":\"2023-11-14T15:10:02Z\",\"_id\":\"b2-0\",\"Computer\":\"c1\",\"Level\":3,"
                        + "\"TimeGenerated\":\"2023-11-14T15:10:02Z\"}",
                "{\"_time\":\"2023-11-14T15:10:04Z\",\"_id\":\"b2-2\",\"Computer\":\"c3\",\"Level\":2,"
                        + "\"TimeGenerated\":\"2023-11-14T15:10:04Z\"}");
        List<TestRecord<String, byte[]>> ratio = dataset("Ratio_CL").readRecordsToList();
        assertThat(ratio).extracting(r -> Json.mapper().readTree(r.value()).get("Per").asInt()).containsExactly(12, -12);
        TestRecord<byte[], byte[]> failed = deadLetters.readRecord();
        assertThat(IngestHeaders.get(failed.headers(), IngestHeaders.DLQ_STAGE)).isEqualTo("transform");
        assertThat(IngestHeaders.get(failed.headers(), IngestHeaders.DLQ_EVENT_INDEX)).isEqualTo("2");
        assertThat(IngestHeaders.get(failed.headers(), IngestHeaders.DLQ_ERROR_MESSAGE))
                .isEqualTo("transformation to dataset Ratio_CL failed: integer division by zero");
        assertThat(deadLetters.isEmpty()).isTrue();
    }

    @Test
    void dead_letters_what_no_flow_can_route_and_says_why() {
        putRule("dcr-1", DCR.formatted("").replace("\"source\"", "\"source | summarize count() by Msg\""));
        putRule("dcr-bad", "{\"properties\":{}}");
        pipeStream("dcr-1", "Custom-App", "{\"Msg\":\"a\"}");
        pipeStream("dcr-1", "Custom-Other", "{\"Msg\":\"b\"}");
        pipeStream("dcr-bad", "Custom-App", "{\"Msg\":\"c\"}");
        putRule("dcr-1", DCR.formatted(""));
        pipeStream("dcr-1", "Custom-App", "{\"TimeGenerated\":\"noon\"}");

        List<String> reasons = deadLetters.readRecordsToList().stream()
                .map(r -> IngestHeaders.get(r.headers(), IngestHeaders.DLQ_ERROR_MESSAGE)).toList();
        assertThat(reasons).hasSize(3);
        assertThat(reasons.get(0)).startsWith("data flow to Custom-AppLogs_CL: transformKql does not compile: "
                + "line 1, column 10 at 'summarize'");
        assertThat(reasons.get(1)).isEqualTo("data collection rule dcr-1 has no data flow for stream Custom-Other");
        assertThat(reasons.get(2)).startsWith("data collection rule dcr-bad is invalid: ");
        // a TimeGenerated that is no datetime is null in the stream's datetime column: the receive time applies
        assertThat(dataset("AppLogs_CL").readRecordsToList()).hasSize(1);
    }

    @Test
    void keeps_only_rules_from_the_configuration_topic() {
        configTopic.pipeInput(ConfigKeys.token("t1"), "{\"id\":\"t1\"}".getBytes(UTF_8));
        putRule("dcr-1", DCR.formatted(""));
        KeyValueStore<String, byte[]> store = driver.getKeyValueStore("config-rules");
        assertThat(store.get(ConfigKeys.token("t1"))).isNull();
        assertThat(store.get(ConfigKeys.dcr("dcr-1"))).isNotNull();
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
