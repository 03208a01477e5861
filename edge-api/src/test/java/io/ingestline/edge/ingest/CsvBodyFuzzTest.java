package io.ingestline.edge.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import io.ingestline.edge.ingest.FuzzBodies.Outcome;
import java.util.List;

/**
 * Fuzzes CSV bodies ({@link CsvBodyReader}), with the header line and with field names given: only the documented
 * client errors, rows over the limit refused alone, and every value stored as a string under a field name. Seeds:
 * {@code CsvBodyFuzzTestInputs}.
 */
class CsvBodyFuzzTest {
    private static final EventOptions OPTIONS = EventOptions.defaults(FuzzBodies.MAX_EVENT_BYTES);
    /** The reader's own read-ahead buffer. */
    private static final int MAX_BUFFER = 16 * 1024;

    @FuzzTest
    void a_csv_body_is_read_or_refused(byte[] body) {
        check(FuzzBodies.read(body, OPTIONS, MAX_BUFFER, (in, events) ->
                CsvBodyReader.read(in, events, null, ',', FuzzBodies.MAX_EVENT_BYTES)));
        check(FuzzBodies.read(body, OPTIONS, MAX_BUFFER, (in, events) ->
                CsvBodyReader.read(in, events, List.of("_time", "a", "b"), ';', FuzzBodies.MAX_EVENT_BYTES)));
    }

    private static void check(Outcome read) {
        if (read.refused() != null) {
            assertThat(read.refused().getMessage()).matches("(CSV .*|request body is larger than .*)");
            return;
        }
        for (JsonNode event : read.events()) {
            event.fields().forEachRemaining(f -> assertThat(f.getValue().isTextual()).as(f.getKey()).isTrue());
        }
    }
}
