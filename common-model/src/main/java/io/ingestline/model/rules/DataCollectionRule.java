package io.ingestline.model.rules;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ingestline.model.DatasetName;
import io.ingestline.model.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * An Azure-style data collection rule (DCR), as operators write it for Azure Monitor: input streams with their
 * columns ({@code streamDeclarations}) and data flows that take streams through a KQL transformation to an output
 * table ({@code dataFlows}). The edge uses it to answer the Logs Ingestion API (which streams exist, which datasets a
 * token must be allowed to write); the validator runs the transformations. Stored in the configuration topic under
 * {@code dcr/<immutableId>}, as the JSON that {@link #toJson()} writes.
 *
 * @param immutableId the id clients put in the URL ({@code /dataCollectionRules/{immutableId}/...})
 * @param version     grows by one on every change made through the admin API (0: never stored); every event a
 *                    rule produces records it
 * @param streams     declared input streams by name ({@code Custom-...}), each with its columns in order
 * @param dataFlows   where each stream's rows go
 * @param otherProperties the rest of the rule's {@code properties} as the operator gave them ({@code destinations},
 *                    {@code description}, ...): kept and answered back, not used
 */
public record DataCollectionRule(String immutableId, long version, Map<String, List<Column>> streams,
        List<DataFlow> dataFlows, ObjectNode otherProperties) {
    /** Column types a stream may declare. */
    public static final Set<String> TYPES = Set.of("string", "int", "long", "real", "boolean", "dynamic", "datetime");
    /** Column names Azure reserves. */
    public static final Set<String> RESERVED_COLUMNS =
            Set.of("_ResourceId", "id", "_SubscriptionId", "TenantId", "Type", "UniqueId", "Title");
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9-]{1,128}");
    private static final Pattern COLUMN = Pattern.compile("[A-Za-z][A-Za-z0-9_]{0,44}");
    private static final Pattern STREAM = Pattern.compile("(Custom|Microsoft)-[A-Za-z0-9_]{1,120}");

    /** One declared column. */
    public record Column(String name, String type) {
    }

    /**
     * One data flow.
     *
     * @param streams      input streams it takes
     * @param destinations destination names (kept as given)
     * @param transformKql the transformation; {@code source} passes rows through
     * @param outputStream the output table, {@code Custom-<Table>_CL} or {@code Microsoft-<Table>}
     */
    public record DataFlow(List<String> streams, List<String> destinations, String transformKql, String outputStream) {
        public DataFlow {
            streams = List.copyOf(streams);
            destinations = List.copyOf(destinations);
            transformKql = transformKql == null || transformKql.isBlank() ? "source" : transformKql;
        }

        /** The dataset this flow writes to: the output table's name without its {@code Custom-} or {@code Microsoft-} prefix. */
        public String outputDataset() {
            return tableOf(outputStream);
        }
    }

    public DataCollectionRule {
        Objects.requireNonNull(immutableId, "immutableId");
        Map<String, List<Column>> copy = new LinkedHashMap<>();
        streams.forEach((k, v) -> copy.put(k, List.copyOf(v)));
        streams = java.util.Collections.unmodifiableMap(copy);
        dataFlows = List.copyOf(dataFlows);
        otherProperties = otherProperties == null ? Json.mapper().createObjectNode() : otherProperties.deepCopy();
        if (version < 0) {
            throw new IllegalArgumentException("version must not be negative");
        }
        List<String> problems = problems(immutableId, streams, dataFlows);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
    }

    /** The data flows that take {@code stream}. */
    public List<DataFlow> flowsOf(String stream) {
        return dataFlows.stream().filter(f -> f.streams().contains(stream)).toList();
    }

    /** A declared stream's columns in order, name to type (empty when the stream is not declared). */
    public Map<String, String> columnTypes(String stream) {
        Map<String, String> out = new LinkedHashMap<>();
        streams.getOrDefault(stream, List.of()).forEach(c -> out.put(c.name(), c.type()));
        return out;
    }

    /** The datasets rows of {@code stream} end up in. */
    public List<String> outputDatasets(String stream) {
        return flowsOf(stream).stream().map(DataFlow::outputDataset).distinct().toList();
    }

    private static String tableOf(String outputStream) {
        int dash = outputStream.indexOf('-');
        return dash < 0 ? outputStream : outputStream.substring(dash + 1);
    }

    private static List<String> problems(String id, Map<String, List<Column>> streams, List<DataFlow> flows) {
        List<String> p = new ArrayList<>();
        if (!ID.matcher(id).matches()) {
            p.add("immutableId must be 1-128 letters, digits and '-'");
        }
        if (streams.isEmpty()) {
            p.add("streamDeclarations declares no stream");
        }
        streams.forEach((name, columns) -> {
            if (!STREAM.matcher(name).matches()) {
                p.add("stream " + name + ": the name must be Custom-<name> (letters, digits, '_')");
            }
            if (columns.isEmpty()) {
                p.add("stream " + name + " declares no column");
            }
            columnProblems("stream " + name, columns, p);
        });
        if (flows.isEmpty()) {
            p.add("dataFlows is empty");
        }
        for (int i = 0; i < flows.size(); i++) {
            DataFlow f = flows.get(i);
            if (f.streams().isEmpty()) {
                p.add("dataFlows[" + i + "] takes no stream");
            }
            for (String s : f.streams()) {
                if (!streams.containsKey(s)) {
                    p.add("dataFlows[" + i + "] takes undeclared stream " + s);
                }
            }
            if (f.outputStream() == null || !STREAM.matcher(f.outputStream()).matches()) {
                p.add("dataFlows[" + i + "]: outputStream must be Custom-<Table>_CL or Microsoft-<Table>");
            } else {
                int at = i;
                DatasetName.problem(f.outputDataset()).ifPresent(d -> p.add("dataFlows[" + at + "]: " + d));
            }
        }
        return p;
    }

    /**
     * Adds to {@code out} what is wrong with declared columns: names (a letter, then up to 44 letters, digits and
     * '_'; not reserved; not twice), types ({@link #TYPES}).
     */
    public static void columnProblems(String where, List<Column> columns, List<String> out) {
        Set<String> seen = new java.util.HashSet<>();
        for (Column c : columns) {
            if (c.name() == null || !COLUMN.matcher(c.name()).matches()) {
                out.add(where + ", column " + c.name()
                        + ": must start with a letter and hold up to 45 letters, digits and '_'");
            } else if (RESERVED_COLUMNS.contains(c.name())) {
                out.add(where + ", column " + c.name() + ": the name is reserved");
            } else if (!seen.add(c.name().toLowerCase(Locale.ROOT))) {
                out.add(where + ", column " + c.name() + ": declared twice");
            }
            if (c.type() == null || !TYPES.contains(c.type())) {
                out.add(where + ", column " + c.name() + ": type must be one of " + TYPES);
            }
        }
    }

    /** Reads {@code [{"name":..,"type":..}]} (types lower-cased); what is not text becomes null, for the checks. */
    public static List<Column> readColumns(JsonNode array) {
        List<Column> columns = new ArrayList<>();
        for (JsonNode c : array) {
            columns.add(new Column(c.path("name").isTextual() ? c.get("name").asText() : null,
                    c.path("type").isTextual() ? c.get("type").asText().toLowerCase(Locale.ROOT) : null));
        }
        return columns;
    }

    /** A copy: the record's own node is never handed out to be changed. */
    @Override
    public ObjectNode otherProperties() {
        return otherProperties.deepCopy();
    }

    /** The same rule at another version. */
    public DataCollectionRule withVersion(long newVersion) {
        return new DataCollectionRule(immutableId, newVersion, streams, dataFlows, otherProperties);
    }

    /**
     * Reads a DCR as Azure writes it ({@code {"properties":{"streamDeclarations":..,"dataFlows":..}}}, or the
     * properties alone; a top-level {@code version} is read when present). A data flow without {@code outputStream}
     * writes to its (single) input stream's table.
     *
     * @throws IllegalArgumentException naming every problem found
     */
    public static DataCollectionRule parse(String immutableId, JsonNode doc) {
        if (doc == null || !doc.isObject()) {
            throw new IllegalArgumentException("a data collection rule must be a JSON object");
        }
        JsonNode props = doc.has("properties") ? doc.get("properties") : doc;
        Map<String, List<Column>> streams = new LinkedHashMap<>();
        JsonNode decl = props.path("streamDeclarations");
        for (Iterator<Map.Entry<String, JsonNode>> it = decl.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            streams.put(e.getKey(), readColumns(e.getValue().path("columns")));
        }
        List<DataFlow> flows = new ArrayList<>();
        for (JsonNode f : props.path("dataFlows")) {
            List<String> in = texts(f.path("streams"));
            String out = f.path("outputStream").isTextual() ? f.get("outputStream").asText()
                    : in.size() == 1 && in.get(0).startsWith("Custom-") ? in.get(0) + "_CL" : null;
            flows.add(new DataFlow(in, texts(f.path("destinations")),
                    f.path("transformKql").isTextual() ? f.get("transformKql").asText() : null, out));
        }
        long version = doc.path("version").canConvertToLong() ? doc.path("version").longValue() : 0;
        ObjectNode other = props.isObject() ? ((ObjectNode) props).deepCopy() : Json.mapper().createObjectNode();
        other.remove(List.of("streamDeclarations", "dataFlows"));
        return new DataCollectionRule(immutableId, version, streams, flows, other);
    }

    public static DataCollectionRule fromJson(String immutableId, byte[] json) throws IOException {
        return parse(immutableId, Json.mapper().readTree(json));
    }

    /**
     * The stored form: {@code {"immutableId", "version", "properties": {"streamDeclarations", "dataFlows", and the
     * other properties as given}}}.
     */
    public byte[] toJson() {
        ObjectNode root = Json.mapper().createObjectNode();
        root.put("immutableId", immutableId);
        root.put("version", version);
        ObjectNode props = root.putObject("properties");
        props.setAll(otherProperties.deepCopy());
        ObjectNode decl = props.putObject("streamDeclarations");
        streams.forEach((name, columns) -> {
            ArrayNode cols = decl.putObject(name).putArray("columns");
            columns.forEach(c -> cols.addObject().put("name", c.name()).put("type", c.type()));
        });
        ArrayNode fl = props.putArray("dataFlows");
        for (DataFlow f : dataFlows) {
            ObjectNode n = fl.addObject();
            f.streams().forEach(n.putArray("streams")::add);
            f.destinations().forEach(n.putArray("destinations")::add);
            n.put("transformKql", f.transformKql());
            n.put("outputStream", f.outputStream());
        }
        return root.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }
}
