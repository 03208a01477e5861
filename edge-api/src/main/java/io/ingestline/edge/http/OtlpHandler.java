package io.ingestline.edge.http;

import com.google.protobuf.CodedOutputStream;
import io.ingestline.edge.ingest.BodyFormat;
import io.ingestline.edge.ingest.EventFailure;
import io.ingestline.edge.ingest.EventOptions;
import io.ingestline.edge.ingest.EventRouting;
import io.ingestline.edge.ingest.IngestOutcome;
import io.ingestline.edge.ingest.IngestRequest;
import io.ingestline.model.BatchContext;
import io.ingestline.model.BatchTarget;
import io.ingestline.model.DatasetName;
import io.ingestline.model.Dialect;
import io.ingestline.model.auth.ApiToken;
import io.ingestline.model.auth.TokenAuthenticator;
import io.javalin.http.Context;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsPartialSuccess;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * OpenTelemetry's OTLP/HTTP logs: {@code POST /v1/logs}, {@code Authorization: Bearer <token>}, an
 * {@code ExportLogsServiceRequest} in protobuf ({@code application/x-protobuf}) or OTLP/JSON
 * ({@code application/json}), gzip or not. Each log record becomes one event (see {@code OtlpEvents}) in the dataset
 * the {@code X-Ingest-Dataset} header names, else the one its resource's {@code service.name} maps to, else the
 * configured one. Answers 200 with an {@code ExportLogsServiceResponse} in the request's encoding, carrying
 * {@code partial_success} when some records were refused and the rest stored (400 when every one was); errors are a
 * {@code google.rpc.Status} in the request's encoding.
 */
public final class OtlpHandler {
    static final String DIALECT = Dialect.OTLP.wireName();
    static final String PATH = "/v1/logs";
    static final String PROTOBUF = "application/x-protobuf";
    static final String DATASET_HEADER = "X-Ingest-Dataset";
    /** Refused records named in {@code error_message}; the rest are counted. */
    private static final int MAX_LISTED = 20;

    /** A {@code google.rpc.Status}: its gRPC code, and the message. */
    static final ErrorShape SHAPE = (ctx, status, code, message) -> {
        if (protobuf(ctx)) {
            ctx.status(status).contentType(PROTOBUF).result(status(grpcCode(status), message));
        } else {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("code", grpcCode(status));
            body.put("message", message);
            Responses.json(ctx, status, body);
        }
    };

    private final IngestSupport support;
    private final String defaultDataset;
    private final Map<String, String> serviceDatasets;
    private final int maxEventBytes;

    /**
     * @param defaultDataset  the dataset of a request without {@code X-Ingest-Dataset}, for a service not mapped
     * @param serviceDatasets a resource's {@code service.name} to the dataset its records go to, when the request
     *                        has no {@code X-Ingest-Dataset}
     * @param maxRecordBytes  the node's record limit: an event must fit in a record
     */
    public OtlpHandler(IngestSupport support, String defaultDataset, Map<String, String> serviceDatasets,
            int maxRecordBytes) {
        this.support = support;
        this.defaultDataset = defaultDataset;
        this.serviceDatasets = Map.copyOf(serviceDatasets);
        this.maxEventBytes = maxRecordBytes - 1;
    }

    /**
     * Whether a request to Baselime's {@code /v1/{dataset}} routes is OTLP's: it is to {@code /v1/logs}, carries no
     * {@code x-api-key} (Baselime's only credential, which no OTLP exporter sends), and is protobuf or carries
     * {@code Authorization}. Anything else stays Baselime's, so Baselime's clients see no change.
     */
    static boolean claims(Context ctx) {
        if (!"logs".equals(ctx.pathParamMap().get("dataset")) || ctx.pathParamMap().size() != 1
                || ctx.header("x-api-key") != null) {
            return false;
        }
        return protobuf(ctx) || ctx.header("Authorization") != null;
    }

    public void ingest(Context ctx) {
        Instant received = Instant.now();
        IngestSupport.begin(ctx, DIALECT, SHAPE);
        ApiToken token = support.authenticate(TokenAuthenticator.bearer(ctx.header("Authorization")),
                "missing or invalid bearer token");
        String header = ctx.header(DATASET_HEADER);
        boolean named = header != null && !header.isBlank();
        String dataset = named ? header.trim() : defaultDataset;
        DatasetName.problem(dataset).ifPresent(p -> {
            throw new ApiException(400, p);
        });
        IngestSupport.authorise(token, dataset);
        BodyFormat format = format(ctx.header("Content-Type"));
        BatchContext context = new BatchContext(Dialect.OTLP, new BatchTarget.Dataset(dataset), token.id(),
                AxiomHandler.requestId(ctx), received);
        IngestRequest request = new IngestRequest(context, ctx.bodyInputStream(), ctx.contentLength(),
                ctx.header("Content-Encoding"), format, options(named, dataset, token), null, ',');
        support.ingest(ctx, token, request, outcome -> {
            if (outcome.storedNothing() && !outcome.failures().isEmpty()) {
                SHAPE.write(ctx, 400, ErrorShape.code(400), refusal(outcome));
            } else {
                success(ctx, outcome);
            }
        });
    }

