package io.ingestline.query.lang;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Objects;

/**
 * What a query is matched against: the event's raw text ({@code logmsg}, searched by free text), its JSON object
 * (the {@code json.} fields; null when the event is not JSON) and its tags.
 */
public record Event(String logmsg, JsonNode json, List<String> tags) {
    public Event {
        Objects.requireNonNull(logmsg, "logmsg");
        tags = List.copyOf(tags);
    }
}
