package io.ingestline.edge.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ingestline.edge.ingest.FuzzBodies.Outcome;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * Fuzzes Loggly's bodies of lines and of one event ({@link LinesBodyReader}, a small first buffer): only the
 * documented client errors, a bounded buffer, and Jackson's verdict on what is JSON: a line Jackson reads as one object
 * is stored as that object, any other line as its text in {@code message} (or refused if it is not UTF-8); a refusal
 * names its line, and a line over the limit is refused alone, the next lines read on. Seeds:
 * {@code LinesBodyFuzzTestInputs}.
 */
class LinesBodyFuzzTest {
    private static final EventOptions AS_WRITTEN = EventOptions.defaults(FuzzBodies.MAX_EVENT_BYTES);
    private static final int MAX_BUFFER = Math.max(FuzzBodies.FIRST_BUFFER, FuzzBodies.MAX_EVENT_BYTES + 2);

    @FuzzTest
    void a_lines_body_is_read_as_jackson_reads_it(byte[] body) {
        check(body, FuzzBodies.lines(body), false);
        boolean cr = body.length > 0 && body[body.length - 1] == '\r';
        check(body, List.of(cr ? Arrays.copyOf(body, body.length - 1) : body), true); // a \r ending it is dropped
    }

    private static void check(byte[] body, List<byte[]> lines, boolean wholeBody) {
        Outcome read = FuzzBodies.read(body, AS_WRITTEN, MAX_BUFFER, (in, events) ->
                LinesBodyReader.read(in, events, FuzzBodies.MAX_EVENT_BYTES, wholeBody, FuzzBodies.FIRST_BUFFER));
        if (read.refused() != null) {
            assertThat(read.refused()).isInstanceOf(BodyTooLargeException.class);
            return;
        }
        int index = 0;
        int stored = 0;
        for (int n = 0; n < lines.size(); n++) {
            byte[] line = lines.get(n);
            byte[] text = FuzzBodies.trim(line);
            if (text.length == 0 && line.length <= FuzzBodies.MAX_EVENT_BYTES) {
                continue;
            }
            String failure = read.failures().get(index);
            if (failure != null) {
                assertThat(read.lines().get(index)).as("the line a refusal names").isEqualTo(wholeBody ? 0 : n + 1);
            }
            index++;
            if (line.length > FuzzBodies.MAX_EVENT_BYTES) {
                assertThat(failure).as("a line over the limit").startsWith("event is over");
                continue;
            }
            JsonNode json = FuzzBodies.jacksonValue(text, 0, text.length);
            String utf8 = utf8(text);
            if (failure != null) {
                assertThat(FuzzBodies.isEventRefusal(failure) && json != null && json.isObject()
                        || FuzzBodies.isSizeRefusal(failure)
                        || failure.equals("event is not valid UTF-8 text") && utf8 == null).as(failure).isTrue();
                continue;
            }
            assertThat(stored).as("events stored").isLessThan(read.events().size());
            JsonNode event = read.events().get(stored++);
            if (json != null && json.isObject()) {
                FuzzBodies.assertSameEvent(event, FuzzBodies.jacksonObjectFirstWins(text));
            } else {
                ObjectNode message = FuzzBodies.JACKSON.createObjectNode().put(EventWriter.MESSAGE, utf8);
                assertThat(event).as("text event").isEqualTo(message);
            }
        }
        assertThat(read.events()).as("events stored").hasSize(stored);
    }

    private static String utf8(byte[] text) {
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(text)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
