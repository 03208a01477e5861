package io.ingestline.query.http;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ingestline.query.store.StoredEvent;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * Writes stored events in Loggly's shape: {@code {"tags":[...],"timestamp":ms,"logmsg":"<the stored text>",
 * "event":{"json":{...}},"logtypes":["json"],"id":"..."}}. {@code event.json} is the stored event as it is (its
 * {@code _time}, {@code _id} and fields), which is what {@code json.<field>} queries search; {@code tags} are its
 * {@code tags} array's strings; {@code id} is its {@code _id}, or, for an event stored without one, a UUID derived
 * from where it is stored (the same on every read).
 */
final class LogglyEvents {
    private static final ObjectMapper JSON = new ObjectMapper();

    private LogglyEvents() {
    }

    static void write(JsonGenerator g, StoredEvent e) throws IOException {
        JsonNode event = JSON.readTree(e.json());
        g.writeStartObject();
        g.writeArrayFieldStart("tags");
        for (JsonNode tag : event.path("tags")) {
            if (tag.isTextual()) {
                g.writeString(tag.asText());
            }
        }
        g.writeEndArray();
        g.writeNumberField("timestamp", Math.floorDiv(e.timeMicros(), 1000));
        g.writeStringField("logmsg", e.json());
        g.writeObjectFieldStart("event");
        g.writeFieldName("json");
        g.writeTree(event);
        g.writeEndObject();
        g.writeArrayFieldStart("logtypes");
        g.writeString("json");
        g.writeEndArray();
        JsonNode id = event.get("_id");
        g.writeStringField("id", id != null && id.isTextual() ? id.asText()
                : UUID.nameUUIDFromBytes((e.file() + "#" + e.line()).getBytes(StandardCharsets.UTF_8)).toString());
        g.writeEndObject();
    }
}
