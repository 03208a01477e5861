package io.ingestline.sink.consume;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.ingestline.model.IngestHeaders;
import io.ingestline.model.Json;
import io.ingestline.sink.storage.SinkRecord;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

class DeadLetterEventTest {
    private static final long DEAD_AT = 1_764_000_000_123L; // 2025-11-24T16:00:00.123Z

    private static ConsumerRecord<byte[], byte[]> record(byte[] value, Map<String, String> headers) {
        RecordHeaders h = new RecordHeaders();
        headers.forEach((k, v) -> IngestHeaders.put(h, k, v));
        return new ConsumerRecord<>("ingest.deadletter", 2, 41, DEAD_AT, TimestampType.CREATE_TIME, -1, value.length,
                "key".getBytes(UTF_8), value, h, Optional.empty());
    }

    private static JsonNode json(SinkRecord r) throws Exception {
        return Json.mapper().readTree(r.value());
    }

    private static List<String> fields(JsonNode e) {
        return e.properties().stream().map(Map.Entry::getKey).toList();
    }

    @Test
    void every_header_becomes_a_field_and_the_original_json_is_kept_as_its_text() throws Exception {
        String original = "{\"msg\":\"hello\",\"_time\":\"not a time\"}";
        Map<String, String> h = new java.util.HashMap<>(Map.of(IngestHeaders.DLQ_STAGE, "validate",
                IngestHeaders.DLQ_ERROR_MESSAGE, "bad _time", IngestHeaders.DLQ_ERROR_CLASS,
                "io.ingestline.rules.Outcome.Failed", IngestHeaders.DATASET, "web", IngestHeaders.RULE, "dataset/web",
                IngestHeaders.RULE_VERSION, "7", IngestHeaders.DIALECT, "axiom", IngestHeaders.TOKEN, "5c1f0e9a2b7d",
                IngestHeaders.BATCH, "0123456789abcdef0123456789abcdef", IngestHeaders.DLQ_SOURCE, "ingest.raw/3/99"));
        h.put(IngestHeaders.DLQ_EVENT_INDEX, "4");
        h.put(IngestHeaders.RECEIVED, "1764000000000");
        h.put(IngestHeaders.REQUEST, "req-1");
        h.put(IngestHeaders.EVENT_TIME, "1000"); // an event's time: not the dead letter's
        SinkRecord r = DeadLetterEvent.of(record(original.getBytes(UTF_8), h));

        assertThat(r.dataset()).isEqualTo("_deadletter");
        assertThat(r.partition()).isEqualTo(2);
        assertThat(r.offset()).isEqualTo(41);
        assertThat(r.eventTimeMs()).as("when it was dead-lettered").isEqualTo(DEAD_AT);
        assertThat(r.id()).isEqualTo("ingest.deadletter-2-41");
        JsonNode e = json(r);
        assertThat(fields(e)).startsWith("_time", "_id");
        assertThat(e.get("_time").asText()).isEqualTo("2025-11-24T16:00:00.123Z");
        assertThat(e.get("_id").asText()).isEqualTo("ingest.deadletter-2-41");
        assertThat(e.get("stage").asText()).isEqualTo("validate");
        assertThat(e.get("reason").asText()).isEqualTo("bad _time");
        assertThat(e.get("error_class").asText()).isEqualTo("io.ingestline.rules.Outcome.Failed");
        assertThat(e.get("dataset").asText()).isEqualTo("web");
        assertThat(e.get("rule").asText()).isEqualTo("dataset/web");
        assertThat(e.get("rule_version").isNumber()).isTrue();
        assertThat(e.get("rule_version").asLong()).isEqualTo(7);
        assertThat(e.get("dialect").asText()).isEqualTo("axiom");
        assertThat(e.get("token").asText()).isEqualTo("5c1f0e9a2b7d");
        assertThat(e.get("request").asText()).isEqualTo("req-1");
        assertThat(e.get("batch").asText()).isEqualTo("0123456789abcdef0123456789abcdef");
        assertThat(e.get("source").asText()).isEqualTo("ingest.raw/3/99");
        assertThat(e.get("event_index").asInt()).isEqualTo(4);
        assertThat(e.get("received").asText()).isEqualTo("2025-11-24T16:00:00Z");
        assertThat(e.get("truncated").asBoolean()).isFalse();
        assertThat(e.has("truncated_from")).isFalse();
        assertThat(e.get("original").asText()).isEqualTo(original);
        assertThat(e.has("original_base64")).isFalse();
    }

