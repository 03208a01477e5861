package io.ingestline.model;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class EventEnvelopeSerdeTest {
    private final EventEnvelopeSerde serde = new EventEnvelopeSerde();

    @Test
    void value_starts_with_time_and_id_then_the_fields_in_order_and_round_trips() throws Exception {
        ObjectNode fields = (ObjectNode) Json.mapper().readTree("{\"msg\":\"hi\",\"n\":1.50,\"nested\":{\"a\":[1,2]},\"_time\":\"x\"}");
        EventEnvelope e = new EventEnvelope("b-0", "web", Instant.parse("2026-11-23T10:00:00.5Z"), fields,
                new EventOrigin(Dialect.AXIOM, "tok", "req"));
        RecordHeaders headers = new RecordHeaders();

        byte[] bytes = serde.serializer().serialize("t", headers, e);

        assertThat(new String(bytes, UTF_8)).isEqualTo(
                "{\"_time\":\"2026-11-23T10:00:00.500Z\",\"_id\":\"b-0\",\"msg\":\"hi\",\"n\":1.50,\"nested\":{\"a\":[1,2]}}");
        assertThat(IngestHeaders.get(headers, IngestHeaders.EVENT_TIME)).isEqualTo(
                Long.toString(Instant.parse("2026-11-23T10:00:00.5Z").toEpochMilli()));
        EventEnvelope back = serde.deserializer().deserialize("t", headers, bytes);
        assertThat(back.id()).isEqualTo("b-0");
        assertThat(back.dataset()).isEqualTo("web");
        assertThat(back.time()).isEqualTo(e.time());
        assertThat(back.origin()).isEqualTo(e.origin());
        assertThat(back.fields().toString()).isEqualTo("{\"msg\":\"hi\",\"n\":1.50,\"nested\":{\"a\":[1,2]}}");
    }

    @Test
    void writes_every_kind_of_value_as_the_mapper_does() throws Exception {
        String json = "{\"s\":\"a\\\"b\\u0001\\u00e9\",\"i\":-7,\"l\":12345678901234,\"big\":123456789012345678901234567890,"
                + "\"d\":1.50,\"e\":1.5E+300,\"tiny\":1e-320,\"t\":true,\"f\":false,\"n\":null,\"o\":{\"a\":[1,\"x\",[],{},null]},"
                + "\"u\":\"\\ud83d\\ude00\"}";
        ObjectNode fields = (ObjectNode) Json.mapper().readTree(json);
        fields.put("double", 0.1).put("float", 2.5f).put("bin", new byte[] {1, 2, 3}).putPOJO("pojo", java.util.List.of(1));
        EventEnvelope e = new EventEnvelope("b-0", "web", Instant.parse("2026-11-23T10:00:00Z"), fields,
                new EventOrigin(Dialect.AXIOM, "tok", null));

        String written = new String(EventEnvelopeSerde.value(e), UTF_8);

        assertThat(written).isEqualTo("{\"_time\":\"2026-11-23T10:00:00Z\",\"_id\":\"b-0\","
                + new String(Json.mapper().writeValueAsBytes(fields), UTF_8).substring(1));
    }

    @Test
    void a_value_past_the_limit_is_not_written_past_it() {
        // one array of 1,000 strings of 1 KB, shared by 1,000 fields: 1 MB in memory, 1 GB as JSON
        com.fasterxml.jackson.databind.node.ArrayNode big = Json.mapper().createArrayNode();
        for (int i = 0; i < 1_000; i++) {
            big.add("x".repeat(1_000));
        }
        ObjectNode fields = Json.mapper().createObjectNode();
        for (int i = 0; i < 1_000; i++) {
            fields.set("f" + i, big);
        }
        EventEnvelope e = new EventEnvelope("b-0", "web", Instant.parse("2026-11-23T10:00:00Z"), fields,
                new EventOrigin(Dialect.AXIOM, "tok", null));
        assertThat(EventEnvelopeSerde.value(e, 3 << 20)).as("over 3 MiB: no value").isNull();
        ObjectNode small = Json.mapper().createObjectNode().put("a", 1);
        byte[] fits = EventEnvelopeSerde.value(new EventEnvelope("b-1", "web", Instant.parse("2026-11-23T10:00:00Z"),
                small, new EventOrigin(Dialect.AXIOM, "tok", null)), 64);
        assertThat(new String(fits, UTF_8)).isEqualTo("{\"_time\":\"2026-11-23T10:00:00Z\",\"_id\":\"b-1\",\"a\":1}");
        assertThat(EventEnvelopeSerde.value(new EventEnvelope("b-1", "web", Instant.parse("2026-11-23T10:00:00Z"),
                small, new EventOrigin(Dialect.AXIOM, "tok", null)), fits.length - 1)).isNull();
    }

    @Test
    void null_in_null_out() {
        assertThat(serde.serializer().serialize("t", new RecordHeaders(), null)).isNull();
        assertThat(serde.deserializer().deserialize("t", new RecordHeaders(), (byte[]) null)).isNull();
    }

    @Test
    void bad_bytes_and_missing_headers_are_serialization_errors() {
        assertThatThrownBy(() -> serde.deserializer().deserialize("t", new RecordHeaders(), "{not json".getBytes(UTF_8)))
                .isInstanceOf(SerializationException.class);
        assertThatThrownBy(() -> serde.deserializer().deserialize("t", new RecordHeaders(),
                "{\"_time\":\"2026-11-23T10:00:00Z\",\"_id\":\"x\"}".getBytes(UTF_8)))
                .isInstanceOf(SerializationException.class).hasMessageContaining("headers");
    }
}
