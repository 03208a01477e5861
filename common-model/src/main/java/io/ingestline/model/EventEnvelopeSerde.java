package io.ingestline.model;

import static io.ingestline.model.IngestHeaders.get;
import static io.ingestline.model.IngestHeaders.put;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ingestline.model.rules.RuleRef;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Iterator;
import java.util.Map;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The wire form of {@link EventEnvelope}: JSON value plus headers. Null in, null out; bad bytes or missing headers
 * become {@link SerializationException}. Serializing writes the headers, so use the header-aware methods.
 */
public final class EventEnvelopeSerde implements Serde<EventEnvelope> {
    private static final ObjectMapper MAPPER = Json.mapper();

    @Override
    public Serializer<EventEnvelope> serializer() {
        return new EnvelopeSerializer();
    }

    @Override
    public Deserializer<EventEnvelope> deserializer() {
        return new EnvelopeDeserializer();
    }

    /** The value bytes: {@code {"_time":...,"_id":..., fields...}}. */
    public static byte[] value(EventEnvelope e) {
        return value(e, Integer.MAX_VALUE - 16);
    }

    /**
     * The value bytes, or null when they would be more than {@code maxBytes}: written no further than that, so an
     * event whose fields share one large value many times (small in memory, gigabytes as JSON) costs at most the limit.
     */
    public static byte[] value(EventEnvelope e, int maxBytes) {
        Bounded out = new Bounded(maxBytes);
        try {
            write(e, out);
        } catch (Bounded.Full full) {
            return null;
        }
        return out.toByteArray();
    }

    /** A byte buffer that refuses to grow past its limit. */
    private static final class Bounded extends ByteArrayOutputStream {
        private final int max;

        Bounded(int max) {
            super(256);
            this.max = max;
        }

        /** Thrown through the generator when the limit is passed. */
        static final class Full extends IOException {
            private static final long serialVersionUID = 1L;

            Full() {
                super("over the limit", null);
            }
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) {
            if (count + (long) len > max) {
                throw new UncheckedIOException(new Full());
            }
            super.write(b, off, len);
        }

        @Override
        public synchronized void write(int b) {
            if (count + 1L > max) {
                throw new UncheckedIOException(new Full());
            }
            super.write(b);
        }
    }

