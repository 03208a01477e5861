package io.ingestline.model;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class RawBatchTest {
    private static final BatchContext CONTEXT = new BatchContext(
            Dialect.AXIOM, new BatchTarget.Dataset("web"), "tok1", "req-9", Instant.ofEpochMilli(1_700_000_000_123L));

    @Test
    void headers_round_trip_every_field() {
        RawBatch batch = new RawBatch("b1", 1, 3, CONTEXT, 2, "{\"a\":1}\n{\"a\":2}\n".getBytes(UTF_8));
        RecordHeaders headers = new RecordHeaders();
        RawBatchCodec.writeHeaders(batch, headers);

        RawBatch back = RawBatchCodec.read(headers, batch.payload());

        assertThat(back.batchId()).isEqualTo("b1");
        assertThat(back.part()).isEqualTo(1);
        assertThat(back.parts()).isEqualTo(3);
        assertThat(back.eventCount()).isEqualTo(2);
        assertThat(back.context()).isEqualTo(CONTEXT);
        assertThat(back.payload()).isEqualTo(batch.payload());
    }

    @Test
    void stream_target_round_trips() {
        BatchContext azure = new BatchContext(Dialect.AZURE, new BatchTarget.Stream("dcr-1", "Custom-Foo"), "t", null,
                Instant.EPOCH);
        RecordHeaders headers = new RecordHeaders();
        RawBatchCodec.writeHeaders(new RawBatch("b", 0, 1, azure, 0, new byte[0]), headers);

        assertThat(RawBatchCodec.read(headers, new byte[0]).context()).isEqualTo(azure);
        assertThat(IngestHeaders.get(headers, IngestHeaders.REQUEST)).isNull();
    }

    @Test
    void reading_a_record_without_contract_headers_names_the_problem() {
        RecordHeaders headers = new RecordHeaders();
        assertThatThrownBy(() -> RawBatchCodec.read(headers, new byte[0]))
                .isInstanceOf(ContractException.class).hasMessageContaining("contract version");

        RawBatchCodec.writeHeaders(new RawBatch("b", 0, 1, CONTEXT, 0, new byte[0]), headers);
        headers.remove(IngestHeaders.TOKEN);
        assertThatThrownBy(() -> RawBatchCodec.read(headers, new byte[0]))
                .isInstanceOf(ContractException.class).hasMessageContaining(IngestHeaders.TOKEN);
    }

    @Test
    void key_keeps_retries_of_one_request_together_and_spreads_the_rest() {
        assertThat(new RawBatch("b1", 0, 1, CONTEXT, 0, new byte[0]).key()).isEqualTo("tok1/req-9");
        BatchContext noRequest = new BatchContext(Dialect.AXIOM, new BatchTarget.Dataset("web"), "tok1", null,
                Instant.EPOCH);
        assertThat(new RawBatch("b1", 0, 1, noRequest, 0, new byte[0]).key()).isEqualTo("b1");
    }

    @Test
    void splits_random_payloads_as_a_line_by_line_reading_does() {
        long seed = Long.getLong("rawbatch.seed", System.nanoTime());
        System.out.println("RawBatchTest seed: " + seed + " (-Drawbatch.seed=" + seed + " replays it)");
        Random r = new Random(seed);
        byte[] alphabet = {'\n', '\n', '\r', ' ', '\t', 'a', '{', '}', '"', (byte) 0x8a, 0x0b};
        for (int round = 0; round < 5_000; round++) {
            byte[] payload = new byte[r.nextInt(60)];
            for (int i = 0; i < payload.length; i++) {
                payload[i] = alphabet[r.nextInt(alphabet.length)];
            }
            List<String> expected = new ArrayList<>();
            for (String line : new String(payload, ISO_8859_1).split("\n", -1)) {
                String l = line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
                if (!l.replace(" ", "").replace("\t", "").isEmpty()) {
                    expected.add(l);
                }
            }
            List<String> lines = new ArrayList<>();
            int n = RawBatch.forEachLine(payload, (i, buf, off, len) -> {
                assertThat(i).isEqualTo(lines.size());
                lines.add(new String(buf, off, len, ISO_8859_1));
            });
            assertThat(lines).as("seed %d round %d", seed, round).isEqualTo(expected);
            assertThat(n).isEqualTo(expected.size());
        }
    }

    @Test
    void splits_lines_skipping_blank_ones_and_carriage_returns() {
        byte[] payload = "{\"a\":1}\r\n\n  \n{\"b\":2}\n{\"c\":3}".getBytes(UTF_8);
        List<String> lines = new ArrayList<>();
        AtomicInteger lastIndex = new AtomicInteger(-1);
        int n = RawBatch.forEachLine(payload, (i, buf, off, len) -> {
            assertThat(i).isEqualTo(lastIndex.incrementAndGet());
            lines.add(new String(buf, off, len, UTF_8));
        });
        assertThat(n).isEqualTo(3);
        assertThat(lines).containsExactly("{\"a\":1}", "{\"b\":2}", "{\"c\":3}");
    }

    /** Whatever the size hint (none, too small, exact for no event, too large), the same parts come out. */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(ints = {0, 1, 37, 100, 5000})
    void builder_splits_a_request_into_parts_under_the_limit_keeping_every_event_once(int expectedBytes) {
        int limit = 100;
        AtomicInteger ids = new AtomicInteger();
        RawBatchBuilder builder = new RawBatchBuilder(limit, expectedBytes, () -> "b" + ids.getAndIncrement());
        List<String> events = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            String e = "{\"n\":" + i + ",\"pad\":\"" + "x".repeat(i % 7) + "\"}";
            events.add(e);
            byte[] b = e.getBytes(UTF_8);
            builder.add(b, 0, b.length);
        }

        List<RawBatch> batches = builder.build(CONTEXT);

        assertThat(batches).hasSizeGreaterThan(1);
        List<String> back = new ArrayList<>();
        for (int i = 0; i < batches.size(); i++) {
            RawBatch b = batches.get(i);
            assertThat(b.payload().length).isLessThanOrEqualTo(limit);
            assertThat(b.part()).isEqualTo(i);
            assertThat(b.parts()).isEqualTo(batches.size());
            int lines = RawBatch.forEachLine(b.payload(), (idx, buf, off, len) -> back.add(new String(buf, off, len, UTF_8)));
            assertThat(lines).isEqualTo(b.eventCount());
        }
        assertThat(back).containsExactlyElementsOf(events);
        assertThat(batches).extracting(RawBatch::batchId).doesNotHaveDuplicates();
    }

    @Test
    void builder_refuses_an_event_over_the_limit_and_builds_nothing_from_no_events() {
        RawBatchBuilder builder = new RawBatchBuilder(10);
        assertThat(builder.fits(9)).isTrue();
        assertThat(builder.fits(10)).isFalse();
        assertThatThrownBy(() -> builder.add(new byte[10], 0, 10)).isInstanceOf(IllegalArgumentException.class);
        assertThat(builder.build(CONTEXT)).isEmpty();
    }
}
