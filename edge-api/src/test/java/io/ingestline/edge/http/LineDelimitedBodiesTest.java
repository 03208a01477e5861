package io.ingestline.edge.http;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ingestline.edge.config.DcrRegistry;
import io.ingestline.edge.ingest.InFlightBytes;
import io.ingestline.edge.ingest.Ingestor;
import io.ingestline.edge.kafka.RawBatchPublisher;
import io.ingestline.edge.metrics.EdgeMetrics;
import io.ingestline.edge.tls.Listeners;
import io.ingestline.model.Json;
import io.ingestline.model.RawBatch;
import io.ingestline.model.RawBatchCodec;
import io.ingestline.model.auth.ApiToken;
import io.ingestline.model.auth.RateLimiter;
import io.ingestline.model.auth.TokenAuthenticator;
import io.javalin.Javalin;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A property of every dialect that takes line-delimited bodies (Axiom's NDJSON under each of its content types,
 * Loggly's bulk): for seeded random batches of valid events among broken lines (truncated at any byte, invalid UTF-8,
 * stray brackets), blank lines and {@code \r\n} line ends, what is stored is exactly the valid lines, and the answer's
 * counts and line numbers are exactly the broken ones. Loggly keeps a line that is not JSON as text and stores a
 * request whole or not at all, so there the broken lines are stored as text, unless one is not UTF-8: then nothing
 * is stored and the answer names exactly those lines. Seed: {@code -Dndjson.seed=...}, printed at each run.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class LineDelimitedBodiesTest {
    private static final String TOKEN = "lines-token";
    private static final int MAX_RECORD = Integer.parseInt(io.ingestline.edge.EdgeConfig.MAX_RECORD_BYTES.defaultValue());
    private static final List<String> NDJSON_TYPES = List.of("application/x-ndjson", "application/nd-json",
            "application/ndjson", "application/x-jsonlines", "application/jsonlines");
    private static final String ALPHABET = "ab Z09_-\"\\/\t\n\u00e9\u4e2d\u2028\ud83d\ude00{}[],:";

    private final HttpClient http = HttpClient.newHttpClient();
    private MockProducer<byte[], byte[]> producer;
    private Javalin app;

    /** One line of a body: its bytes as sent (without the line end), and what it is. */
    private record Line(byte[] bytes, Kind kind) {
    }

    private enum Kind { VALID, BROKEN, BLANK }

    @BeforeEach
    void start() {
        producer = new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
        Ingestor ingestor = new Ingestor(new RawBatchPublisher(producer, "raw", nanos -> { }),
                new InFlightBytes(64L << 20), 16L << 20, MAX_RECORD, Duration.ofSeconds(2));
        TokenAuthenticator tokens = new TokenAuthenticator(List.of(ApiToken.ofSecret("ci", TOKEN, List.of("*"))));
        EdgeMetrics metrics = new EdgeMetrics();
        IngestSupport support = new IngestSupport(tokens, new RateLimits(new RateLimiter(), RateLimiter.Limit.NONE),
                ingestor, metrics);
        app = EdgeApi.create(DialectsTest.dialects(support, new DcrRegistry(), MAX_RECORD),
                new HealthHandler(Optional::empty), Listeners.httpOnly("127.0.0.1", 0), metrics).start();
    }

    @AfterEach
    void stop() {
        app.stop();
    }

    @Test
    void random_batches_store_exactly_their_valid_lines_and_name_exactly_their_broken_ones() throws Exception {
        long seed = Long.getLong("ndjson.seed", System.nanoTime());
        System.out.println("LineDelimitedBodiesTest seed " + seed + " (replay: -Dndjson.seed=" + seed + ")");
        Random random = new Random(seed);
        for (int batch = 0; batch < 60; batch++) {
            List<Line> lines = batch(random);
            byte[] body = body(lines, random);
            String type = NDJSON_TYPES.get(random.nextInt(NDJSON_TYPES.size()));
            String as = "seed " + seed + ", batch " + batch + ", " + type;
            checkAxiom(lines, body, type, as);
            checkLoggly(lines, body, "seed " + seed + ", batch " + batch + ", Loggly bulk");
        }
    }

    @Test
    void a_line_truncated_at_any_byte_is_refused_alone() throws Exception {
        byte[] valid = json(event(7, new Random(7)));
        List<Line> around = List.of(new Line(json(event(1, new Random(1))), Kind.VALID));
        for (int cut = 1; cut < valid.length; cut++) {
            List<Line> lines = new ArrayList<>(around);
            lines.add(new Line(Arrays.copyOf(valid, cut), Kind.BROKEN));
            lines.add(new Line(json(event(2, new Random(2))), Kind.VALID));
            byte[] body = body(lines, null);
            checkAxiom(lines, body, "application/x-ndjson", "cut at byte " + cut);
            checkLoggly(lines, body, "Loggly bulk, cut at byte " + cut);
        }
    }

    private void checkAxiom(List<Line> lines, byte[] body, String type, String as) throws Exception {
        producer.clear();
        HttpResponse<String> r = post("/v1/datasets/web/ingest", body, "Bearer " + TOKEN, type);
        List<JsonNode> valid = new ArrayList<>();
        List<Integer> broken = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).kind() == Kind.VALID) {
                valid.add(tree(lines.get(i).bytes()));
            } else if (lines.get(i).kind() == Kind.BROKEN) {
                broken.add(i + 1);
            }
        }
        JsonNode answer = Json.mapper().readTree(r.body());
        if (valid.isEmpty()) {
            assertThat(r.statusCode()).as(as + ": " + r.body()).isEqualTo(400);
            assertThat(answer.get("message").asText()).as(as).startsWith(broken.isEmpty()
                    ? "the request holds no event to ingest"
                    : broken.size() + " of " + broken.size() + " event(s) refused; nothing was stored:");
            assertThat(lineNumbers(answer.get("message").asText())).as(as)
                    .isEqualTo(broken.subList(0, Math.min(20, broken.size())));
        } else {
            assertThat(r.statusCode()).as(as + ": " + r.body()).isEqualTo(200);
            assertThat(answer.get("ingested").asInt()).as(as).isEqualTo(valid.size());
            assertThat(answer.get("failed").asInt()).as(as).isEqualTo(broken.size());
            List<Integer> named = new ArrayList<>();
            answer.get("failures").forEach(f -> named.addAll(lineNumbers(f.get("error").asText())));
            assertThat(named).as(as + ": the lines the failures name").isEqualTo(broken);
        }
        assertThat(stored()).as(as + ": the events stored").isEqualTo(valid.isEmpty() ? List.of() : valid);
    }

    private void checkLoggly(List<Line> lines, byte[] body, String as) throws Exception {
        producer.clear();
        HttpResponse<String> r = post("/bulk/" + TOKEN, body, null, "text/plain");
        List<JsonNode> expected = new ArrayList<>();
        List<Integer> notUtf8 = new ArrayList<>();
        List<Integer> notUtf8Index = new ArrayList<>();
        int index = 0;
        for (int i = 0; i < lines.size(); i++) {
            Line line = lines.get(i);
            if (line.kind() == Kind.BLANK) {
                continue;
            }
            byte[] text = trim(line.bytes());
            if (line.kind() == Kind.VALID) {
                expected.add(tree(text));
            } else if (utf8(text) == null) {
                notUtf8.add(i + 1);
                notUtf8Index.add(index);
            } else {
                ObjectNode message = Json.mapper().createObjectNode();
                expected.add(message.put("message", utf8(text)));
            }
            index++;
        }
        JsonNode answer = Json.mapper().readTree(r.body());
        if (notUtf8.isEmpty() && !expected.isEmpty()) {
            assertThat(r.statusCode()).as(as + ": " + r.body()).isEqualTo(200);
            assertThat(stored()).as(as + ": the events stored").isEqualTo(expected);
            return;
        }
        assertThat(r.statusCode()).as(as + ": " + r.body()).isEqualTo(400);
        assertThat(stored()).as(as + ": nothing stored").isEmpty();
        List<Integer> lineNumbers = new ArrayList<>();
        List<Integer> indexes = new ArrayList<>();
        answer.get("failures").forEach(f -> {
            lineNumbers.add(f.get("line").asInt());
            indexes.add(f.get("index").asInt());
            assertThat(f.get("error").asText()).isEqualTo("event is not valid UTF-8 text");
        });
        assertThat(lineNumbers).as(as + ": the lines the failures name").isEqualTo(notUtf8);
        assertThat(indexes).as(as + ": the events the failures name").isEqualTo(notUtf8Index);
        assertThat(answer.get("message").asText()).as(as).startsWith(index == 0 ? "the request holds no event to ingest"
                : notUtf8.size() + " of " + index + " event(s) refused; nothing was stored");
    }

    private static List<Line> batch(Random random) {
        List<Line> lines = new ArrayList<>();
        int n = 1 + random.nextInt(random.nextBoolean() ? 10 : 300);
        int brokenShare = random.nextInt(4); // none, a few, a third, most
        for (int i = 0; i < n; i++) {
            int roll = random.nextInt(12);
            if (roll == 0) {
                lines.add(new Line(blank(random), Kind.BLANK));
            } else if (roll <= brokenShare * 3) {
                lines.add(new Line(broken(random, i), Kind.BROKEN));
            } else {
                byte[] valid = json(event(i, random));
                // JSON's white space around a value is no part of it
                lines.add(new Line(random.nextInt(8) == 0 ? concat(" \t".getBytes(UTF_8), valid, " ".getBytes(UTF_8))
                        : valid, Kind.VALID));
            }
        }
        return lines;
    }

    /** A line that is not one JSON object: truncated, not UTF-8, stray brackets, two values, another value. */
    private static byte[] broken(Random random, int i) {
        byte[] valid = json(event(i, random));
        return switch (random.nextInt(6)) {
            case 0 -> Arrays.copyOf(valid, 1 + random.nextInt(valid.length - 1));
            case 1 -> {
                // a byte that is never UTF-8, anywhere in the line: in a string it is invalid UTF-8, outside a stray
                byte[][] bad = {{(byte) 0xff}, {(byte) 0xc0, (byte) 0x80}, {(byte) 0xc3, 'x'},
                    {(byte) 0xed, (byte) 0xa0, (byte) 0x80}, {(byte) 0xf4, (byte) 0x90, (byte) 0x80, (byte) 0x80}};
                int at = 1 + random.nextInt(valid.length - 1);
                yield concat(Arrays.copyOf(valid, at), bad[random.nextInt(bad.length)],
                        Arrays.copyOfRange(valid, at, valid.length));
            }
            case 2 -> {
                String[] stray = {"}", "]", "{", "[", "}}", "{{", "[{"};
                String s = stray[random.nextInt(stray.length)];
                yield random.nextBoolean() ? concat(valid, s.getBytes(UTF_8)) : s.equals("{") || s.equals("{{")
                        ? s.getBytes(UTF_8) : concat(s.getBytes(UTF_8), valid);
            }
            case 3 -> concat(valid, " ".getBytes(UTF_8), valid);
            case 4 -> ("[" + new String(valid, UTF_8) + "]").getBytes(UTF_8);
            default -> new String[] {"42", "\"text\"", "null", "true", "[]", "x", "{\"a\":1,}", "{'a':1}"}
                    [random.nextInt(8)].getBytes(UTF_8);
        };
    }

    private static byte[] blank(Random random) {
        return new String[] {"", " ", "\t", "  \t "}[random.nextInt(4)].getBytes(UTF_8);
    }

    private static ObjectNode event(int i, Random random) {
        ObjectNode e = Json.mapper().createObjectNode();
        e.put("uid", "U" + i);
        e.put("n", random.nextInt());
        StringBuilder s = new StringBuilder();
        for (int k = random.nextInt(30); k > 0; k--) {
            int at = random.nextInt(ALPHABET.length());
            char c = ALPHABET.charAt(at);
            s.append(Character.isHighSurrogate(c) ? ALPHABET.substring(at, at + 2) : Character.isLowSurrogate(c) ? "" : c);
        }
        e.put("s", s.toString());
        if (random.nextBoolean()) {
            e.putObject("nested").putArray("a").add(1).add(new java.math.BigDecimal("2.50")).add(true).addNull();
        }
        return e;
    }

    /** The lines joined by {@code \n} or, at random, {@code \r\n}; the last line ends with neither at times. */
    private static byte[] body(List<Line> lines, Random random) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < lines.size(); i++) {
            out.writeBytes(lines.get(i).bytes());
            boolean last = i == lines.size() - 1;
            if (random == null || !last || random.nextBoolean()) {
                out.writeBytes(random != null && random.nextInt(3) == 0 ? new byte[] {'\r', '\n'} : new byte[] {'\n'});
            }
        }
        return out.toByteArray();
    }

    private HttpResponse<String> post(String path, byte[] body, String authorization, String type) throws Exception {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + path))
                .header("Content-Type", type);
        if (authorization != null) {
            r.header("Authorization", authorization);
        }
        return http.send(r.POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private List<JsonNode> stored() throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (ProducerRecord<byte[], byte[]> record : producer.history()) {
            RawBatch b = RawBatchCodec.read(record.headers(), record.value());
            List<byte[]> events = new ArrayList<>();
            RawBatch.forEachLine(b.payload(), (i, buf, off, len) -> events.add(Arrays.copyOfRange(buf, off, off + len)));
            for (byte[] e : events) {
                out.add(tree(e));
            }
        }
        return out;
    }

    /** The line numbers an answer's text names ({@code line 12: ...}). */
    private static List<Integer> lineNumbers(String text) {
        List<Integer> numbers = new ArrayList<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?:^| )line (\\d+): ").matcher(text);
        while (m.find()) {
            numbers.add(Integer.parseInt(m.group(1)));
        }
        return numbers;
    }

    private static JsonNode tree(byte[] json) throws Exception {
        return Json.mapper().readTree(json);
    }

    private static byte[] json(ObjectNode event) {
        return event.toString().getBytes(UTF_8);
    }

    private static byte[] trim(byte[] line) {
        int s = 0;
        int e = line.length;
        while (s < e && (line[s] == ' ' || line[s] == '\t')) {
            s++;
        }
        while (e > s && (line[e - 1] == ' ' || line[e - 1] == '\t')) {
            e--;
        }
        return Arrays.copyOfRange(line, s, e);
    }

    private static String utf8(byte[] text) {
        try {
            return UTF_8.newDecoder().decode(ByteBuffer.wrap(text)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
