package io.ingestline.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ingestline.model.Json;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * {@link PostgresLoadBudget}'s events, encoded for {@code COPY} before anything is measured, so that loading them
 * costs the client nothing but sending bytes. Each event is a {@link LogEvents} event shaped as the sink stores it:
 * the envelope ({@code _time}, {@code _id} of its raw batch and index, then its fields, then the benchmark rule's
 * {@code slow} and {@code failed}), its Kafka partition (a 500-event batch each, over 6 partitions) and position,
 * and the rule's typed columns. Times rise at 40,000 events/s from noon of today (UTC), each up to 2 s early as the
 * load generator's are, so all fall in one daily partition and reach the order index near its end, as the sink's do.
 * The events are cut into commits of about {@code commitBytes} of COPY text, the same events per commit in every
 * encoding: text with the typed columns, text without, binary with.
 */
final class CopyChunks {
    static final int KAFKA_PARTITIONS = 6;
    private static final int BATCH = 500;
    /** PostgreSQL's epoch (2000-01-01) in Unix milliseconds: binary timestamps count microseconds from it. */
    private static final long PG_EPOCH_MS = 946_684_800_000L;
    private static final byte[] BINARY_HEADER = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xff, '\r', '\n', 0,
        0, 0, 0, 0, 0, 0, 0, 0};

    /** Per commit, the COPY data of each encoding, and its event count. */
    record Chunk(int events, byte[] textTyped, byte[] textPlain, byte[] binaryTyped) {
        byte[] data(LoadVariant v) {
            return v.binary() ? binaryTyped : v.typed() ? textTyped : textPlain;
        }
    }

    final LocalDate day;
    final List<Chunk> chunks;
    final int events;
    /** Mean size of an event's envelope JSON. */
    final double jsonBytes;

    private CopyChunks(LocalDate day, List<Chunk> chunks, int events, double jsonBytes) {
        this.day = day;
        this.chunks = List.copyOf(chunks);
        this.events = events;
        this.jsonBytes = jsonBytes;
    }

    static CopyChunks make(int events, long commitBytes) {
        LocalDate day = LocalDate.now(ZoneOffset.UTC);
        Instant noon = day.atTime(12, 0).toInstant(ZoneOffset.UTC);
        ObjectMapper mapper = Json.mapper();
        String run = UUID.randomUUID().toString().substring(0, 8);
        long[] offsets = new long[KAFKA_PARTITIONS];
        List<Chunk> chunks = new ArrayList<>();
        Encoder enc = new Encoder();
        StringBuilder b = new StringBuilder(512);
        String batch = "";
        long json = 0;
        try {
            for (int i = 0; i < events; i++) {
                if (i % BATCH == 0) {
                    batch = UUID.randomUUID().toString();
                }
                b.setLength(0);
                LogEvents.append(b, run, i, "_time", noon.plusNanos(i * 25_000L));
                ObjectNode src = (ObjectNode) mapper.readTree(b.toString());
                ObjectNode env = mapper.createObjectNode();
                env.set("_time", src.get("_time"));
                env.put("_id", batch + "-" + i % BATCH);
                for (Iterator<Map.Entry<String, JsonNode>> it = src.fields(); it.hasNext();) {
                    Map.Entry<String, JsonNode> f = it.next();
                    if (!f.getKey().equals("_time")) {
                        env.set(f.getKey(), f.getValue());
                    }
                }
                env.put("slow", src.get("latency_ms").doubleValue() > 500.0);
                env.put("failed", src.get("status").intValue() >= 500);
                byte[] value = mapper.writeValueAsBytes(env);
                json += value.length;
                int partition = i / BATCH % KAFKA_PARTITIONS;
                enc.add(Instant.parse(src.get("_time").textValue()).toEpochMilli(), batch + "-" + i % BATCH, value,
                        partition, offsets[partition]++, env);
                if (enc.textTyped.size() >= commitBytes) {
                    chunks.add(enc.chunk());
                    enc = new Encoder();
                }
            }
            if (enc.events > 0) {
                chunks.add(enc.chunk());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new CopyChunks(day, chunks, events, json / (double) Math.max(1, events));
    }

    /** One commit's events, written in the three encodings at once. */
    private static final class Encoder {
        final ByteArrayOutputStream textTyped = new ByteArrayOutputStream(1 << 20);
        final ByteArrayOutputStream textPlain = new ByteArrayOutputStream(1 << 20);
        final ByteArrayOutputStream binary = new ByteArrayOutputStream(1 << 20);
        final DataOutputStream bin = new DataOutputStream(binary);
        int events;

        Encoder() {
            binary.writeBytes(BINARY_HEADER);
        }

        void add(long timeMs, String id, byte[] value, int partition, long offset, JsonNode event) throws IOException {
            events++;
            // text: as PostgresStorageWriter writes it
            StringBuilder head = new StringBuilder(96).append(Instant.ofEpochMilli(timeMs)).append('\t');
            byte[] base = head.toString().getBytes(StandardCharsets.US_ASCII);
            for (ByteArrayOutputStream t : List.of(textTyped, textPlain)) {
                t.writeBytes(base);
                escaped(t, id.getBytes(StandardCharsets.UTF_8));
                t.write('\t');
                escaped(t, value);
                t.writeBytes(("\t" + partition + "\t" + offset).getBytes(StandardCharsets.US_ASCII));
            }
            for (String[] c : LoadVariant.TYPED) {
                JsonNode v = event.get(c[0]);
                textTyped.write('\t');
                escaped(textTyped, (c[1].equals("text") ? v.textValue() : v.asText()).getBytes(StandardCharsets.UTF_8));
            }
            textTyped.write('\n');
            textPlain.write('\n');
            // binary: a field count, then each field's length and bytes
            bin.writeShort(5 + LoadVariant.TYPED.size());
            bin.writeInt(8);
            bin.writeLong((timeMs - PG_EPOCH_MS) * 1000);
            field(id.getBytes(StandardCharsets.UTF_8));
            bin.writeInt(value.length + 1);
            bin.writeByte(1); // jsonb's binary format: a version byte, then the text
            bin.write(value);
            bin.writeInt(4);
            bin.writeInt(partition);
            bin.writeInt(8);
            bin.writeLong(offset);
            bin.writeInt(4);
            bin.writeInt(event.get("status").intValue());
            bin.writeInt(8);
            bin.writeDouble(event.get("latency_ms").doubleValue());
            bin.writeInt(8);
            bin.writeLong(event.get("bytes").longValue());
            field(event.get("level").textValue().getBytes(StandardCharsets.UTF_8));
            bin.writeInt(1);
            bin.writeBoolean(event.get("slow").booleanValue());
            bin.writeInt(1);
            bin.writeBoolean(event.get("failed").booleanValue());
        }

        private void field(byte[] bytes) throws IOException {
            bin.writeInt(bytes.length);
            bin.write(bytes);
        }

        Chunk chunk() throws IOException {
            bin.writeShort(-1);
            bin.flush();
            return new Chunk(events, textTyped.toByteArray(), textPlain.toByteArray(), binary.toByteArray());
        }

        /** COPY text's escapes, as the sink writes them: backslash, tab, newline, carriage return. */
        private static void escaped(ByteArrayOutputStream out, byte[] bytes) {
            for (byte b : bytes) {
                switch (b) {
                    case '\\' -> out.writeBytes(new byte[] {'\\', '\\'});
                    case '\t' -> out.writeBytes(new byte[] {'\\', 't'});
                    case '\n' -> out.writeBytes(new byte[] {'\\', 'n'});
                    case '\r' -> out.writeBytes(new byte[] {'\\', 'r'});
                    default -> out.write(b);
                }
            }
        }
    }
}
