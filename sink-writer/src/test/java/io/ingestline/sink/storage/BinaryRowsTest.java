package io.ingestline.sink.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link BinaryRows} against {@link CopyBinary} writing the same events whole: several partitions' rows sharing one
 * pool of chunks, written in turn, one of them cleared (its chunks given back and taken by the others) now and then;
 * rows of every size from a few bytes to several chunks (so rows cross the chunks' boundaries and the encoder's
 * buffer), events read from inside larger arrays, the typed columns changing between rows (none, one, two), rows
 * encoded for {@code jsonb} or {@code json} (each copied for a {@code json} column too), events plain or not (the
 * risk check then from the plain bit or the scan). Replay a seed with {@code -Drows.seed=<seed>}.
 */
@Timeout(60)
class BinaryRowsTest {
    private static final List<TypedColumn> NONE = List.of();
    private static final List<TypedColumn> ONE = TypedColumn.of(Map.of("n", "long"));
    private static final List<TypedColumn> TWO;

    static {
        Map<String, String> two = new LinkedHashMap<>();
        two.put("n", "long");
        two.put("s", "string");
        TWO = TypedColumn.of(two);
    }

    /** One partition's rows and the events written into them since its last clear. */
    private static final class Part {
        final BinaryRows rows;
        final List<SinkRecord> events = new ArrayList<>();
        final List<List<TypedColumn>> layouts = new ArrayList<>();
        final List<Boolean> asJson = new ArrayList<>();
        List<TypedColumn> typed = ONE;
        boolean json;
        long counted;

        Part(BinaryRows.Chunks pool) {
            rows = new BinaryRows(pool);
        }
    }

    @Test
    void rows_are_the_bytes_copy_binary_writes_and_read_back_as_their_events() throws Exception {
        long seed = Long.getLong("rows.seed", System.nanoTime());
        System.out.println("BinaryRowsTest seed " + seed + " (-Drows.seed=" + seed + ")");
        Random random = new Random(seed);
        BinaryRows.Chunks pool = new BinaryRows.Chunks(8L * BinaryRows.CHUNK);
        List<Part> parts = List.of(new Part(pool), new Part(pool), new Part(pool));
        for (int round = 0; round < 12; round++) {
            int count = 20 + random.nextInt(200);
            for (int n = 0; n < count; n++) {
                Part p = parts.get(random.nextInt(parts.size()));
                if (random.nextInt(20) == 0) {
                    p.typed = List.of(NONE, ONE, TWO).get(random.nextInt(3)); // a rule changed
                }
                if (random.nextInt(20) == 0) {
                    p.json = !p.json; // the table's type learned (or guessed)
                }
                int size = random.nextInt(12) == 0 ? random.nextInt(4 * BinaryRows.CHUNK) : random.nextInt(600);
                // a quarter with an escape jsonb refuses (BinaryRows#jsonbRisk reads the event across chunks)
                String json = "{\"n\":" + random.nextInt() + ",\"s\":\"" + "x".repeat(size)
                        + (random.nextInt(4) == 0 ? "\\u0000" : "") + (random.nextBoolean() ? "é" : "") + "\"}";
                byte[] event = json.getBytes(StandardCharsets.UTF_8);
                // the event inside a larger array, as in a dataset record
                int before = random.nextInt(40);
                byte[] record = new byte[before + event.length + random.nextInt(40)];
                System.arraycopy(event, 0, record, before, event.length);
                long time = 1_700_000_000_000L + random.nextInt(1_000_000_000);
                byte[] key = ("id-" + round + "-" + n).getBytes(StandardCharsets.UTF_8);
                SinkRecord r = new SinkRecord("web", 3, 1000 + round * 1000 + n, random.nextInt(5), time, key, event);
                p.counted += p.rows.add(p.typed, p.json, time, key, record, before, event.length, 3, r.position());
                p.events.add(r);
                p.layouts.add(p.typed);
                p.asJson.add(p.json);
            }
            for (Part p : parts) {
                check(p);
            }
            Part cleared = parts.get(random.nextInt(parts.size()));
            cleared.rows.clear();
            cleared.events.clear();
            cleared.layouts.clear();
            cleared.asJson.clear();
            cleared.counted = 0;
            assertThat(cleared.rows.rows()).isZero();
            assertThat(cleared.rows.held()).isZero();
            assertThat(pool.keptBytes()).as("the pool's bound").isLessThanOrEqualTo(8L * BinaryRows.CHUNK);
        }
    }

    private static void check(Part p) throws Exception {
        assertThat(p.rows.rows()).isEqualTo(p.events.size());
        long bytes = 0;
        for (int i = 0; i < p.events.size(); i++) {
            SinkRecord r = p.events.get(i);
            List<TypedColumn> typed = p.layouts.get(i);
            assertThat(p.rows.layout(i)).as("row %d's columns", i).isEqualTo(typed);
            assertThat(p.rows.time(i)).isEqualTo(r.eventTimeMs());
            assertThat(p.rows.position(i)).isEqualTo(r.position());
            boolean json = p.asJson.get(i);
            assertThat(p.rows.json(i)).isEqualTo(json);
            byte[] expected = whole(r, typed, json);
            assertThat(copied(p.rows, i, typed, json)).as("row %d (%d bytes)", i, expected.length)
                    .isEqualTo(expected);
            assertThat(copiedAsJson(p.rows, i, typed)).as("row %d for a json column", i)
                    .isEqualTo(whole(r, typed, true));
            assertThat(p.rows.jsonbRisk(i, true)).isEqualTo(JsonbRisk.risky(r.value(), 0, r.value().length, true));
            SinkRecord back = p.rows.record("web", 3, i);
            assertThat(List.of(back.dataset(), back.partition(), back.offset(), back.index(), back.eventTimeMs()))
                    .isEqualTo(List.of(r.dataset(), r.partition(), r.offset(), r.index(), r.eventTimeMs()));
            assertThat(back.key()).isEqualTo(r.key());
            assertThat(back.value()).isEqualTo(r.value());
            bytes += expected.length;
        }
        assertThat(p.counted).as("bytes counted").isEqualTo(p.rows.held());
        assertThat(p.rows.held()).as("counted, at least the rows' bytes")
                .isGreaterThanOrEqualTo(bytes + (long) p.events.size() * BinaryRows.ROW_OVERHEAD);
    }

    /** Row {@code i} as {@link BinaryRows#copy} sends it (without the data's header). */
    private static byte[] copied(BinaryRows rows, int i, List<TypedColumn> typed, boolean json) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CopyBinary c = CopyBinary.rows((b, n) -> out.write(b, 0, n), 64, typed, json);
        rows.copy(i, c);
        c.flush();
        return out.toByteArray();
    }

    /** Row {@code i} as {@link BinaryRows#copyAsJson} sends it. */
    private static byte[] copiedAsJson(BinaryRows rows, int i, List<TypedColumn> typed) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CopyBinary c = CopyBinary.rows((b, n) -> out.write(b, 0, n), 64, typed, true);
        rows.copyAsJson(i, c);
        c.flush();
        return out.toByteArray();
    }

    /** The event's row as {@link CopyBinary} writes it from the whole record (for a json column if {@code json}). */
    private static byte[] whole(SinkRecord r, List<TypedColumn> typed, boolean json) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CopyBinary c = CopyBinary.rows((b, n) -> out.write(b, 0, n), 1 << 16, typed, json);
        c.row(r);
        c.flush();
        return out.toByteArray();
    }
}
