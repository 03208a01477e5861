package io.ingestline.model.rules;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ingestline.model.DatasetName;
import io.ingestline.model.Json;
import io.ingestline.model.rules.DataCollectionRule.Column;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A dataset's own rule, for the events that reach it by name (the Axiom, Baselime, AstraLog and Loggly dialects):
 * typed columns that every event is checked against, and a default transformation in the same KQL as data
 * collection rules. Datasets are schemaless, so fields the rule does not declare pass through untouched; the declared
 * columns are checked, go through the transformation, and its output columns replace them. Stored in the
 * configuration topic under {@code dataset/<name>}, as the JSON {@link #toJson()} writes.
 *
 * @param name         the dataset
 * @param version      grows by one on every change made through the admin API; events it produced record it
 * @param columns      declared columns (may be empty): a present value must convert to its type
 * @param transformKql the transformation over the declared columns; {@code source} (the default) passes them through
 */
public record DatasetRule(String name, long version, List<Column> columns, String transformKql) {
    public DatasetRule {
        Objects.requireNonNull(name, "name");
        columns = List.copyOf(columns);
        transformKql = transformKql == null || transformKql.isBlank() ? "source" : transformKql;
        List<String> p = new ArrayList<>();
        DatasetName.problem(name).ifPresent(p::add);
        if (version < 0) {
            p.add("version must not be negative");
        }
        DataCollectionRule.columnProblems("dataset " + name, columns, p);
        if (!p.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", p));
        }
    }

    /** The declared columns in order, name to type. */
    public Map<String, String> columnTypes() {
        Map<String, String> out = new LinkedHashMap<>();
        columns.forEach(c -> out.put(c.name(), c.type()));
        return out;
    }

    public DatasetRule withVersion(long newVersion) {
        return new DatasetRule(name, newVersion, columns, transformKql);
    }

    /**
     * Reads {@code {"columns":[{"name","type"}], "transformKql": "...", "version": n}} (all optional).
     *
     * @throws IllegalArgumentException naming every problem found
     */
    public static DatasetRule parse(String name, JsonNode doc) {
        if (doc == null || !doc.isObject()) {
            throw new IllegalArgumentException("a dataset rule must be a JSON object");
        }
        JsonNode kql = doc.path("transformKql");
        if (!kql.isMissingNode() && !kql.isNull() && !kql.isTextual()) {
            throw new IllegalArgumentException("transformKql must be a string");
        }
        long version = doc.path("version").canConvertToLong() ? doc.path("version").longValue() : 0;
        return new DatasetRule(name, version, DataCollectionRule.readColumns(doc.path("columns")),
                kql.isTextual() ? kql.textValue() : null);
    }

    public static DatasetRule fromJson(String name, byte[] json) throws IOException {
        return parse(name, Json.mapper().readTree(json));
    }

    /** The stored form: {@code {"name","version","columns":[..],"transformKql"}}. */
    public byte[] toJson() {
        return tree().toString().getBytes(StandardCharsets.UTF_8);
    }

    public ObjectNode tree() {
        ObjectNode root = Json.mapper().createObjectNode();
        root.put("name", name);
        root.put("version", version);
        ArrayNode cols = root.putArray("columns");
        columns.forEach(c -> cols.addObject().put("name", c.name()).put("type", c.type()));
        root.put("transformKql", transformKql);
        return root;
    }
}
