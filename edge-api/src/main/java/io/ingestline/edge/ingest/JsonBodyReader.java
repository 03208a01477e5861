package io.ingestline.edge.ingest;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import io.ingestline.model.Json;
import java.io.IOException;

/**
 * Reads a JSON body, an array of objects or one object. An array element that is not an object is refused on its
 * own; a body that is not valid JSON (syntax, UTF-8, nesting deeper than {@value Json#MAX_NESTING_DEPTH}) is refused
 * whole, since a parser cannot resume after it.
 */
final class JsonBodyReader {
    private static final JsonFactory FACTORY = Json.mapper().getFactory();

    private JsonBodyReader() {
    }

    static void read(byte[] body, EventWriter events) throws IOException {
        try (JsonParser p = FACTORY.createParser(body)) {
            JsonToken first = p.nextToken();
            if (first == JsonToken.START_OBJECT) {
                events.object(p, body, 0, false);
            } else if (first == JsonToken.START_ARRAY) {
                for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
                    if (t == null) {
                        throw new BadBodyException("invalid JSON: the array is not closed");
                    }
                    if (t == JsonToken.START_OBJECT) {
                        events.object(p, body, 0, false);
                    } else {
                        p.skipChildren();
                        events.fail("event must be a JSON object, not " + describe(t));
                    }
                }
            } else if (first == null) {
                throw new BadBodyException("request body is empty");
            } else {
                throw new BadBodyException("request body must be a JSON array of objects or one JSON object");
            }
            if (p.nextToken() != null) {
                throw new BadBodyException("invalid JSON: unexpected content after the end of the body");
            }
        } catch (JsonProcessingException e) {
            throw BadBodyException.of(e);
        }
    }

    static String describe(JsonToken t) {
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
