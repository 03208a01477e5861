package io.ingestline.edge.ingest;

import static io.ingestline.edge.ingest.FuzzBodies.assertSameEvent;
import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.ingestline.edge.ingest.FuzzBodies.Outcome;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Fuzzes JSON bodies ({@link JsonBodyReader}: an array of objects or one object; also the array-only and
 * {@code {"logs":[...]}} shapes) with {@link JsonScanner} taking events as written where it can: only the documented
 * client errors, and the same verdict as Jackson. A body Jackson refuses is refused whole; in a body Jackson reads,
 * every object is stored as Jackson reads it (or refused alone for its time or size) and every other element is
 * refused alone. Seeds: {@code JsonBodyFuzzTestInputs}.
 */
class JsonBodyFuzzTest {
    private static final EventOptions AS_WRITTEN = EventOptions.defaults(FuzzBodies.MAX_EVENT_BYTES);
    /** Options that make every event be rewritten (a label), through Jackson's parser. */
    private static final EventOptions REWRITTEN = new EventOptions("ts", null,
            Map.of("env", TextNode.valueOf("fuzz")), FuzzBodies.MAX_EVENT_BYTES);

    @FuzzTest
    void a_json_body_is_read_as_jackson_reads_it(byte[] body) throws IOException {
        Outcome read = FuzzBodies.read(body, AS_WRITTEN, 0, (in, events) -> JsonBodyReader.read(body, events));
        List<JsonNode> elements = jacksonElements(body);
        if (elements == null) {
            assertThat(read.refused()).as("a body Jackson refuses is refused: %s", FuzzBodies.show(body))
                    .isInstanceOf(BadBodyException.class);
        } else if (read.refused() == null) {
            int stored = 0;
            for (int i = 0; i < elements.size(); i++) {
                JsonNode element = elements.get(i);
                String failure = read.failures().get(i);
                if (!element.isObject()) {
                    assertThat(failure).as("element " + i + " is no object").startsWith("event must be a JSON object");
                } else if (failure != null) {
                    assertThat(FuzzBodies.isEventRefusal(failure)).as(failure).isTrue();
                } else {
                    assertThat(stored).as("events stored").isLessThan(read.events().size());
                    assertSameEvent(read.events().get(stored++), element);
                }
            }
            assertThat(read.events()).hasSize(stored);
        } else {
            assertThat(read.refused().getMessage()).as("a body Jackson reads is refused only for its shape: %s",
                    FuzzBodies.show(body)).matches("request body (must be|is empty).*");
        }
        FuzzBodies.read(body, REWRITTEN, 0, (in, events) -> JsonBodyReader.read(body, events));
        FuzzBodies.read(body, AS_WRITTEN, 0, (in, events) -> JsonBodyReader.readArray(body, events));
        FuzzBodies.read(body, AS_WRITTEN, 0, (in, events) -> JsonBodyReader.readMember(body, "logs", events));
    }

    /**
     * The body's events as Jackson reads them: an array's elements, or the one value; null where Jackson refuses the
     * body (an enclosing array is not counted in the nesting limit, which applies to each event).
     */
    private static List<JsonNode> jacksonElements(byte[] body) throws IOException {
        Map.Entry<String, Boolean> text = FuzzBodies.utf8Prefix(body, 0, body.length);
        if (text.getValue()) {
            return null;
        }
        try (JsonParser p = FuzzBodies.parser(text.getKey(), 1)) {
            JsonToken first = p.nextToken();
            List<JsonNode> elements = new ArrayList<>();
            if (first == JsonToken.START_ARRAY) {
                for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
                    elements.add(FuzzBodies.value(p));
                }
            } else if (first == JsonToken.START_OBJECT) {
                try (JsonParser one = FuzzBodies.parser(text.getKey(), 0)) {
                    one.nextToken();
                    elements.add(FuzzBodies.value(one));
                    return one.nextToken() == null ? elements : null;
                }
            } else if (first != null) {
                elements.add(FuzzBodies.TREE.readTree(p));
            }
            return p.nextToken() == null ? elements : null;
        } catch (JacksonException | NumberFormatException refused) {
            return null;
        }
    }
}