    private static void write(EventEnvelope e, ByteArrayOutputStream out) throws Bounded.Full {
        try (JsonGenerator g = MAPPER.getFactory().createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField(EventEnvelope.TIME, EventTime.format(e.time()));
            g.writeStringField(EventEnvelope.ID, e.id());
            Iterator<Map.Entry<String, JsonNode>> it = e.fields().fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> f = it.next();
                if (!f.getKey().equals(EventEnvelope.TIME) && !f.getKey().equals(EventEnvelope.ID)) {
                    g.writeFieldName(f.getKey());
                    writeNode(g, f.getValue());
                }
            }
            g.writeEndObject();
        } catch (UncheckedIOException ex) {
            if (ex.getCause() instanceof Bounded.Full full) {
                throw full;
            }
            throw new SerializationException("cannot write event " + e.id(), ex);
        } catch (IOException ex) {
            throw new SerializationException("cannot write event " + e.id(), ex);
        }
    }

    /**
     * Writes a JSON tree straight to the generator: as {@code ObjectMapper.writeTree} writes it, without setting up
     * a serializer provider per value (a measurable share of the validator's time per event). Public for the
     * validator's streaming path, which writes a rule's output columns as this class would.
     */
    public static void writeNode(JsonGenerator g, JsonNode n) throws IOException {
        switch (n.getNodeType()) {
            case OBJECT -> {
                g.writeStartObject();
                Iterator<Map.Entry<String, JsonNode>> it = n.fields();
                while (it.hasNext()) {
                    Map.Entry<String, JsonNode> f = it.next();
                    g.writeFieldName(f.getKey());
                    writeNode(g, f.getValue());
                }
                g.writeEndObject();
            }
            case ARRAY -> {
                g.writeStartArray();
                for (JsonNode item : n) {
                    writeNode(g, item);
                }
                g.writeEndArray();
            }
            case STRING -> g.writeString(n.textValue());
            case BOOLEAN -> g.writeBoolean(n.booleanValue());
            case NULL -> g.writeNull();
            case NUMBER -> {
                switch (n.numberType()) {
                    case INT -> g.writeNumber(n.intValue());
                    case LONG -> g.writeNumber(n.longValue());
                    case BIG_INTEGER -> g.writeNumber(n.bigIntegerValue());
                    case FLOAT -> g.writeNumber(n.floatValue());
                    case DOUBLE -> g.writeNumber(n.doubleValue());
                    default -> g.writeNumber(n.decimalValue());
                }
            }
            default -> MAPPER.writeTree(g, n);
        }
    }

    public static void writeHeaders(EventEnvelope e, Headers headers) {
        writeHeaders(e.dataset(), e.origin(), e.rule(), headers);
        put(headers, IngestHeaders.EVENT_TIME, Long.toString(e.time().toEpochMilli()));
    }

    /** The headers events share when they come from one request through one rule version ({@link DatasetRecord}). */
    public static void writeHeaders(String dataset, EventOrigin origin, RuleRef rule, Headers headers) {
        put(headers, IngestHeaders.DATASET, dataset);
        put(headers, IngestHeaders.DIALECT, origin.dialect().wireName());
        put(headers, IngestHeaders.TOKEN, origin.tokenId());
        if (origin.requestId() != null) {
            put(headers, IngestHeaders.REQUEST, origin.requestId());
        }
        if (rule != null) {
            put(headers, IngestHeaders.RULE, rule.key());
            put(headers, IngestHeaders.RULE_VERSION, Long.toString(rule.version()));
        }
    }

    public static EventEnvelope read(Headers headers, byte[] value) {
        try {
            JsonNode node = MAPPER.readTree(value);
            if (!(node instanceof ObjectNode fields)) {
                throw new SerializationException("event value is not a JSON object");
            }
            JsonNode id = fields.remove(EventEnvelope.ID);
            JsonNode time = fields.remove(EventEnvelope.TIME);
            if (id == null || !id.isTextual() || time == null || !time.isTextual()) {
                throw new SerializationException("event value lacks _id or _time");
            }
            String dialect = get(headers, IngestHeaders.DIALECT);
            String token = get(headers, IngestHeaders.TOKEN);
            String dataset = get(headers, IngestHeaders.DATASET);
            if (dialect == null || token == null || dataset == null) {
                throw new SerializationException("event record lacks ingest headers");
            }
            EventOrigin origin = new EventOrigin(
                    Dialect.fromWireName(dialect), token, get(headers, IngestHeaders.REQUEST));
            String rule = get(headers, IngestHeaders.RULE);
            String ruleVersion = get(headers, IngestHeaders.RULE_VERSION);
            RuleRef ref = rule == null ? null : new RuleRef(rule, ruleVersion == null ? 0 : Long.parseLong(ruleVersion));
            return new EventEnvelope(id.textValue(), dataset, Instant.parse(time.textValue()), fields, origin, ref);
        } catch (IOException | RuntimeException ex) {
            if (ex instanceof SerializationException se) {
                throw se;
            }
            throw new SerializationException("cannot read event: " + ex.getMessage(), ex);
        }
    }

    private static final class EnvelopeSerializer implements Serializer<EventEnvelope> {
        @Override
        public byte[] serialize(String topic, EventEnvelope data) {
            return serialize(topic, new RecordHeaders(), data);
        }

        @Override
        public byte[] serialize(String topic, Headers headers, EventEnvelope data) {
            if (data == null) {
                return null;
            }
            writeHeaders(data, headers);
            return value(data);
        }
    }

    private static final class EnvelopeDeserializer implements Deserializer<EventEnvelope> {
        @Override
        public EventEnvelope deserialize(String topic, byte[] data) {
            throw new SerializationException("an event envelope needs its record headers");
        }

        @Override
        public EventEnvelope deserialize(String topic, Headers headers, byte[] data) {
            return data == null ? null : read(headers, data);
        }
    }
}
