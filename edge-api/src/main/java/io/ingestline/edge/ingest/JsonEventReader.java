package io.ingestline.edge.ingest;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import io.ingestline.model.Json;
import io.ingestline.model.RawBatchBuilder;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a JSON body, a JSON array of objects or one object, into compact one-line events. An element that is not an
 * object, or an event over the record limit, is refused on its own; a body that is not JSON is refused whole.
 */
public final class JsonEventReader {
    private static final JsonFactory FACTORY = Json.mapper().getFactory();

    private JsonEventReader() {
    }

    /** @throws BadBodyException when the body is not a JSON array or object, or is malformed anywhere */
    public static ParsedEvents read(byte[] body, RawBatchBuilder builder) {
        List<EventFailure> failures = new ArrayList<>();
        ByteArrayOutputStream event = new ByteArrayOutputStream(1024);
        try (JsonParser p = FACTORY.createParser(body)) {
            JsonToken first = p.nextToken();
            if (first == JsonToken.START_OBJECT) {
                copyEvent(p, 0, event, builder, failures);
            } else if (first == JsonToken.START_ARRAY) {
                int index = 0;
                for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken(), index++) {
                    if (t == null) {
                        throw new BadBodyException("invalid JSON: the array is not closed");
                    }
                    if (t == JsonToken.START_OBJECT) {
                        copyEvent(p, index, event, builder, failures);
                    } else {
                        p.skipChildren();
                        failures.add(new EventFailure(index, "event must be a JSON object, not " + describe(t)));
                    }
                }
            } else {
                throw new BadBodyException("request body must be a JSON array of objects or one JSON object");
            }
            if (p.nextToken() != null) {
                throw new BadBodyException("invalid JSON: unexpected content after the end of the body");
            }
        } catch (JsonProcessingException e) {
            throw new BadBodyException("invalid JSON at line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr() + ": " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new ParsedEvents(builder, failures);
    }

    private static void copyEvent(JsonParser p, int index, ByteArrayOutputStream event, RawBatchBuilder builder,
            List<EventFailure> failures) throws IOException {
        event.reset();
        try (JsonGenerator g = FACTORY.createGenerator(event)) {
            g.copyCurrentStructureExact(p); // keeps numbers as written: 2.50 stays 2.50
        }
        byte[] bytes = event.toByteArray();
        if (builder.fits(bytes.length)) {
            builder.add(bytes, 0, bytes.length);
        } else {
            failures.add(new EventFailure(index, "event of " + bytes.length + " bytes is over the per-event limit"));
        }
    }

    private static String describe(JsonToken t) {
        return switch (t) {
            case START_ARRAY -> "an array";
            case VALUE_STRING -> "a string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            case VALUE_NULL -> "null";
            default -> t.name();
        };
    }
}
