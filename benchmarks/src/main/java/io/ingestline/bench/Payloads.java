package io.ingestline.bench;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.zip.GZIPOutputStream;

/**
 * Realistic log events of about 300 bytes and 15 fields: the shared {@code payloads.jsonl} of
 * {@code ../shared/bench/kafka-probe} when it is there (the same events the peer benchmark sends), else generated
 * the same way with a fixed seed.
 */
public final class Payloads {
    private static final String[] LEVELS = {"INFO", "INFO", "INFO", "WARN", "ERROR", "DEBUG"};
    private static final String[] SERVICES = {"auth-service", "checkout", "inventory", "search", "gateway", "billing"};
    private static final String[] METHODS = {"GET", "GET", "POST", "PUT", "DELETE"};
    private static final String[] MESSAGES = {"request completed", "upstream timeout, retrying", "cache miss",
        "user not found", "payment authorised", "rate limited"};

    private Payloads() {
    }

    /** The events file: {@code BENCH_PAYLOADS}, else the peer benchmark's shared file. */
    public static Path sharedFile() {
        return Path.of(System.getenv().getOrDefault("BENCH_PAYLOADS", "../shared/bench/kafka-probe/perf/payloads.jsonl"));
    }

    public static List<byte[]> load(Path shared, int count) {
        if (shared != null && Files.isRegularFile(shared)) {
            try {
                List<byte[]> out = new ArrayList<>();
                for (String line : Files.readAllLines(shared, StandardCharsets.UTF_8)) {
                    if (!line.isBlank()) {
                        out.add(line.getBytes(StandardCharsets.UTF_8));
                    }
                }
                return out;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return generate(count);
    }

    public static List<byte[]> generate(int count) {
        Random r = new Random(42);
        List<byte[]> out = new ArrayList<>(count);
        Instant base = Instant.parse("2026-11-23T12:00:00Z");
        for (int i = 0; i < count; i++) {
            String e = String.format("{\"ts\":\"%s\",\"level\":\"%s\",\"service\":\"%s\",\"host\":\"web-%02d\","
                    + "\"trace_id\":\"%016x%016x\",\"span_id\":\"%016x\",\"method\":\"%s\",\"path\":\"/api/v1/orders/%d\","
                    + "\"status\":%d,\"latency_ms\":%d,\"msg\":\"%s\",\"ua\":\"Mozilla/5.0 (X11; Linux x86_64)\"}",
                    base.plusMillis(r.nextInt(3_600_000)), LEVELS[r.nextInt(LEVELS.length)],
                    SERVICES[r.nextInt(SERVICES.length)], r.nextInt(20), r.nextLong(), r.nextLong(), r.nextLong(),
                    METHODS[r.nextInt(METHODS.length)], r.nextInt(100_000), r.nextBoolean() ? 200 : 404,
                    r.nextInt(500), MESSAGES[r.nextInt(MESSAGES.length)]);
            out.add(e.getBytes(StandardCharsets.UTF_8));
        }
        return out;
    }

    /** Request bodies of {@code perBody} events each, NDJSON, cycling through the events. */
    public static List<byte[]> ndjsonBodies(List<byte[]> events, int perBody, int bodies) {
        List<byte[]> out = new ArrayList<>(bodies);
        int next = 0;
        for (int b = 0; b < bodies; b++) {
            ByteArrayOutputStream body = new ByteArrayOutputStream(perBody * 320);
            for (int i = 0; i < perBody; i++) {
                body.writeBytes(events.get(next++ % events.size()));
                body.write('\n');
            }
            out.add(body.toByteArray());
        }
        return out;
    }

    public static byte[] gzip(byte[] data) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream(data.length / 4);
            try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
                gz.write(data);
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
