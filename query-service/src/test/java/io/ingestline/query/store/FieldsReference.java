package io.ingestline.query.store;

import com.fasterxml.jackson.databind.JsonNode;
import io.ingestline.query.lang.Field;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The fields and facets of events computed with Jackson, independently of DuckDB: the store's rules written out
 * (arrays stand for their elements three levels deep, as a query's field; a field has a value when it holds a
 * string, number or boolean).
 */
final class FieldsReference {
    private static final String ESCAPED = "()[]{}\":\\^~.*?";

    private FieldsReference() {
    }

    /** Each field's name and its keys, with how many events have a value there, by name. */
    static Map<String, Long> fields(List<JsonNode> events, Map<String, List<String>> keysByName) {
        Map<String, Long> counts = new LinkedHashMap<>();
        for (JsonNode event : events) {
            Set<String> names = new LinkedHashSet<>();
            walk(event, new ArrayList<>(), names, keysByName);
            names.forEach(name -> counts.merge(name, 1L, Long::sum));
        }
        return counts;
    }

    private static void walk(JsonNode object, List<String> path, Set<String> names,
                             Map<String, List<String>> keysByName) {
        if (path.size() == EventStore.MAX_FIELD_DEPTH) {
            return;
        }
        object.properties().forEach(entry -> {
            if (entry.getKey().isEmpty() || entry.getKey().indexOf('\0') >= 0) {
                return;
            }
            List<String> keys = new ArrayList<>(path);
            keys.add(entry.getKey());
            for (JsonNode value : elements(entry.getValue(), 3)) {
                if (value.isObject()) {
                    walk(value, keys, names, keysByName);
                } else if (value.isValueNode() && !value.isNull()) {
                    String name = name(keys);
                    names.add(name);
                    keysByName.put(name, List.copyOf(keys));
                }
            }
        });
    }

    /** The value, or an array's elements, arrays in arrays {@code depth} levels down. */
    private static List<JsonNode> elements(JsonNode value, int depth) {
        List<JsonNode> out = new ArrayList<>();
        if (value.isArray() && depth > 0) {
            value.forEach(element -> out.addAll(elements(element, depth - 1)));
        } else {
            out.add(value);
        }
        return out;
    }

    static String name(List<String> keys) {
        StringBuilder out = new StringBuilder("json");
        for (String key : keys) {
            out.append('.');
            for (int i = 0; i < key.length(); i++) {
                char c = key.charAt(i);
                int type = Character.getType(c);
                if (Character.isWhitespace(c) || ESCAPED.indexOf(c) >= 0 || type == Character.SPACE_SEPARATOR
                        || type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR) {
                    out.append('\\');
                }
                out.append(c);
            }
        }
        return out.toString();
    }

    /** Each value's text of the field, with how many events hold it. */
    static Map<String, Long> facet(List<JsonNode> events, Field field) {
        Map<String, Long> counts = new LinkedHashMap<>();
        for (JsonNode event : events) {
            Set<String> texts = new LinkedHashSet<>();
            for (JsonNode value : values(event, field)) {
                if (value.isTextual()) {
                    texts.add(value.textValue());
                } else if (value.isNumber() || value.isBoolean()) {
                    texts.add(value.toString());
                }
            }
            texts.forEach(text -> counts.merge(text, 1L, Long::sum));
        }
        return counts;
    }

    private static List<JsonNode> values(JsonNode event, Field field) {
        if (field.kind() == Field.Kind.TAG) {
            List<JsonNode> tags = new ArrayList<>();
            event.path("tags").forEach(tag -> {
                if (tag.isTextual()) {
                    tags.add(tag);
                }
            });
            return tags;
        }
        List<JsonNode> current = List.of(event);
        for (String key : field.path()) {
            List<JsonNode> next = new ArrayList<>();
            for (JsonNode node : current) {
                for (JsonNode element : elements(node, 3)) {
                    if (element.isObject() && element.has(key)) {
                        next.add(element.get(key));
                    }
                }
            }
            current = next;
        }
        List<JsonNode> values = new ArrayList<>();
        current.forEach(node -> values.addAll(elements(node, 3)));
        return values;
    }

    /** Most frequent first, then by text in code point order (DuckDB compares UTF-8 bytes). */
    static final Comparator<Map.Entry<String, Long>> ORDER = Comparator
            .<Map.Entry<String, Long>>comparingLong(Map.Entry::getValue).reversed()
            .thenComparing(Map.Entry::getKey, FieldsReference::compareCodePoints);

    private static int compareCodePoints(String a, String b) {
        return java.util.Arrays.compare(a.codePoints().toArray(), b.codePoints().toArray());
    }
}
