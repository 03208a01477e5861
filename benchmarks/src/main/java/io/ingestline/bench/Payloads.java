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

    /**
     * One OTLP {@code ExportLogsServiceRequest} (protobuf) of {@code perBody} log records made from the events: each
     * event's top-level fields become the record's attributes (strings, numbers, booleans; anything else its JSON
     * text), its {@code message} (or {@code msg}) the body, with a time, a severity and a resource {@code service.name}.
     */
    public static byte[] otlpBody(List<byte[]> events, int perBody) {
        var scope = io.opentelemetry.proto.logs.v1.ScopeLogs.newBuilder()
                .setScope(io.opentelemetry.proto.common.v1.InstrumentationScope.newBuilder().setName("bench"));
        long now = System.currentTimeMillis() * 1_000_000L;
        try {
            for (int i = 0; i < perBody; i++) {
                com.fasterxml.jackson.databind.JsonNode event = io.ingestline.model.Json.mapper()
                        .readTree(events.get(i % events.size()));
                var record = io.opentelemetry.proto.logs.v1.LogRecord.newBuilder().setTimeUnixNano(now + i)
                        .setSeverityNumber(io.opentelemetry.proto.logs.v1.SeverityNumber.SEVERITY_NUMBER_INFO)
                        .setSeverityText("INFO");
                var fields = event.fields();
                while (fields.hasNext()) {
                    var f = fields.next();
                    var value = io.opentelemetry.proto.common.v1.AnyValue.newBuilder();
                    com.fasterxml.jackson.databind.JsonNode v = f.getValue();
                    if (v.isTextual()) {
                        value.setStringValue(v.asText());
                    } else if (v.isIntegralNumber()) {
                        value.setIntValue(v.asLong());
                    } else if (v.isNumber()) {
                        value.setDoubleValue(v.asDouble());
                    } else if (v.isBoolean()) {
                        value.setBoolValue(v.asBoolean());
                    } else {
                        value.setStringValue(v.toString());
                    }
                    if (f.getKey().equals("message") || f.getKey().equals("msg")) {
                        record.setBody(value);
                    } else {
                        record.addAttributes(io.opentelemetry.proto.common.v1.KeyValue.newBuilder()
                                .setKey(f.getKey()).setValue(value));
                    }
                }
                scope.addLogRecords(record);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest.newBuilder()
                .addResourceLogs(io.opentelemetry.proto.logs.v1.ResourceLogs.newBuilder()
                        .setResource(io.opentelemetry.proto.resource.v1.Resource.newBuilder()
                                .addAttributes(io.opentelemetry.proto.common.v1.KeyValue.newBuilder()
                                        .setKey("service.name").setValue(io.opentelemetry.proto.common.v1.AnyValue
                                                .newBuilder().setStringValue("bench"))))
                        .addScopeLogs(scope))
                .build().toByteArray();
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
