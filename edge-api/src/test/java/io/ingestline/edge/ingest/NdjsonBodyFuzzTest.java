package io.ingestline.edge.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import io.ingestline.edge.ingest.FuzzBodies.Outcome;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Fuzzes NDJSON bodies ({@link NdjsonBodyReader}, a small first buffer so that its growth and limit are reached):
 * only the documented client errors, a buffer of at most two events, and the same verdict as Jackson reading the body
 * as a sequence of values. Up to where Jackson stops, each object is stored as Jackson reads it (or refused alone
 * for its time or size) and each other value refused alone; where Jackson stops, the reader refuses that value; every
 * event stored after that is JSON Jackson reads. Seeds: {@code NdjsonBodyFuzzTestInputs}.
 */
class NdjsonBodyFuzzTest {
    private static final EventOptions AS_WRITTEN = EventOptions.defaults(FuzzBodies.MAX_EVENT_BYTES);

    @FuzzTest
    void an_ndjson_body_is_read_as_jackson_reads_it(byte[] body) throws IOException {
        Outcome read = FuzzBodies.read(body, AS_WRITTEN, FuzzBodies.MAX_BUFFER, (in, events) ->
                NdjsonBodyReader.read(in, events, FuzzBodies.MAX_EVENT_BYTES, FuzzBodies.FIRST_BUFFER));
        if (read.refused() != null) {
            assertThat(read.refused()).as("only a body over its limit is refused whole")
                    .isInstanceOf(BodyTooLargeException.class);
            return;
        }
        List<JsonNode> values = new ArrayList<>();
        boolean complete = jacksonValues(body, values);
        int stored = 0;
        for (int i = 0; i < values.size(); i++) {
            String failure = read.failures().get(i);
            if (failure != null && (failure.startsWith("event is over") || failure.startsWith("invalid JSON"))) {
                return; // the reader skips to the next line, Jackson reads on: they part here
            }
            JsonNode value = values.get(i);
            if (!value.isObject()) {
                assertThat(failure).as("value " + i + " is no object").startsWith("event must be a JSON object");
            } else if (failure != null) {
                assertThat(FuzzBodies.isEventRefusal(failure)).as(failure).isTrue();
            } else {
                assertThat(stored).as("events stored").isLessThan(read.events().size());
                FuzzBodies.assertSameEvent(read.events().get(stored++), value);
            }
        }
        if (complete) {
            assertThat(read.events()).as("events stored").hasSize(stored);
        } else {
            assertThat(read.failures()).as("the value Jackson refuses is refused").containsKey(values.size());
        }
    }

    /**
     * Reads the body's values as Jackson does, into {@code values}; false where Jackson refused the rest (a number
     * with an exponent beyond an int is one: Jackson's BigDecimal cannot hold it).
     */
    private static boolean jacksonValues(byte[] body, List<JsonNode> values) throws IOException {
        Map.Entry<String, Boolean> text = FuzzBodies.utf8Prefix(body, 0, body.length);
        try (JsonParser p = FuzzBodies.parser(text.getKey(), 0)) {
            while (p.nextToken() != null) {
                values.add(FuzzBodies.value(p));
            }
            return !text.getValue(); // Jackson stops where the bytes stop being UTF-8
        } catch (JacksonException | NumberFormatException refused) {
            return false;
        }
    }
}