    /** A request that names no dataset sends each resource's records by its {@code service.name}, when mapped. */
    private EventOptions options(boolean named, String dataset, ApiToken token) {
        EventRouting routing = named || serviceDatasets.isEmpty() ? null
                : new EventRouting("resource.service.name", serviceDatasets, dataset, token::mayIngest);
        return new EventOptions(null, null, Map.of(), maxEventBytes, List.of(), routing, List.of());
    }

    private static BodyFormat format(String contentType) {
        String mime = contentType == null ? "" : contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        return switch (mime) {
            case PROTOBUF -> BodyFormat.OTLP_PROTOBUF;
            case "application/json" -> BodyFormat.OTLP_JSON;
            default -> throw new ApiException(415, "unsupported Content-Type: " + contentType
                    + " (OTLP/HTTP takes application/x-protobuf or application/json)");
        };
    }

    /** 200 with an {@code ExportLogsServiceResponse}: {@code partial_success} set only when records were refused. */
    private static void success(Context ctx, IngestOutcome outcome) {
        int rejected = outcome.failures().size();
        String message = rejected == 0 ? "" : refusal(outcome);
        if (protobuf(ctx)) {
            ExportLogsServiceResponse.Builder r = ExportLogsServiceResponse.newBuilder();
            if (rejected > 0) {
                r.setPartialSuccess(ExportLogsPartialSuccess.newBuilder().setRejectedLogRecords(rejected)
                        .setErrorMessage(message));
            }
            ctx.status(200).contentType(PROTOBUF).result(r.build().toByteArray());
        } else {
            Map<String, Object> body = new LinkedHashMap<>();
            if (rejected > 0) {
                // OTLP/JSON writes 64-bit integers as strings
                body.put("partialSuccess", Map.of("rejectedLogRecords", Integer.toString(rejected),
                        "errorMessage", message));
            }
            Responses.json(ctx, 200, body);
        }
    }

    /** How many records were refused, and why for the first ones ({@code log record <index>}, from 0). */
    static String refusal(IngestOutcome outcome) {
        StringBuilder m = new StringBuilder().append(outcome.failures().size()).append(" of ")
                .append(outcome.events()).append(" log record(s) refused:");
        for (EventFailure f : outcome.failures().subList(0, Math.min(MAX_LISTED, outcome.failures().size()))) {
            m.append(' ').append(f.where("log record")).append(": ").append(f.error()).append(';');
        }
        return m.toString();
    }

    /** 404 or 405 on the OTLP listener, where a handler did not answer: a Status, as OTLP's other errors. */
    static void unrouted(Context ctx, int status) {
        if (ctx.attribute(ErrorShape.ATTRIBUTE) != null) {
            return;
        }
        ErrorShape.use(ctx, SHAPE);
        if (status == 405) {
            ctx.header("Allow", "POST");
        }
        SHAPE.write(ctx, status, ErrorShape.code(status), status == 405
                ? "method " + ctx.method() + " is not allowed on " + RequestPaths.redact(ctx.path()) + " (allowed: POST)"
                : "no such endpoint: " + ctx.method() + " " + RequestPaths.redact(ctx.path()) + " (OTLP/HTTP logs: "
                        + "POST " + PATH + ")");
    }

    private static boolean protobuf(Context ctx) {
        String type = ctx.header("Content-Type");
        return type != null && type.split(";", 2)[0].trim().toLowerCase(Locale.ROOT).equals(PROTOBUF);
    }

    /** The gRPC status code OTLP's {@code google.rpc.Status} carries for an HTTP status. */
    static int grpcCode(int status) {
        return switch (status) {
            case 400, 415 -> 3; // INVALID_ARGUMENT
            case 401 -> 16; // UNAUTHENTICATED
            case 403 -> 7; // PERMISSION_DENIED
            case 404 -> 5; // NOT_FOUND
            case 405 -> 12; // UNIMPLEMENTED
            case 408 -> 4; // DEADLINE_EXCEEDED
            case 413, 429 -> 8; // RESOURCE_EXHAUSTED
            case 503 -> 14; // UNAVAILABLE
            default -> 13; // INTERNAL
        };
    }

    /**
     * {@code google.rpc.Status} in protobuf, written by hand: opentelemetry-proto does not ship it, and two fields
     * ({@code int32 code = 1; string message = 2;}) do not earn another dependency.
     */
    static byte[] status(int code, String message) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            CodedOutputStream c = CodedOutputStream.newInstance(out);
            if (code != 0) {
                c.writeInt32(1, code);
            }
            if (!message.isEmpty()) {
                c.writeString(2, message);
            }
            c.flush();
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
