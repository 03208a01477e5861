package io.ingestline.model;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class DatasetRecordTest {
    private record Event(String id, long time, String json) {
    }

    private static List<Event> read(byte[] key, byte[] value, RecordHeaders h) {
        List<Event> out = new ArrayList<>();
        DatasetRecord.read(key, value, h, -1, (i, id, time, buf, off, len) ->
                out.add(new Event(id, time, new String(buf, off, len, UTF_8))));
        return out;
    }

    @Test
    void reads_back_what_it_packed_ids_times_and_envelopes_in_order() {
        long seed = new Random().nextLong();
        System.out.println("DatasetRecordTest seed=" + seed);
        Random random = new Random(seed);
        for (int round = 0; round < 200; round++) {
            DatasetRecord.Builder b = new DatasetRecord.Builder();
            List<Event> sent = new ArrayList<>();
            int n = 1 + random.nextInt(random.nextBoolean() ? 3 : 2_000);
            for (int k = 0; k < n; k++) {
                int index = random.nextInt(Integer.MAX_VALUE);
                long time = random.nextLong();
                String json = "{\"k\":\"" + "é".repeat(random.nextInt(50)) + "\"}";
                byte[] bytes = ("xx" + json).getBytes(UTF_8);
                b.add(RawBatch.eventId("batch-" + round, index), index, time, bytes, 2, bytes.length - 2);
                sent.add(new Event(RawBatch.eventId("batch-" + round, index), time, json));
            }
            RecordHeaders h = new RecordHeaders();
            b.putHeaders(h, "batch-" + round);
            assertThat(b.firstId()).isEqualTo(sent.get(0).id());
            assertThat(DatasetRecord.count(h)).isEqualTo(n);
            assertThat(IngestHeaders.get(h, IngestHeaders.EVENT_TIME)).isEqualTo(Long.toString(sent.get(0).time()));
            assertThat(read(null, b.value(), h)).as("seed %d", seed).isEqualTo(sent);
            b.reset();
            assertThat(b.count()).isZero();
        }
    }

    @Test
    void a_record_without_the_events_header_is_one_event_of_the_older_form() {
        RecordHeaders h = new RecordHeaders();
        IngestHeaders.put(h, IngestHeaders.EVENT_TIME, "1764000000000");
        assertThat(read("b-3".getBytes(UTF_8), "{\"a\":1}".getBytes(UTF_8), h))
                .containsExactly(new Event("b-3", 1764000000000L, "{\"a\":1}"));
        IngestHeaders.put(h, IngestHeaders.EVENT_TIME, "12x");
        assertThat(read("b-3".getBytes(UTF_8), "{}".getBytes(UTF_8), h)).extracting(Event::time).containsExactly(-1L);
    }

    @Test
    void refuses_a_record_whose_events_header_and_value_disagree_before_reading_any_event() {
        DatasetRecord.Builder b = new DatasetRecord.Builder();
        b.add("b-0", 0, 1, "{}".getBytes(UTF_8), 0, 2);
        b.add("b-1", 1, 2, "{}".getBytes(UTF_8), 0, 2);
        RecordHeaders h = new RecordHeaders();
        b.putHeaders(h, "b");
        byte[] good = b.value();
        List<Event> seen = new ArrayList<>();
        DatasetRecord.EventConsumer count = (i, id, time, buf, off, len) -> seen.add(null);
        assertThatThrownBy(() -> DatasetRecord.read(null, Arrays.copyOf(good, good.length - 1), h, 0, count))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("fewer events");
        assertThatThrownBy(() -> DatasetRecord.read(null, (new String(good, UTF_8) + "{}").getBytes(UTF_8), h, 0,
                count)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("more than");
        RecordHeaders odd = new RecordHeaders(h.toArray());
        odd.remove(DatasetRecord.EVENTS);
        odd.add(DatasetRecord.EVENTS, new byte[13]);
        assertThatThrownBy(() -> DatasetRecord.read(null, good, odd, 0, count))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("13 bytes");
        RecordHeaders noBatch = new RecordHeaders(h.toArray());
        noBatch.remove(IngestHeaders.BATCH);
        assertThatThrownBy(() -> DatasetRecord.read(null, good, noBatch, 0, count))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(IngestHeaders.BATCH);
        assertThat(seen).as("no event read from a record that disagrees").isEmpty();
    }
}
