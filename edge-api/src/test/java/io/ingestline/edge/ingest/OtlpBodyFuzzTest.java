package io.ingestline.edge.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.protobuf.InvalidProtocolBufferException;
import io.ingestline.edge.ingest.FuzzBodies.Outcome;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import java.time.Instant;

/**
 * Fuzzes OTLP bodies ({@link OtlpBodyReader}), in protobuf and in OTLP/JSON: only the documented client errors. A
 * protobuf body the generated parser refuses is refused whole; one it reads gives one stored event or one refusal a
 * log record, each event with its {@code _time}. Seeds: {@code OtlpBodyFuzzTestInputs}.
 */
class OtlpBodyFuzzTest {
    private static final EventOptions OPTIONS = EventOptions.defaults(FuzzBodies.MAX_EVENT_BYTES);

    @FuzzTest
    void an_otlp_body_is_read_record_by_record_or_refused_whole(byte[] body) {
        Outcome read = FuzzBodies.read(body, OPTIONS, Integer.MAX_VALUE,
                (in, events) -> OtlpBodyReader.read(in.readAllBytes(), false, Instant.EPOCH, events));
        ExportLogsServiceRequest request;
        try {
            request = ExportLogsServiceRequest.parseFrom(body);
        } catch (InvalidProtocolBufferException e) {
            assertThat(read.refused()).as("a body protobuf refuses: %s", FuzzBodies.show(body))
                    .isInstanceOf(BadBodyException.class);
            request = null;
        }
        if (request != null) {
            assertThat(read.refused()).as("a body protobuf reads: %s", FuzzBodies.show(body)).isNull();
            int records = 0;
            for (ResourceLogs rl : request.getResourceLogsList()) {
                for (ScopeLogs sl : rl.getScopeLogsList()) {
                    records += sl.getLogRecordsCount();
                }
            }
            assertThat(read.events().size() + read.failures().size()).as("events and refusals").isEqualTo(records);
            assertThat(read.events()).allSatisfy(e -> assertThat(e.get(EventOptions.TIME).isTextual()).isTrue());
        }
        Outcome json = FuzzBodies.read(body, OPTIONS, Integer.MAX_VALUE,
                (in, events) -> OtlpBodyReader.read(in.readAllBytes(), true, Instant.EPOCH, events));
        assertThat(json.events()).allSatisfy(e -> assertThat(e.get(EventOptions.TIME).isTextual()).isTrue());
    }
}
