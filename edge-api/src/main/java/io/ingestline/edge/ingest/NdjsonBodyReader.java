package io.ingestline.edge.ingest;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import io.ingestline.model.Json;
import java.io.IOException;
import java.io.InputStream;

/**
 * Reads an NDJSON body line by line, each line on its own: a line that is not a JSON object, not valid UTF-8 or over
 * the event limit is refused alone and the others still land. A line is never held beyond the event limit.
 */
final class NdjsonBodyReader {
    private static final JsonFactory FACTORY = Json.mapper().getFactory();

    private NdjsonBodyReader() {
    }

    static void read(InputStream body, EventWriter events, int maxLineBytes) throws IOException {
        LineReader lines = new LineReader(body, maxLineBytes);
        for (LineReader.Line line = lines.next(); line != null; line = lines.next()) {
            if (line.tooLong()) {
                events.fail("event is over the limit of " + maxLineBytes + " bytes");
            } else if (!line.isBlank()) {
                event(line, events);
            }
        }
    }

    private static void event(LineReader.Line line, EventWriter events) throws IOException {
        int at = events.nextIndex();
        try (JsonParser p = FACTORY.createParser(line.buffer(), 0, line.length())) {
            JsonToken t = p.nextToken();
            if (t != JsonToken.START_OBJECT) {
                p.skipChildren();
                events.fail("event must be a JSON object, not " + JsonBodyReader.describe(t));
                return;
            }
            events.json(p, true);
        } catch (JsonProcessingException | BadBodyException e) {
            String message = e instanceof JsonProcessingException j ? BadBodyException.of(j).getMessage() : e.getMessage();
            if (events.nextIndex() == at) {
                events.fail(message);
            } else {
                events.failures().add(new EventFailure(at, message));
            }
        }
    }
}
