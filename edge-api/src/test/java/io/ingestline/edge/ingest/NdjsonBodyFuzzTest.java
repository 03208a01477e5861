package io.ingestline.edge.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import io.ingestline.edge.ingest.FuzzBodies.Outcome;
import java.util.List;

/**
 * Fuzzes NDJSON bodies ({@link NdjsonBodyReader}, a small first buffer so that its growth and limit are reached):
 * only the documented client errors, a buffer of one line at the limit, and the format's rule with Jackson's verdict on
 * each line: the body is split at line ends, a blank line is skipped, a line Jackson reads as exactly one object is
 * stored as that object (or refused alone for its time or size), and every other line is refused alone, named by its
 * line number; no line changes what becomes of another. Seeds: {@code NdjsonBodyFuzzTestInputs}.
 */
class NdjsonBodyFuzzTest {
    private static final EventOptions AS_WRITTEN = EventOptions.defaults(FuzzBodies.MAX_EVENT_BYTES);
    private static final int MAX_BUFFER = Math.max(FuzzBodies.FIRST_BUFFER, FuzzBodies.MAX_EVENT_BYTES + 2);

    @FuzzTest
    void an_ndjson_body_is_read_one_value_a_line(byte[] body) {
        Outcome read = FuzzBodies.read(body, AS_WRITTEN, MAX_BUFFER, (in, events) ->
                NdjsonBodyReader.read(in, events, FuzzBodies.MAX_EVENT_BYTES, FuzzBodies.FIRST_BUFFER));
        if (read.refused() != null) {
            assertThat(read.refused()).as("only a body over its limit is refused whole")
                    .isInstanceOf(BodyTooLargeException.class);
            return;
        }
        List<byte[]> lines = FuzzBodies.lines(body);
        int index = 0;
        int stored = 0;
        for (int n = 0; n < lines.size(); n++) {
            byte[] line = lines.get(n);
            byte[] text = FuzzBodies.trim(line);
            boolean overLimit = line.length > FuzzBodies.MAX_EVENT_BYTES;
            if (text.length == 0 && !overLimit) {
                continue;
            }
            String failure = read.failures().get(index);
            String where = "line " + (n + 1) + " of " + FuzzBodies.show(body);
            if (failure != null) {
                assertThat(read.lines().get(index)).as("the line a refusal names, " + where).isEqualTo(n + 1);
            }
            index++;
            JsonNode json = overLimit ? null : FuzzBodies.jacksonValue(text, 0, text.length);
            if (overLimit) {
                assertThat(failure).as(where).startsWith("event is over");
            } else if (json == null) {
                assertThat(failure).as(where).startsWith("invalid JSON");
            } else if (!json.isObject()) {
                assertThat(failure).as(where).startsWith("event must be a JSON object");
            } else if (failure != null) {
                assertThat(FuzzBodies.isEventRefusal(failure)).as(failure + ", " + where).isTrue();
            } else {
                assertThat(stored).as("events stored, " + where).isLessThan(read.events().size());
                FuzzBodies.assertSameEvent(read.events().get(stored++), FuzzBodies.jacksonObjectFirstWins(text));
            }
        }
        assertThat(read.failures().keySet()).as("no refusal but of a line").allMatch(i -> i < lines.size());
        assertThat(read.events()).as("events stored").hasSize(stored);
        assertThat(stored + read.failures().size()).as("every line is an event or a refusal").isEqualTo(index);
    }
}
