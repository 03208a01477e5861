package io.ingestline.edge.http;

import io.ingestline.model.auth.ApiToken;
import io.ingestline.model.auth.TokenAuthenticator;
import io.ingestline.edge.config.DcrRegistry;
import io.ingestline.edge.ingest.BodyFormat;
import io.ingestline.edge.ingest.EventOptions;
import io.ingestline.edge.ingest.IngestRequest;
import io.ingestline.model.BatchContext;
import io.ingestline.model.BatchTarget;
import io.ingestline.model.Dialect;
import io.ingestline.model.rules.DataCollectionRule;
import io.javalin.http.Context;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Azure Monitor's Logs Ingestion API: {@code POST /dataCollectionRules/{dcr}/streams/{stream}?api-version=...}
 * ({@code 2023-01-01} or {@code 2021-11-01-preview}; percent-encoded query keys are decoded), {@code Authorization:
 * Bearer <token>}, a JSON array (or one object), usually gzip. The DCR and its stream must be known (from the
 * configuration topic), and the token must be allowed to write every dataset the stream's data flows write to.
 * Answers exactly 204; errors are {@code {"error":{"code","message"}}} with the code in {@code x-ms-error-code}. A
 * call is stored whole or not at all, as Azure does: when a record is refused (or there is none), nothing is stored
 * and the answer is 400 {@code InvalidContent} naming the refused ones. Over 1 MiB of decoded records (the array's
 * brackets and commas not counted, as the SDKs count) is 413 {@code ContentLengthLimitExceeded}.
 */
public final class AzureHandler {
    static final String DIALECT = Dialect.AZURE.wireName();
    static final Set<String> API_VERSIONS = Set.of("2023-01-01", "2021-11-01-preview");
    /**
     * Azure's 1 MB a call, as the records' decoded JSON: the SDKs cut their calls below it (the Java one sums its
     * serialized records up to 1 MiB, then joins them with commas inside brackets), and Azure answers 413
     * {@code ContentLengthLimitExceeded} above it.
     */
    static final int MAX_RECORDS_BYTES = 1024 * 1024;
    /**
     * The most decoded bytes read of a call: its records, their commas and brackets. A record is at least {@code {}},
     * so the SDK's fullest call of the smallest records is 1.5 MiB and 1 byte.
     */
    static final int MAX_REQUEST_BYTES = 2 * MAX_RECORDS_BYTES;

    /** Azure's error body and header. */
    static final ErrorShape SHAPE = (ctx, status, code, message) -> {
        ctx.header("x-ms-error-code", code);
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("code", code);
        error.put("message", message);
        Responses.json(ctx, status, Map.of("error", error));
    };

    private final IngestSupport support;
    private final DcrRegistry dcrs;
    private final int maxEventBytes;

    public AzureHandler(IngestSupport support, DcrRegistry dcrs, int maxRecordBytes) {
        this.support = support;
        this.dcrs = dcrs;
        this.maxEventBytes = maxRecordBytes - 1;
    }

    public void upload(Context ctx) {
        Instant received = Instant.now();
        IngestSupport.begin(ctx, DIALECT, SHAPE);
        String version = queryParam(ctx.queryString(), "api-version");
        if (version == null) {
            throw new ApiException(400, "MissingApiVersionParameter", "the api-version query parameter is required");
        }
        if (!API_VERSIONS.contains(version)) {
            throw new ApiException(400, "UnsupportedApiVersion", "api-version " + version + " is not supported; use one of "
                    + API_VERSIONS);
        }
        ApiToken token = support.authenticate(TokenAuthenticator.bearer(ctx.header("Authorization")),
                "the bearer token is missing or invalid");
        String id = ctx.pathParam("dcr");
        String stream = ctx.pathParam("stream");
        DataCollectionRule dcr = dcrs.get(id).orElseThrow(() ->
                new ApiException(404, "NotFound", "data collection rule " + id + " was not found"));
        if (!dcr.streams().containsKey(stream)) {
            throw new ApiException(404, "InvalidStream", "stream " + stream + " is not declared in data collection rule "
                    + id);
        }
        List<String> outputs = dcr.outputDatasets(stream);
        for (String dataset : outputs) {
            if (!token.mayIngest(dataset)) {
                throw new ApiException(403, "OperationFailed", "the token may not use data collection rule " + id
                        + " (it writes to " + dataset + ")");
            }
        }
        BatchContext context = new BatchContext(Dialect.AZURE, new BatchTarget.Stream(id, stream), token.id(),
                AxiomHandler.requestId(ctx), received);
        IngestRequest request = new IngestRequest(context, ctx.bodyInputStream(), ctx.contentLength(),
                ctx.header("Content-Encoding"), BodyFormat.JSON, new EventOptions(null, null, Map.of(), maxEventBytes),
                null, ',', MAX_REQUEST_BYTES, true, MAX_RECORDS_BYTES);
        support.ingest(ctx, token, request, outcome -> {
            if (outcome.storedNothing()) {
                SHAPE.write(ctx, 400, "InvalidContent", Responses.refusal(outcome, "record", true));
            } else {
                // 204 No Content: no body, and so no Content-Type (the framework's default would be text/plain)
                ctx.status(204);
                ctx.res().setContentType(null);
            }
        });
    }

    /** A query parameter by name, with percent-encoded keys decoded ({@code api%2Dversion}). */
    static String queryParam(String query, String name) {
        if (query == null) {
            return null;
        }
        try {
            for (String pair : query.split("&")) {
                int eq = pair.indexOf('=');
                String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                if (key.equals(name)) {
                    return eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                }
            }
            return null;
        } catch (IllegalArgumentException e) {
            throw new ApiException(400, "InvalidQueryString", "the query string is not validly percent-encoded");
        }
    }
}
