package io.ingestline.bench;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.logs.v1.SeverityNumber;
import io.opentelemetry.proto.resource.v1.Resource;
import java.time.Instant;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Realistic application logs as an OpenTelemetry SDK exports them: an {@code ExportLogsServiceRequest} in protobuf
 * (the official generated classes), one resource ({@code service.name}, {@code cloud.region}, {@code host.name}) and
 * scope a request, each record with a time up to 2 s before now, a severity, a body, a 16-byte trace id, an 8-byte
 * span id, and attributes under OpenTelemetry's semantic-convention names ({@code http.request.method},
 * {@code http.response.status_code}, ...). The first two attributes are {@code run} and {@code seq}, so the stored
 * event reads {@code "attributes":{"run":"...","seq":n,...}}: the text {@link StoredWatcher} looks for.
 */
final class OtlpLogEvents {
    private static final SeverityNumber[] SEVERITIES = {SeverityNumber.SEVERITY_NUMBER_INFO,
        SeverityNumber.SEVERITY_NUMBER_INFO, SeverityNumber.SEVERITY_NUMBER_INFO, SeverityNumber.SEVERITY_NUMBER_INFO,
        SeverityNumber.SEVERITY_NUMBER_WARN, SeverityNumber.SEVERITY_NUMBER_ERROR, SeverityNumber.SEVERITY_NUMBER_DEBUG};
    private static final String[] SERVICES = {"checkout", "payments", "search", "inventory", "gateway", "auth"};
    private static final String[] REGIONS = {"eu-west-1", "us-east-1", "ap-south-1"};
    private static final String[] METHODS = {"GET", "GET", "GET", "POST", "PUT", "DELETE"};
    private static final String[] PATHS = {"/api/v2/orders", "/api/v2/cart", "/api/v2/search", "/healthz",
        "/api/v2/users/me", "/api/v2/payments/intent"};
    private static final String[] MESSAGES = {"request completed", "upstream responded slowly", "cache miss",
        "retrying after timeout", "validation failed for field email", "payment authorised"};
    private static final InstrumentationScope SCOPE = InstrumentationScope.newBuilder().setName("com.example.bench")
            .setVersion("1.0").build();

    /** Records made in advance, all but time, run and seq, so that making requests costs the generator little CPU. */
    private static final int POOL = 1 << 12;
    private static final LogRecord[] RECORDS = new LogRecord[POOL];
    private static final Resource[] RESOURCES = new Resource[256];

    static {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        for (int i = 0; i < POOL; i++) {
            int status = r.nextInt(100) < 92 ? 200 : r.nextBoolean() ? 404 : 503;
            byte[] traceId = new byte[16];
            byte[] spanId = new byte[8];
            r.nextBytes(traceId);
            r.nextBytes(spanId);
            SeverityNumber severity = SEVERITIES[r.nextInt(SEVERITIES.length)];
            RECORDS[i] = LogRecord.newBuilder().setSeverityNumber(severity)
                    .setSeverityText(severity.name().substring("SEVERITY_NUMBER_".length()))
                    .setBody(text(MESSAGES[r.nextInt(MESSAGES.length)]))
                    .addAttributes(attribute("run", text("")))
                    .addAttributes(attribute("seq", AnyValue.newBuilder().setIntValue(0).build()))
                    .addAttributes(attribute("http.request.method", text(METHODS[r.nextInt(METHODS.length)])))
                    .addAttributes(attribute("url.path", text(PATHS[r.nextInt(PATHS.length)])))
                    .addAttributes(attribute("http.response.status_code",
                            AnyValue.newBuilder().setIntValue(status).build()))
                    .addAttributes(attribute("http.response.body.size",
                            AnyValue.newBuilder().setIntValue(r.nextInt(200_000)).build()))
                    .addAttributes(attribute("latency_ms",
                            AnyValue.newBuilder().setDoubleValue(r.nextInt(90_000) / 100.0).build()))
                    .addAttributes(attribute("user.id", text("u" + r.nextInt(1_000_000))))
                    .addAttributes(attribute("cache_hit", AnyValue.newBuilder().setBoolValue(r.nextBoolean()).build()))
                    .addAttributes(attribute("retry", AnyValue.newBuilder().setIntValue(r.nextInt(4)).build()))
                    .setTraceId(ByteString.copyFrom(traceId)).setSpanId(ByteString.copyFrom(spanId)).setFlags(1)
                    .build();
        }
        for (int i = 0; i < RESOURCES.length; i++) {
            RESOURCES[i] = Resource.newBuilder()
                    .addAttributes(attribute("service.name", text(SERVICES[r.nextInt(SERVICES.length)])))
                    .addAttributes(attribute("cloud.region", text(REGIONS[r.nextInt(REGIONS.length)])))
                    .addAttributes(attribute("host.name", text("ip-10-0-" + r.nextInt(16) + "-" + r.nextInt(256))))
                    .build();
        }
    }

    private OtlpLogEvents() {
    }

    /** One request of {@code count} records numbered from {@code firstSeq}, in protobuf. */
    static byte[] request(String run, long firstSeq, int count, Instant now) {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        long nowNanos = now.getEpochSecond() * 1_000_000_000L + now.getNano();
        KeyValue runAttribute = attribute("run", text(run));
        ScopeLogs.Builder scope = ScopeLogs.newBuilder().setScope(SCOPE);
        for (int i = 0; i < count; i++) {
            scope.addLogRecords(RECORDS[r.nextInt(POOL)].toBuilder()
                    .setTimeUnixNano(nowNanos - r.nextInt(2000) * 1_000_000L)
                    .setAttributes(0, runAttribute)
                    .setAttributes(1, attribute("seq", AnyValue.newBuilder().setIntValue(firstSeq + i).build())));
        }
        return ExportLogsServiceRequest.newBuilder().addResourceLogs(ResourceLogs.newBuilder()
                .setResource(RESOURCES[r.nextInt(RESOURCES.length)]).addScopeLogs(scope)).build().toByteArray();
    }

    private static AnyValue text(String s) {
        return AnyValue.newBuilder().setStringValue(s).build();
    }

    private static KeyValue attribute(String key, AnyValue value) {
        return KeyValue.newBuilder().setKey(key).setValue(value).build();
    }
}
