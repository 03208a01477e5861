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
import io.ingestline.model.rules.RuleRecords;
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
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    @TempDir
    Path stateDir;

    static final EventChecks.Limits LIMITS = new EventChecks.Limits(2000, 20);
    static final Duration WINDOW = Duration.ofMinutes(10);

    private ValidatorConfig config(Map<String, Object> streams) {
        return new ValidatorConfig(KafkaSettings.defaults("unused:9092", topics), "test", stateDir, "127.0.0.1", -1,
                LIMITS, WINDOW, ValidatorConfig.Output.defaults(), streams);
    }

    @BeforeEach
    void start() {
        ValidatorConfig config = config(Map.of());
        driver = new TopologyTestDriver(ValidatorTopology.build(Validator.settings(config), (dataset, wait) -> {
            ensured.add(dataset);
            return DatasetTopics.READY;
        }, new ValidatorMetrics(registry), new BatchProgress()), Validator.streamsProperties(config));
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

    private DatasetEvents dataset(String name) {
        return new DatasetEvents(driver.createOutputTopic(topics.dataset(name), new StringDeserializer(),
                new ByteArrayDeserializer()));
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

    /**
     * A dataset without a rule takes the one-pass path ({@code PassThrough}): numbers written as the tree path writes
     * them, the event's own {@code _id} replaced; an event with a duplicate name, or trailing text, takes the tree
     * path (the last value kept at the first one's place; the parser's own message).
     */
    @Test
    void passes_a_datasets_events_through_in_one_pass_as_the_tree_path_would() {
        pipe(batch("web", "{\"b\":1e3,\"_id\":\"theirs\",\"a\":[-0,-0.0,2.50,123456789012345678901],"
                + "\"_time\":1700000000123}", "{\"a\":1,\"b\":{\"c\":1,\"c\":2},\"a\":3}", "{\"a\":1} 2",
                "{\"\":1}"));

        assertThat(dataset("web").readValuesToList()).extracting(v -> new String(v, UTF_8)).containsExactly(
                "{\"_time\":\"2023-11-14T22:13:20.123Z\",\"_id\":\"batch1-0\",\"b\":1E+3,"
                        + "\"a\":[0,0.0,2.50,123456789012345678901]}",
                "{\"_time\":\"2026-11-23T12:00:00.250Z\",\"_id\":\"batch1-1\",\"a\":3,\"b\":{\"c\":2}}");
        List<TestRecord<byte[], byte[]>> dead = deadLetters.readRecordsToList();
        assertThat(dead).extracting(d -> IngestHeaders.get(d.headers(), IngestHeaders.DLQ_STAGE))
                .containsExactly("parse", "validate");
        assertThat(IngestHeaders.get(dead.get(0).headers(), IngestHeaders.DLQ_ERROR_MESSAGE))
                .startsWith("Trailing token");
        assertThat(IngestHeaders.get(dead.get(1).headers(), IngestHeaders.DLQ_ERROR_MESSAGE))
                .isEqualTo("a field name is empty");
        assertThat(IngestHeaders.get(dead.get(1).headers(), IngestHeaders.DLQ_EVENT_INDEX)).isEqualTo("3");
    }

    /**
     * Issue 18: a time number with an absurd exponent took seconds of the stream thread and was stored as 1970; now
     * it is a bad time. A line beyond one of the JSON limits is dead-lettered at parse, never a thread's exception.
     */
    @Test
    void dead_letters_absurd_time_numbers_and_lines_beyond_the_json_limits_with_the_reason() {
        int deep = Json.MAX_NESTING_DEPTH + 1;
        pipe(batch("web", "{\"ok\":1}", "{\"_time\":1e-10000000}", "{\"n\":" + "9".repeat(5000) + "}",
                "{\"n\":1e-99999999999}", "{\"d\":" + "[".repeat(deep) + "]".repeat(deep) + "}",
                "{\"s\":\"" + "x".repeat(Json.MAX_STRING_LENGTH + 1) + "\"}", "{\"ok\":2}"));

        assertThat(dataset("web").readRecordsToList()).hasSize(2);
        List<TestRecord<byte[], byte[]>> dead = deadLetters.readRecordsToList();
        assertThat(dead).extracting(d -> IngestHeaders.get(d.headers(), IngestHeaders.DLQ_STAGE))
                .containsExactly("validate", "parse", "parse", "parse", "parse");
        assertThat(IngestHeaders.get(dead.get(0).headers(), IngestHeaders.DLQ_ERROR_MESSAGE))
                .contains("_time").contains("below a nanosecond");
        assertThat(dead).extracting(d -> IngestHeaders.get(d.headers(), IngestHeaders.DLQ_ERROR_MESSAGE))
                .allSatisfy(m -> assertThat(m).isNotBlank());
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

    private int requests;

    private void pipeStream(String dcr, String stream, String... lines) {
        BatchContext c = new BatchContext(Dialect.AZURE, new BatchTarget.Stream(dcr, stream), "tok",
                "req-" + ++requests, RECEIVED);
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
        // an Azure request names no dataset: the dead letter names the one its event was meant for
        assertThat(IngestHeaders.get(failed.headers(), IngestHeaders.DATASET)).isEqualTo("Ratio_CL");
        assertThat(IngestHeaders.get(failed.headers(), IngestHeaders.DCR)).isNotBlank();
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

        List<TestRecord<byte[], byte[]>> dead = deadLetters.readRecordsToList();
        List<String> reasons = dead.stream()
                .map(r -> IngestHeaders.get(r.headers(), IngestHeaders.DLQ_ERROR_MESSAGE)).toList();
        assertThat(reasons).hasSize(4);
        assertThat(reasons.get(0)).startsWith("data collection rule dcr-1: data flow to Custom-AppLogs_CL over "
                + "Custom-App: transformKql does not compile: line 1, column 10 at 'summarize'");
        assertThat(IngestHeaders.get(dead.get(0).headers(), IngestHeaders.RULE)).isEqualTo("dcr/dcr-1");
        assertThat(reasons.get(1)).isEqualTo("data collection rule dcr-1 has no data flow for stream Custom-Other");
        assertThat(reasons.get(2)).startsWith("data collection rule dcr-bad is invalid: ");
        // a TimeGenerated that is no datetime fails the stream's declared type: checked before any transformation
        assertThat(reasons.get(3)).isEqualTo("column TimeGenerated is declared datetime but the event has \"noon\"");
        assertThat(IngestHeaders.get(dead.get(3).headers(), IngestHeaders.DLQ_STAGE)).isEqualTo("validate");
        assertThat(dataset("AppLogs_CL").isEmpty()).isTrue();
    }

    @Test
    void records_the_rule_and_version_on_each_output_event_and_dead_letter() {
        // A rule's version is its record's offset in the configuration topic (here 7); a version field is ignored.
        for (int i = 0; i < 7; i++) {
            putRule("dcr-other", DCR.formatted(""));
        }
        putRule("dcr-v", DCR.formatted("").replace("{\"properties\"", "{\"version\":3,\"properties\"")
                .replace("\"source\"", "\"source | extend Ratio = 10 / Level\""));
        pipeStream("dcr-v", "Custom-App", "{\"Msg\":\"a\",\"Level\":2}", "{\"Msg\":\"b\",\"Level\":0}");

        TestRecord<String, byte[]> out = dataset("AppLogs_CL").readRecord();
        assertThat(IngestHeaders.get(out.headers(), IngestHeaders.RULE)).isEqualTo("dcr/dcr-v");
        assertThat(IngestHeaders.get(out.headers(), IngestHeaders.RULE_VERSION)).isEqualTo("7");
        TestRecord<byte[], byte[]> dead = deadLetters.readRecord();
        assertThat(new String(dead.value(), UTF_8)).isEqualTo("{\"Msg\":\"b\",\"Level\":0}");
        assertThat(IngestHeaders.get(dead.headers(), IngestHeaders.DLQ_STAGE)).isEqualTo("transform");
        assertThat(IngestHeaders.get(dead.headers(), IngestHeaders.RULE)).isEqualTo("dcr/dcr-v");
        assertThat(IngestHeaders.get(dead.headers(), IngestHeaders.RULE_VERSION)).isEqualTo("7");
        assertThat(registry.get("validator.dead.letters").tag("dataset", "AppLogs_CL").tag("rule", "dcr/dcr-v@7")
                .tag("reason", "transform").counter().count()).isEqualTo(1);
        assertThat(registry.get("validator.events").tag("rule", "dcr/dcr-v@7").counter().count()).isEqualTo(1);
    }

    @Test
    void fans_a_stream_out_to_every_flow_each_with_its_own_filter() {
        putRule("dcr-f", """
                {"properties":{"streamDeclarations":{"Custom-In":{"columns":[{"name":"Msg","type":"string"},
                  {"name":"Level","type":"int"}]}},
                 "dataFlows":[
                  {"streams":["Custom-In"],"destinations":["a"],"outputStream":"Custom-All_CL","transformKql":"source"},
                  {"streams":["Custom-In"],"destinations":["a"],"outputStream":"Custom-Errors_CL",
                   "transformKql":"source | where Level >= 3 | project Msg"}]}}""");
        pipeStream("dcr-f", "Custom-In", "{\"Msg\":\"a\",\"Level\":1}", "{\"Msg\":\"b\",\"Level\":3}",
                "{\"Msg\":\"c\",\"Level\":\"4\"}");

        assertThat(dataset("All_CL").readRecordsToList()).hasSize(3);
        List<TestRecord<String, byte[]>> errors = dataset("Errors_CL").readRecordsToList();
        assertThat(errors).extracting(TestRecord::key).containsExactly("b2-1", "b2-2");
        assertThat(registry.get("validator.filtered").tag("dataset", "Errors_CL").counter().count()).isEqualTo(1);
        assertThat(deadLetters.isEmpty()).isTrue();
    }

    @Test
    void checks_events_against_their_streams_declared_types_coercing_as_kusto_does() {
        putRule("dcr-1", DCR.formatted(""));
        pipeStream("dcr-1", "Custom-App",
                "{\"Msg\":42,\"Level\":\"3\",\"TimeGenerated\":\"2026-11-23 10:00:00\"}",
                "{\"Msg\":\"x\",\"Level\":\"three\"}",
                "{\"Msg\":\"y\",\"Level\":null,\"Undeclared\":{\"any\":[1]}}");

        List<TestRecord<String, byte[]>> out = dataset("AppLogs_CL").readRecordsToList();
        assertThat(out).extracting(r -> new String(r.value(), UTF_8)).containsExactly(
                "{\"_time\":\"2026-11-23T10:00:00Z\",\"_id\":\"b2-0\",\"TimeGenerated\":\"2026-11-23T10:00:00Z\","
                        + "\"Msg\":\"42\",\"Level\":3}",
                "{\"_time\":\"2026-11-23T12:00:00.250Z\",\"_id\":\"b2-2\",\"Msg\":\"y\"}");
        TestRecord<byte[], byte[]> dead = deadLetters.readRecord();
        assertThat(IngestHeaders.get(dead.headers(), IngestHeaders.DLQ_STAGE)).isEqualTo("validate");
        assertThat(IngestHeaders.get(dead.headers(), IngestHeaders.DLQ_ERROR_MESSAGE))
                .isEqualTo("column Level is declared int but the event has \"three\"");
        assertThat(IngestHeaders.get(dead.headers(), IngestHeaders.DLQ_EVENT_INDEX)).isEqualTo("1");
    }

    @Test
    void checks_dataset_events_size_and_field_names() {
        String many = java.util.stream.IntStream.range(0, 21).mapToObj(i -> "\"f" + i + "\":" + i)
                .collect(java.util.stream.Collectors.joining(",", "{", "}"));
        pipe(batch("web", "{\"ok\":1}", "{\"\":1}", "{\"a\\u0001b\":1}", many,
                "{\"big\":\"" + "x".repeat(2000) + "\"}", "{\"ok\":2}"));

        assertThat(dataset("web").readRecordsToList()).hasSize(2);
        assertThat(deadLetters.readRecordsToList()).extracting(
                r -> IngestHeaders.get(r.headers(), IngestHeaders.DLQ_ERROR_MESSAGE)).containsExactly(
                "a field name is empty",
                "field name a\u0001b holds a control character",
                "event has 21 fields, over the limit of 20",
                "event is 2010 bytes, over the limit of 2000");
        assertThat(registry.get("validator.dead.letters").tag("dataset", "web").tag("reason", "validate").counter()
                .count()).isEqualTo(4);
    }

    private void putDataset(String name, String json) {
        configTopic.pipeInput(ConfigKeys.dataset(name), json == null ? null : json.getBytes(UTF_8));
    }

    @Test
    void runs_a_datasets_own_rule_keeping_undeclared_fields_and_follows_its_changes() {
        putDataset("other", "{}");
        putDataset("other", "{}");
        putDataset("web", """
                {"version":2,"columns":[{"name":"level","type":"string"},{"name":"status","type":"int"}],
                 "transformKql":"source | where level != 'debug' | extend ok = status < 400 | project-away level"}""");
        pipe(batch("web", "{\"_time\":\"2026-11-23T10:00:00Z\",\"msg\":\"a\",\"level\":\"info\",\"status\":200}",
                "{\"msg\":\"b\",\"level\":\"debug\",\"status\":200}",
                "{\"msg\":\"c\",\"status\":\"x\"}",
                "{\"msg\":\"d\",\"status\":\"503\"}"));

        List<TestRecord<String, byte[]>> out = dataset("web").readRecordsToList();
        assertThat(out).extracting(r -> new String(r.value(), UTF_8)).containsExactly(
                "{\"_time\":\"2026-11-23T10:00:00Z\",\"_id\":\"batch1-0\",\"msg\":\"a\",\"status\":200,\"ok\":true}",
                "{\"_time\":\"2026-11-23T12:00:00.250Z\",\"_id\":\"batch1-3\",\"msg\":\"d\",\"status\":503,"
                        + "\"ok\":false}");
        assertThat(out).allSatisfy(r -> {
            assertThat(IngestHeaders.get(r.headers(), IngestHeaders.RULE)).isEqualTo("dataset/web");
            assertThat(IngestHeaders.get(r.headers(), IngestHeaders.RULE_VERSION)).isEqualTo("2");
        });
        TestRecord<byte[], byte[]> dead = deadLetters.readRecord();
        assertThat(IngestHeaders.get(dead.headers(), IngestHeaders.DLQ_ERROR_MESSAGE))
                .isEqualTo("column status is declared int but the event has \"x\"");
        assertThat(IngestHeaders.get(dead.headers(), IngestHeaders.RULE_VERSION)).isEqualTo("2");

        putDataset("web", null);
        pipe(batch("web", "{\"msg\":\"e\",\"level\":\"debug\"}"));
        TestRecord<String, byte[]> plain = dataset("web").readRecord();
        assertThat(new String(plain.value(), UTF_8)).contains("\"level\":\"debug\"");
        assertThat(IngestHeaders.get(plain.headers(), IngestHeaders.RULE)).isNull();
    }

    @Test
    void a_datasets_rule_fails_drops_and_falls_back_to_the_tree_path_as_the_tree_path_would() {
        putDataset("web", """
                {"columns":[{"name":"status","type":"int"}],
                 "transformKql":"source | where status != 404 | extend per = 1000 / status, msg = 'mine'"}""");
        pipe(batch("web", "{\"msg\":\"theirs\",\"status\":0}",
                "{\"status\":404}",
                "{\"a\":1,\"a\":2,\"status\":250,\"msg\":\"x\"}", // a duplicate name: the tree path's
                "{\"z\":[1.50],\"status\":\"200\",\"msg\":\"theirs\"}"));

        assertThat(dataset("web").readRecordsToList()).extracting(r -> new String(r.value(), UTF_8)).containsExactly(
                "{\"_time\":\"2026-11-23T12:00:00.250Z\",\"_id\":\"batch1-2\",\"a\":2,\"status\":250,"
                        + "\"per\":4,\"msg\":\"mine\"}",
                "{\"_time\":\"2026-11-23T12:00:00.250Z\",\"_id\":\"batch1-3\",\"z\":[1.50],\"status\":200,"
                        + "\"per\":5,\"msg\":\"mine\"}");
        TestRecord<byte[], byte[]> failed = deadLetters.readRecord();
        assertThat(IngestHeaders.get(failed.headers(), IngestHeaders.DLQ_STAGE)).isEqualTo("transform");
        assertThat(IngestHeaders.get(failed.headers(), IngestHeaders.DLQ_EVENT_INDEX)).isEqualTo("0");
        assertThat(IngestHeaders.get(failed.headers(), IngestHeaders.DLQ_ERROR_MESSAGE))
                .isEqualTo("transformation to dataset web failed: integer division by zero");
        assertThat(IngestHeaders.get(failed.headers(), IngestHeaders.RULE)).isEqualTo("dataset/web");
        assertThat(deadLetters.isEmpty()).isTrue();
        assertThat(registry.get("validator.filtered").tag("dataset", "web").counter().count()).isEqualTo(1);
    }

    private void pipeRequest(String token, String request, String dataset, int part, int parts, long timestamp,
            String... lines) {
        BatchContext c = new BatchContext(Dialect.AXIOM, new BatchTarget.Dataset(dataset), token, request, RECEIVED);
        String payload = String.join("\n", lines) + "\n";
        RawBatch b = new RawBatch("b-" + token + "-" + request + "-" + part + "-" + timestamp, part, parts, c,
                lines.length, payload.getBytes(UTF_8));
        RecordHeaders headers = new RecordHeaders();
        RawBatchCodec.writeHeaders(b, headers);
        raw.pipeInput(new TestRecord<>(b.key().getBytes(UTF_8), b.payload(), headers, timestamp));
    }

    @Test
    void drops_a_batch_retried_with_the_same_request_id_within_the_window() {
        long t0 = 1_800_000_000_000L;
        pipeRequest("tok", "req-1", "web", 0, 2, t0, "{\"n\":1}", "{\"n\":2}");
        pipeRequest("tok", "req-1", "web", 0, 2, t0 + 5_000, "{\"n\":1}", "{\"n\":2}"); // retry of part 0
        pipeRequest("tok", "req-1", "web", 1, 2, t0 + 5_000, "{\"n\":3}"); // the part the first try lost
        pipeRequest("other", "req-1", "web", 0, 2, t0 + 6_000, "{\"n\":4}"); // another token's request
        pipeRequest("tok", "req-1", "api", 0, 2, t0 + 6_000, "{\"n\":5}"); // same request, another dataset
        pipeRequest("tok", null, "web", 0, 1, t0 + 7_000, "{\"n\":6}"); // no request id: never a duplicate
        pipeRequest("tok", null, "web", 0, 1, t0 + 7_000, "{\"n\":6}");
        pipeRequest("tok", "req-1", "web", 0, 2, t0 + WINDOW.toMillis() + 1, "{\"n\":7}"); // after the window

        assertThat(dataset("web").readRecordsToList()).extracting(r -> new String(r.value(), UTF_8))
                .map(v -> v.replaceAll(".*\"n\":(\\d+).*", "$1"))
                .containsExactly("1", "2", "3", "4", "6", "6", "7");
        assertThat(dataset("api").readRecordsToList()).hasSize(1);
        assertThat(registry.get("validator.duplicate.batches").counter().count()).isEqualTo(1);
        assertThat(registry.get("validator.duplicate.events").counter().count()).isEqualTo(2);
    }

    @Test
    void forgets_request_ids_older_than_the_window() {
        long t0 = System.currentTimeMillis();
        pipeRequest("tok", "req-9", "web", 0, 1, t0, "{\"n\":1}");
        KeyValueStore<String, Long> seen = driver.getKeyValueStore("request-ids");
        assertThat(seen.approximateNumEntries()).isEqualTo(1);
        driver.advanceWallClockTime(WINDOW.plusMinutes(2));
        assertThat(seen.approximateNumEntries()).isZero();
    }

    @Test
    void keeps_only_rules_from_the_configuration_topic() {
        configTopic.pipeInput(ConfigKeys.token("t1"), "{\"id\":\"t1\"}".getBytes(UTF_8));
        putRule("dcr-1", DCR.formatted(""));
        putDataset("web", "{}");
        KeyValueStore<String, byte[]> store = driver.getKeyValueStore("config-rules");
        assertThat(store.get(ConfigKeys.token("t1"))).isNull();
        assertThat(store.get(ConfigKeys.dcr("dcr-1"))).isNotNull();
        assertThat(store.get(ConfigKeys.dataset("web"))).isNotNull();
    }

    @Test
    void runs_with_exactly_once_v2() {
        ValidatorConfig config = config(Map.of("processing.guarantee", "at_least_once", "num.stream.threads", "2"));
        assertThat(Validator.streamsProperties(config))
                .containsEntry("processing.guarantee", "exactly_once_v2")
                .containsEntry("num.stream.threads", "2");
    }

    @Test
    void compresses_dataset_records_with_lz4_unless_told_otherwise() {
        assertThat(Validator.streamsProperties(config(Map.of())))
                .containsEntry("producer.compression.type", "lz4");
        assertThat(Validator.streamsProperties(config(Map.of("producer.compression.type", "zstd"))))
                .containsEntry("producer.compression.type", "zstd");
    }

    @Test
    void a_change_based_on_a_stale_version_is_ignored_and_events_carry_the_offset_of_the_rule_that_made_them() {
        putRule("dcr-c", DCR.formatted(""));
        putRule("dcr-c", DCR.formatted("").replace("\"source\"", "\"source | extend V = 1\"")
                .replace("{\"properties\"", "{\"expected\":0,\"properties\""));
        putRule("dcr-c", DCR.formatted("").replace("\"source\"", "\"source | extend V = 2\"")
                .replace("{\"properties\"", "{\"expected\":0,\"properties\""));
        pipeStream("dcr-c", "Custom-App", "{\"Msg\":\"a\"}");

        TestRecord<String, byte[]> out = dataset("AppLogs_CL").readRecord();
        assertThat(new String(out.value(), UTF_8)).contains("\"V\":1");
        assertThat(IngestHeaders.get(out.headers(), IngestHeaders.RULE_VERSION)).isEqualTo("1");
    }

    /** The rule stored again after a refused change keeps its version here too, as on every edge node. */
    @Test
    void a_rule_stored_again_after_a_refused_change_keeps_its_version_in_the_events() {
        putRule("dcr-r", DCR.formatted(""));
        String one = DCR.formatted("").replace("\"source\"", "\"source | extend V = 1\"");
        putRule("dcr-r", one.replace("{\"properties\"", "{\"expected\":0,\"properties\""));
        putRule("dcr-r", DCR.formatted("").replace("\"source\"", "\"source | extend V = 2\"")
                .replace("{\"properties\"", "{\"expected\":0,\"properties\""));
        putRule("dcr-r", new String(RuleRecords.restore(one.getBytes(UTF_8), 1), UTF_8));
        pipeStream("dcr-r", "Custom-App", "{\"Msg\":\"a\"}");

        TestRecord<String, byte[]> out = dataset("AppLogs_CL").readRecord();
        assertThat(new String(out.value(), UTF_8)).contains("\"V\":1");
        assertThat(IngestHeaders.get(out.headers(), IngestHeaders.RULE_VERSION)).isEqualTo("1");
    }
}
