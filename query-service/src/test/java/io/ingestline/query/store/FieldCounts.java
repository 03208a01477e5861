package io.ingestline.query.store;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What {@code fields} and {@code facet} should answer, computed here by walking the events read back with Jackson:
 * the object paths each event holds (objects walked, arrays not), and the text of a field's values (arrays' elements
 * three levels deep, as searches see them), each counted once per event.
 */
final class FieldCounts {
    private FieldCounts() {
    }

    static Map<String, Long> fields(List<StoredEvents.Row> rows) {
        Map<String, Long> counts = new TreeMap<>();
        for (StoredEvents.Row row : rows) {
            Set<String> paths = new HashSet<>();
            walk(row.event().json(), "json", 0, paths);
            paths.forEach(p -> counts.merge(p, 1L, Long::sum));
        }
        return counts;
    }

    private static void walk(JsonNode node, String path, int depth, Set<String> paths) {
        if (!node.isObject() || depth >= 16) {
            return;
        }
        node.fields().forEachRemaining(e -> {
            String p = path + "." + e.getKey();
            paths.add(p);
            walk(e.getValue(), p, depth + 1, paths);
        });
    }

    /** {@code keys} empty means the event's tags. */
    static Map<String, Long> facet(List<StoredEvents.Row> rows, List<String> keys) {
        Map<String, Long> counts = new TreeMap<>();
        for (StoredEvents.Row row : rows) {
            Set<String> texts = new HashSet<>();
            if (keys.isEmpty()) {
                texts.addAll(row.event().tags());
            } else {
                List<JsonNode> values = new ArrayList<>(List.of(row.event().json()));
                for (String key : keys) {
                    List<JsonNode> next = new ArrayList<>();
                    for (JsonNode v : flatten(values)) {
                        if (v.isObject() && v.has(key)) {
                            next.add(v.get(key));
                        }
                    }
                    values = next;
                }
                for (JsonNode v : flatten(values)) {
                    if (v.isTextual() || v.isNumber() || v.isBoolean()) {
                        texts.add(v.asText());
                    }
                }
            }
            texts.forEach(t -> counts.merge(t, 1L, Long::sum));
        }
        return counts;
    }

    /** Arrays replaced by their elements, three levels deep. */
    private static List<JsonNode> flatten(List<JsonNode> values) {
        List<JsonNode> out = values;
        for (int level = 0; level < 3; level++) {
            List<JsonNode> next = new ArrayList<>();
            for (JsonNode v : out) {
                if (v.isArray()) {
                    v.forEach(next::add);
                } else {
                    next.add(v);
                }
            }
            out = next;
        }
        return out;
    }

    static Map<String, Long> asMap(List<EventStore.Count> counts) {
        Map<String, Long> out = new TreeMap<>();
        counts.forEach(c -> out.put(c.term(), c.count()));
        return out;
    }
}
