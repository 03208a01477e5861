package io.ingestline.edge.ingest;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.InvalidProtocolBufferException;
import io.ingestline.model.Json;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.resource.v1.Resource;
import java.io.IOException;
import java.time.Instant;

/**
 * Reads an OTLP {@code ExportLogsServiceRequest}, in protobuf or in OTLP/JSON, into one event a log record
 * ({@link OtlpEvents}). A body that is not such a message is refused whole ({@link BadBodyException}); a record with
 * an invalid field is refused alone, and counted in the answer's {@code partial_success}.
 */
final class OtlpBodyReader {
    /** The resource attribute that names the service: its value routes the records (EventRouting). */
    private static final String SERVICE_NAME = "service.name";

    private OtlpBodyReader() {
    }

    static void read(byte[] body, boolean json, Instant received, EventWriter events) throws IOException {
        if (json) {
            readJson(body, received, events);
            return;
        }
        ExportLogsServiceRequest request;
        try {
            request = ExportLogsServiceRequest.parseFrom(body);
        } catch (InvalidProtocolBufferException e) {
            throw new BadBodyException("invalid OTLP protobuf body: " + e.getMessage());
        }
        for (ResourceLogs rl : request.getResourceLogsList()) {
            for (ScopeLogs sl : rl.getScopeLogsList()) {
                for (LogRecord r : sl.getLogRecordsList()) {
                    add(rl.getResource(), sl.getScope(), r, received, events);
                }
            }
        }
    }

    private static void readJson(byte[] body, Instant received, EventWriter events) throws IOException {
        JsonNode root;
        try {
            root = Json.mapper().readTree(body);
        } catch (IOException e) {
            // no reading can fail on bytes in memory: Jackson's refusals, a character its encoding detection refuses
            throw new BadBodyException("invalid JSON: "
                    + (e instanceof JacksonException j ? j.getOriginalMessage() : e.getMessage()));
        }
        if (root == null || !root.isObject()) {
            throw new BadBodyException("an OTLP/JSON body must be an ExportLogsServiceRequest object");
        }
        try {
            for (JsonNode rl : OtlpJson.array(root, "resourceLogs")) {
                OtlpJson.object(rl, "a resourceLogs element");
                Resource resource = OtlpJson.resource(OtlpJson.member(rl, "resource"));
                for (JsonNode sl : OtlpJson.array(rl, "scopeLogs")) {
                    OtlpJson.object(sl, "a scopeLogs element");
                    InstrumentationScope scope = OtlpJson.scope(OtlpJson.member(sl, "scope"));
                    for (JsonNode r : OtlpJson.array(sl, "logRecords")) {
                        LogRecord record;
                        try {
                            record = OtlpJson.record(r);
                        } catch (IllegalArgumentException e) {
                            events.fail(e.getMessage());
                            continue;
                        }
                        add(resource, scope, record, received, events);
                    }
                }
            }
        } catch (IllegalArgumentException e) {
            // outside a log record (a resource, a scope, the lists themselves): the message is not OTLP
            throw new BadBodyException("invalid OTLP/JSON body: " + e.getMessage());
        }
    }

    /** The resource's {@code service.name}, which may choose the dataset; null when it has none. */
    private static String serviceName(Resource resource) {
        for (var kv : resource.getAttributesList()) {
            if (kv.getKey().equals(SERVICE_NAME) && kv.getValue().hasStringValue()) {
                return kv.getValue().getStringValue();
            }
        }
        return null;
    }

    private static void add(Resource resource, InstrumentationScope scope, LogRecord record, Instant received,
            EventWriter events) throws IOException {
        try {
            events.event(OtlpEvents.event(resource, scope, record, received), serviceName(resource));
        } catch (IllegalArgumentException e) {
            events.fail(e.getMessage());
        }
    }
}