    @Test
    void absent_headers_leave_their_fields_out_and_the_same_record_gives_the_same_bytes() throws Exception {
        ConsumerRecord<byte[], byte[]> rec = record("plain text".getBytes(UTF_8), Map.of());
        SinkRecord r = DeadLetterEvent.of(rec);
        JsonNode e = json(r);
        assertThat(fields(e)).containsExactly("_time", "_id", "truncated", "original");
        assertThat(e.get("original").asText()).isEqualTo("plain text");
        assertThat(DeadLetterEvent.of(rec).value()).as("read again after a crash").isEqualTo(r.value());
    }

    @Test
    void bytes_that_are_not_utf8_are_kept_in_base64() throws Exception {
        byte[] gzip = {0x1f, (byte) 0x8b, 0x08, 0x00, (byte) 0xff, (byte) 0xfe, 0x41};
        JsonNode e = json(DeadLetterEvent.of(record(gzip, Map.of(IngestHeaders.DLQ_STAGE, "contract"))));
        assertThat(e.has("original")).isFalse();
        assertThat(Base64.getDecoder().decode(e.get("original_base64").asText())).isEqualTo(gzip);
    }

    @Test
    void text_holding_nul_goes_to_base64_and_no_field_holds_nul() throws Exception {
        byte[] withNul = "{\"a\":\"x\u0000y\"}".getBytes(UTF_8);
        JsonNode e = json(DeadLetterEvent.of(record(withNul, Map.of(IngestHeaders.DLQ_ERROR_MESSAGE, "bad \u0000 here"))));
        assertThat(Base64.getDecoder().decode(e.get("original_base64").asText())).isEqualTo(withNul);
        assertThat(e.get("reason").asText()).isEqualTo("bad \uFFFD here");
    }

    @Test
    void text_whose_json_escapes_would_more_than_double_it_goes_to_base64() throws Exception {
        byte[] controls = "\u0001\u0002\u0003\u0004".getBytes(UTF_8);
        assertThat(json(DeadLetterEvent.of(record(controls, Map.of()))).has("original_base64")).isTrue();
        byte[] quotes = "{\"\":\"\"}".getBytes(UTF_8);
        assertThat(json(DeadLetterEvent.of(record(quotes, Map.of()))).get("original").asText()).isEqualTo("{\"\":\"\"}");
    }

    @Test
    void a_truncated_original_says_so_and_stays_text_when_the_cut_split_a_character() throws Exception {
        byte[] full = "{\"msg\":\"h\u00e9llo \u20ac\"}".getBytes(UTF_8);
        int cut = new String(full, UTF_8).indexOf('\u20ac') + 3; // inside the euro sign's three bytes
        byte[] head = java.util.Arrays.copyOf(full, cut);
        JsonNode e = json(DeadLetterEvent.of(record(head, Map.of(IngestHeaders.DLQ_TRUNCATED_FROM,
                Integer.toString(full.length), IngestHeaders.DLQ_RECORD_BYTES, "4000000"))));
        assertThat(e.get("truncated").asBoolean()).isTrue();
        assertThat(e.get("truncated_from").asInt()).isEqualTo(full.length);
        assertThat(e.get("record_bytes").asLong()).isEqualTo(4_000_000L);
        assertThat(e.get("original").asText()).isEqualTo("{\"msg\":\"h\u00e9llo ");
    }

    @Test
    void a_number_header_that_is_not_a_number_is_kept_as_text() throws Exception {
        JsonNode e = json(DeadLetterEvent.of(record(new byte[0], Map.of(IngestHeaders.RULE_VERSION, "v2",
                IngestHeaders.RECEIVED, "yesterday"))));
        assertThat(e.get("rule_version").asText()).isEqualTo("v2");
        assertThat(e.get("received").asText()).isEqualTo("yesterday");
        assertThat(e.get("original").asText()).isEmpty();
    }

    @Test
    void whole_characters_never_ends_inside_a_sequence() {
        byte[] euro = "\u20ac".getBytes(UTF_8);
        assertThat(DeadLetterEvent.wholeCharacters(new byte[] {'a', euro[0], euro[1]})).isEqualTo(1);
        assertThat(DeadLetterEvent.wholeCharacters(new byte[] {'a', euro[0], euro[1], euro[2]})).isEqualTo(4);
        assertThat(DeadLetterEvent.wholeCharacters(new byte[] {'a', 'b'})).isEqualTo(2);
        byte[] emoji = "\uD83D\uDE00".getBytes(UTF_8);
        assertThat(DeadLetterEvent.wholeCharacters(java.util.Arrays.copyOf(emoji, 3))).isZero();
        assertThat(DeadLetterEvent.wholeCharacters(new byte[0])).isZero();
    }
}
