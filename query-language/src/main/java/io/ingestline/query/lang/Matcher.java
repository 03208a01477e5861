package io.ingestline.query.lang;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * The reference semantics of a query on one event, written for clarity, not speed: the SQL translations are tested
 * against it. The rules, in the module README: free text by words, fields by whole value, case-insensitive values,
 * any element of a JSON array, a missing or null field matches nothing but {@code NOT}.
 */
public final class Matcher {
    private Matcher() {
    }

    public static boolean matches(Query query, Event event) {
        if (query instanceof Query.And and) {
            return and.clauses().stream().allMatch(clause -> matches(clause, event));
        }
        if (query instanceof Query.Or or) {
            return or.clauses().stream().anyMatch(clause -> matches(clause, event));
        }
        if (query instanceof Query.Not not) {
            return !matches(not.clause(), event);
        }
        if (query instanceof Query.Text text) {
            return Words.containsSequence(Words.of(event.logmsg()), Words.patterns(text.term()));
        }
        if (query instanceof Query.FieldMatch match) {
            return values(match.field(), event).stream().anyMatch(value -> Values.equal(value, match.term()));
        }
        if (query instanceof Query.Exists exists) {
            return !values(exists.field(), event).isEmpty();
        }
        if (query instanceof Query.Range range) {
            return values(range.field(), event).stream().anyMatch(value -> Values.inRange(value, range));
        }
        return query instanceof Query.MatchAll;
    }

    /**
     * The field's values in the event: the tags as strings, or what the JSON path reaches, where an array on the way
     * or at the end stands for each of its elements (nested arrays too). JSON nulls are left out.
     */
    static List<JsonNode> values(Field field, Event event) {
        if (field.kind() == Field.Kind.TAG) {
            return event.tags().stream().<JsonNode>map(TextNode::valueOf).toList();
        }
        List<JsonNode> nodes = event.json() == null ? List.of() : List.of(event.json());
        for (String key : field.path()) {
            List<JsonNode> next = new ArrayList<>();
            for (JsonNode node : elements(nodes)) {
                JsonNode child = node.isObject() ? node.get(key) : null;
                if (child != null) {
                    next.add(child);
                }
            }
            nodes = next;
        }
        return elements(nodes).stream().filter(node -> !node.isNull()).toList();
    }

    /** The nodes with every array replaced by its elements, at any depth, in document order. */
    private static List<JsonNode> elements(List<JsonNode> nodes) {
        List<JsonNode> out = new ArrayList<>();
        Deque<JsonNode> todo = new ArrayDeque<>();
        for (int i = nodes.size() - 1; i >= 0; i--) {
            todo.push(nodes.get(i));
        }
        while (!todo.isEmpty()) {
            JsonNode node = todo.pop();
            if (node.isArray()) {
                for (int i = node.size() - 1; i >= 0; i--) {
                    todo.push(node.get(i));
                }
            } else {
                out.add(node);
            }
        }
        return out;
    }
}
