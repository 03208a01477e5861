package io.ingestline.edge.ingest;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.ingestline.model.BatchContext;
import io.ingestline.model.BatchTarget;
import io.ingestline.model.Dialect;
import io.ingestline.model.RawBatch;
import io.ingestline.model.RawBatchBuilder;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * One JSON value a line, in bodies far larger than the reader's buffer: lines across buffer ends, lines longer than the
 * buffer, refusals named by their line.
 */
class NdjsonBodyReaderTest {
    private static final int MAX_EVENT = 1000;

    private final RawBatchBuilder builder = new RawBatchBuilder(100_000);
    private final EventWriter events = new EventWriter(builder, EventOptions.defaults(MAX_EVENT));

    private List<String> read(byte[] body) throws Exception {
        // a stream that hands out a few bytes at a time, as a network would
        InputStream in = new ByteArrayInputStream(body) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                return super.read(b, off, Math.min(len, 777));
            }
        };
        NdjsonBodyReader.read(in, events, MAX_EVENT);
        List<String> out = new ArrayList<>();
        for (RawBatch b : builder.build(new BatchContext(Dialect.AXIOM, new BatchTarget.Dataset("d"), "t", null,
                Instant.EPOCH))) {
            RawBatch.forEachLine(b.payload(), (i, buf, off, len) -> out.add(new String(buf, off, len, UTF_8)));
        }
        return out;
    }

    @Test
    void keeps_every_event_of_a_body_many_buffers_long_and_refuses_each_line_of_an_object_spread_over_two() throws Exception {
        StringBuilder body = new StringBuilder();
        List<String> expected = new ArrayList<>();
        List<Integer> refusedLines = new ArrayList<>();
        int line = 0;
        for (int i = 0; i < 6000; i++) {
            String pad = "x".repeat(i % 50);
            if (i % 97 == 0) {
                body.append("{\"i\":").append(i).append(",\n\"pad\":\"").append(pad).append("\"}\n");
                refusedLines.add(++line);
                refusedLines.add(++line);
            } else {
                body.append("{\"i\":").append(i).append(",\"pad\":\"").append(pad).append(i % 5 == 0 ? "\"}\r\n" : "\"}\n");
                expected.add("{\"i\":" + i + ",\"pad\":\"" + pad + "\"}");
                line++;
            }
        }
        assertThat(body.length()).isGreaterThan(3 * 64 * 1024);

        assertThat(read(body.toString().getBytes(UTF_8))).containsExactlyElementsOf(expected);
        assertThat(events.failures()).extracting(EventFailure::line).containsExactlyElementsOf(refusedLines);
        assertThat(events.failures()).allSatisfy(f -> assertThat(f.error()).startsWith("invalid JSON"));
    }

    @Test
    void refuses_a_truncated_line_alone_and_names_it_by_its_line() throws Exception {
        byte[] body = "{\"a\":1}\n{\"uid\":\"X1\",\"broken\":\n{\"uid\":\"U2\",\"ok\":true}\n{\"uid\":\"U3\",\"ok\":true}\n"
                .getBytes(UTF_8);

        assertThat(read(body)).containsExactly("{\"a\":1}", "{\"uid\":\"U2\",\"ok\":true}", "{\"uid\":\"U3\",\"ok\":true}");
        assertThat(events.failures()).singleElement().satisfies(f -> {
            assertThat(f.line()).isEqualTo(2);
            assertThat(f.index()).isEqualTo(1);
            assertThat(f.error()).isEqualTo("invalid JSON: unexpected end of input");
        });
    }

    @Test
    void refuses_a_line_longer_than_the_buffer_and_goes_on() throws Exception {
        String huge = "{\"big\":\"" + "y".repeat(200 * 1024) + "\"}";
        byte[] body = ("{\"a\":1}\n" + huge + "\n{\"a\":2}\n{\"a\":3}").getBytes(UTF_8);

        assertThat(read(body)).containsExactly("{\"a\":1}", "{\"a\":2}", "{\"a\":3}");
        assertThat(events.failures()).hasSize(1);
        assertThat(events.failures().get(0).error()).contains("limit");
    }

    @Test
    void nesting_left_open_by_a_broken_line_does_not_count_against_the_next_value() throws Exception {
        String broken = "{\"a\":" + "[".repeat(190) + " x\n";
        byte[] body = (broken + "[" .repeat(20) + "]".repeat(20) + "\n{\"ok\":1}\n").getBytes(UTF_8);

        assertThat(read(body)).containsExactly("{\"ok\":1}");
        assertThat(events.failures()).hasSize(2);
        assertThat(events.failures().get(0).error()).contains("unexpected character 'x'");
        assertThat(events.failures().get(1).error()).contains("JSON object").doesNotContain("nested");
    }

    @Test
    void refuses_an_object_over_the_event_limit_that_fits_the_buffer() throws Exception {
        byte[] body = ("{\"a\":1}\n{\"big\":\"" + "z".repeat(MAX_EVENT) + "\"}\n{\"a\":2}").getBytes(UTF_8);

        assertThat(read(body)).containsExactly("{\"a\":1}", "{\"a\":2}");
        assertThat(events.failures()).singleElement().satisfies(f -> assertThat(f.line()).isEqualTo(2));
    }

    @Test
    void takes_an_event_larger_than_the_starting_buffer_when_the_limit_allows_it() throws Exception {
        int limit = 300_000;
        RawBatchBuilder big = new RawBatchBuilder(1_000_000);
        EventWriter writer = new EventWriter(big, EventOptions.defaults(limit));
        String large = "{\"big\":\"" + "q".repeat(200_000) + "\"}";
        String over = "{\"big\":\"" + "r".repeat(limit) + "\"}";
        byte[] body = ("{\"a\":1}\n" + large + "\n" + over + "\n{\"a\":2}\n").getBytes(UTF_8);

        NdjsonBodyReader.read(new ByteArrayInputStream(body), writer, limit);

        List<String> out = new ArrayList<>();
        for (RawBatch b : big.build(new BatchContext(Dialect.AXIOM, new BatchTarget.Dataset("d"), "t", null,
                Instant.EPOCH))) {
            RawBatch.forEachLine(b.payload(), (i, buf, off, len) -> out.add(new String(buf, off, len, UTF_8)));
        }
        assertThat(out).containsExactly("{\"a\":1}", large, "{\"a\":2}");
        assertThat(writer.failures()).singleElement().satisfies(f -> assertThat(f.line()).isEqualTo(3));
    }

    /** How a body is read: NDJSON, or Loggly's lines (an object line scanned as JSON, any other line taken as text). */
    @FunctionalInterface
    private interface Reader {
        void read(InputStream body, EventWriter events) throws Exception;
    }

    @Test
    void a_lines_outcome_does_not_depend_on_the_lines_before_it() throws Exception {
        sameAloneAsTogether((in, w) -> NdjsonBodyReader.read(in, w, MAX_EVENT), true);
    }

    @Test
    void a_text_lines_outcome_does_not_depend_on_the_lines_before_it() throws Exception {
        sameAloneAsTogether((in, w) -> LinesBodyReader.read(in, w, MAX_EVENT, false), false);
    }

    /**
     * The readers keep one scanner for a body's lines: each line read in a body of its own (a fresh scanner) must
     * give what it gives among the others. {@code refuses}: the reader refuses some of the random lines (NDJSON does;
     * Loggly's lines take what is not an object as text).
     */
    private void sameAloneAsTogether(Reader reader, boolean refuses) throws Exception {
        long seed = Long.getLong("ndjson.seed", System.nanoTime());
        System.out.println("NdjsonBodyReaderTest seed: " + seed + " (-Dndjson.seed=" + seed + " replays it)");
        java.util.Random r = new java.util.Random(seed);
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            lines.add(randomLine(r));
        }
        List<String> aloneFailures = new ArrayList<>();
        List<String> aloneOut = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            RawBatchBuilder one = new RawBatchBuilder(100_000);
            EventWriter w = new EventWriter(one, EventOptions.defaults(MAX_EVENT));
            reader.read(new ByteArrayInputStream((lines.get(i) + "\n").getBytes(UTF_8)), w);
            for (RawBatch b : one.build(new BatchContext(Dialect.AXIOM, new BatchTarget.Dataset("d"), "t", null,
                    Instant.EPOCH))) {
                RawBatch.forEachLine(b.payload(), (k, buf, off, len) -> aloneOut.add(new String(buf, off, len, UTF_8)));
            }
            for (EventFailure f : w.failures()) {
                aloneFailures.add((i + 1) + ": " + f.error());
            }
        }
        reader.read(new ByteArrayInputStream((String.join("\n", lines) + "\n").getBytes(UTF_8)), events);
        List<String> together = new ArrayList<>();
        for (RawBatch b : builder.build(new BatchContext(Dialect.AXIOM, new BatchTarget.Dataset("d"), "t", null,
                Instant.EPOCH))) {
            RawBatch.forEachLine(b.payload(), (k, buf, off, len) -> together.add(new String(buf, off, len, UTF_8)));
        }
        List<String> togetherFailures = events.failures().stream().map(f -> f.line() + ": " + f.error()).toList();
        assertThat(together).as("seed %d", seed).containsExactlyElementsOf(aloneOut);
        assertThat(togetherFailures).as("seed %d", seed).containsExactlyElementsOf(aloneFailures);
        if (refuses) {
            assertThat(aloneFailures).as("seed %d: some lines refused", seed).isNotEmpty();
        }
        assertThat(aloneOut).as("seed %d: many lines taken", seed).hasSizeGreaterThan(lines.size() / 3);
    }

    /** A line: an object with up to 44 keys (some repeated, escaped, a {@code _time}), broken, or not an object. */
    private static String randomLine(java.util.Random r) {
        int kind = r.nextInt(10);
        if (kind == 0) {
            return "{\"a\":" + "[".repeat(1 + r.nextInt(200)) + (r.nextBoolean() ? " x" : "");
        } else if (kind == 1) {
            return r.nextBoolean() ? "[1,2]" : "\"text\"";
        }
        StringBuilder b = new StringBuilder("{");
        int keys = r.nextInt(45); // past 32 now and then: the scanner's key arrays grow
        for (int k = 0; k < keys; k++) {
            if (k > 0) {
                b.append(r.nextInt(5) == 0 ? " , " : ",");
            }
            int name = r.nextInt(r.nextBoolean() ? 8 : 80);
            String key = switch (r.nextInt(12)) {
                case 0 -> "_time";
                case 1 -> "k\\u0041" + name;
                default -> "k" + name;
            };
            String value = switch (r.nextInt(6)) {
                case 0 -> "\"2026-12-05T01:02:0" + r.nextInt(10) + "Z\"";
                case 1 -> Integer.toString(r.nextInt());
                case 2 -> "{\"n\":[1,{\"m\":null}]}";
                case 3 -> "\"v\\n" + r.nextInt(100) + "\"";
                case 4 -> "true";
                default -> "\"" + "s".repeat(r.nextInt(20)) + "\"";
            };
            b.append('"').append(key).append("\":").append(value);
        }
        if (r.nextInt(15) == 0) {
            b.append(",\"trunc\":");
        }
        return b.append('}').toString();
    }
}
