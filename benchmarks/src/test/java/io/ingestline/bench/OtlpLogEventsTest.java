package io.ingestline.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.logs.v1.LogRecord;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class OtlpLogEventsTest {
    @Test
    void a_request_holds_the_records_numbered_from_the_first_seq_with_run_and_seq_as_first_attributes()
            throws Exception {
        Instant now = Instant.parse("2026-12-05T10:00:00Z");
        ExportLogsServiceRequest request = ExportLogsServiceRequest.parseFrom(
                OtlpLogEvents.request("r1", 1000, 500, now));

        assertThat(request.getResourceLogsCount()).isOne();
        assertThat(request.getResourceLogs(0).getResource().getAttributes(0).getKey()).isEqualTo("service.name");
        List<LogRecord> records = request.getResourceLogs(0).getScopeLogs(0).getLogRecordsList();
        assertThat(records).hasSize(500);
        for (int i = 0; i < records.size(); i++) {
            LogRecord r = records.get(i);
            assertThat(r.getAttributes(0).getKey()).isEqualTo("run");
            assertThat(r.getAttributes(0).getValue().getStringValue()).isEqualTo("r1");
            assertThat(r.getAttributes(1).getKey()).isEqualTo("seq");
            assertThat(r.getAttributes(1).getValue().getIntValue()).isEqualTo(1000 + i);
            assertThat(r.getAttributesCount()).isEqualTo(10);
            assertThat(r.getTraceId().size()).isEqualTo(16);
            assertThat(r.getSpanId().size()).isEqualTo(8);
            long nanos = now.getEpochSecond() * 1_000_000_000L;
            assertThat(r.getTimeUnixNano()).isBetween(nanos - 2_000_000_000L, nanos);
        }
    }
}
