package io.ingestline.bench;

import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * How the load generator sends a batch of {@link LogEvents} through each of the edge's dialects, and which dataset
 * the events land in. The datasets reached by name get a dataset rule and Azure's stream a data collection rule
 * ({@link #datasetRule()}, {@link #dcr()}), so every run goes through the validator with a rule.
 */
enum LoadDialect {
    /** NDJSON to {@code /v1/datasets/{d}/ingest}. */
    AXIOM("bench-axiom"),
    /** A JSON array to {@code /v1/{d}}, {@code x-api-key}. */
    BASELIME("bench-baselime"),
    /** A JSON array to a data collection rule's stream; lands in the rule's output table. */
    AZURE("BenchLogs_CL"),
    /** {@code {"logs":[...]}} to {@code /v1/drain}; lands in {@code INGEST_ASTRALOG_DATASET}. */
    ASTRALOG("bench-astralog"),
    /** One event a line to {@code /bulk/{token}/tag/bench/}; lands in {@code INGEST_LOGGLY_DATASET}. */
    LOGGLY("bench-loggly"),
    /**
     * OTLP/HTTP protobuf ({@link OtlpLogEvents}) to {@code /v1/logs}, {@code Authorization} and
     * {@code X-Ingest-Dataset}.
     */
    OTLP("bench-otlp");

    static final String DCR_ID = "dcr-0000000000000000000000000000bench";
    static final String STREAM = "Custom-BenchLogsRaw";

    /** The dataset the events land in. */
    final String dataset;

    LoadDialect(String dataset) {
        this.dataset = dataset;
    }

    static LoadDialect named(String name) {
        return valueOf(name.trim().toUpperCase(java.util.Locale.ROOT));
    }

    HttpRequest.Builder request(URI edge, String token) {
        return switch (this) {
            case AXIOM -> HttpRequest.newBuilder(edge.resolve("/v1/datasets/" + dataset + "/ingest"))
                    .header("Authorization", "Bearer " + token).header("Content-Type", "application/x-ndjson");
            case BASELIME -> HttpRequest.newBuilder(edge.resolve("/v1/" + dataset))
                    .header("x-api-key", token).header("Content-Type", "application/json");
            case AZURE -> HttpRequest.newBuilder(edge.resolve("/dataCollectionRules/" + DCR_ID + "/streams/" + STREAM
                    + "?api-version=2023-01-01")).header("Authorization", "Bearer " + token)
                    .header("Content-Type", "application/json");
            case ASTRALOG -> HttpRequest.newBuilder(edge.resolve("/v1/drain"))
                    .header("Authorization", token).header("Content-Type", "application/json");
            case LOGGLY -> HttpRequest.newBuilder(edge.resolve("/bulk/" + token + "/tag/bench/"))
                    .header("Content-Type", "text/plain");
            case OTLP -> HttpRequest.newBuilder(edge.resolve("/v1/logs")).header("Authorization", "Bearer " + token)
                    .header("Content-Type", "application/x-protobuf").header("X-Ingest-Dataset", dataset);
        };
    }

    /** The dialect's name in the benchmark's rows. */
    String label() {
        return switch (this) {
            case AZURE -> "Azure (DCR)";
            case ASTRALOG -> "AstraLog";
            case OTLP -> "OTLP protobuf";
            default -> name().charAt(0) + name().substring(1).toLowerCase(java.util.Locale.ROOT);
        };
    }

    /** One request's body of {@code count} events numbered from {@code firstSeq}. */
    byte[] body(String run, long firstSeq, int count) {
        if (this == OTLP) {
            return OtlpLogEvents.request(run, firstSeq, count, Instant.now());
        }
        StringBuilder b = new StringBuilder(count * 380 + 16);
        Instant now = Instant.now();
        boolean lines = this == AXIOM || this == LOGGLY;
        if (this == ASTRALOG) {
            b.append("{\"logs\":[");
        } else if (!lines) {
            b.append('[');
        }
        for (int i = 0; i < count; i++) {
            if (i > 0 && !lines) {
                b.append(',');
            }
            if (this == ASTRALOG) {
                LogEvents.appendAstraLog(b, run, firstSeq + i, now);
            } else {
                LogEvents.append(b, run, firstSeq + i, this == AZURE ? "Time" : "_time", now);
            }
            if (lines) {
                b.append('\n');
            }
        }
        if (this == ASTRALOG) {
            b.append("]}");
        } else if (!lines) {
            b.append(']');
        }
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The admin API's path of the dialect's rule. */
    String rulePath() {
        return this == AZURE ? "/admin/v1/dcrs/" + DCR_ID : "/admin/v1/datasets/" + dataset;
    }

    /** The dialect's rule: {@link #dcr()} for Azure's stream, {@link #otlpRule()}, else {@link #datasetRule()}. */
    String rule() {
        return switch (this) {
            case AZURE -> dcr();
            case OTLP -> otlpRule();
            default -> datasetRule();
        };
    }

    /**
     * The OTLP dataset's rule: its records' fields are under {@code attributes}, so the rule declares that object and
     * its transformation reads the same two values there as {@link #datasetRule()}'s.
     */
    static String otlpRule() {
        return """
                {"columns":[{"name":"attributes","type":"dynamic"},{"name":"severity_number","type":"int"}],
                 "transformKql":"source | extend slow = todouble(attributes.latency_ms) > 500.0, failed = toint(attributes.http.response.status_code) >= 500"}""";
    }

    /**
     * The dataset rule (admin API body) of the datasets reached by name: four declared, type-checked columns and a
     * transformation that adds two; the other fields pass through.
     */
    static String datasetRule() {
        return """
                {"columns":[{"name":"status","type":"int"},{"name":"latency_ms","type":"real"},
                  {"name":"bytes","type":"long"},{"name":"level","type":"string"}],
                 "transformKql":"source | extend slow = latency_ms > 500.0, failed = status >= 500"}""";
    }

    /**
     * The data collection rule of Azure's stream (Azure's JSON): all 18 fields declared, and a transformation that
     * takes {@code Time} as {@code TimeGenerated} and adds a column.
     */
    static String dcr() {
        String[][] columns = {{"Time", "datetime"}, {"run", "string"}, {"seq", "long"}, {"level", "string"},
            {"service", "string"}, {"region", "string"}, {"host", "string"}, {"trace_id", "string"},
            {"span_id", "string"}, {"method", "string"}, {"path", "string"}, {"status", "int"},
            {"latency_ms", "real"}, {"bytes", "long"}, {"user_id", "string"}, {"cache_hit", "boolean"},
            {"retry", "int"}, {"msg", "string"}};
        StringBuilder c = new StringBuilder();
        for (String[] col : columns) {
            c.append(c.length() == 0 ? "" : ",").append("{\"name\":\"").append(col[0]).append("\",\"type\":\"")
                    .append(col[1]).append("\"}");
        }
        return "{\"properties\":{\"streamDeclarations\":{\"" + STREAM + "\":{\"columns\":[" + c + "]}},"
                + "\"destinations\":{\"logAnalytics\":[{\"workspaceResourceId\":\"local\",\"name\":\"ws\"}]},"
                + "\"dataFlows\":[{\"streams\":[\"" + STREAM + "\"],\"destinations\":[\"ws\"],"
                + "\"transformKql\":\"source | extend TimeGenerated = Time, slow = latency_ms > 500.0 "
                + "| project-away Time\",\"outputStream\":\"Custom-" + AZURE.dataset + "\"}]}}";
    }
}
