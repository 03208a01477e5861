package io.ingestline.edge.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.ingestline.model.auth.ApiToken;
import io.ingestline.edge.ingest.BodyFormat;
import io.ingestline.edge.ingest.EventOptions;
import io.ingestline.edge.ingest.IngestRequest;
import io.ingestline.model.BatchContext;
import io.ingestline.model.BatchTarget;
import io.ingestline.model.DatasetName;
import io.ingestline.model.Dialect;
import io.javalin.http.Context;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Baselime's Events API: {@code POST /v1/{dataset}} and {@code /v1/{dataset}/{service}/{namespace}},
 * {@code x-api-key}, a JSON array of events (6 MB a request, 256 KB an event). The service and namespace (from the
 * path, else the {@code x-service} / {@code x-namespace} headers; the string {@code undefined} counts as absent) are
 * stored on each event as {@code _service} and {@code _namespace}. Answers 202 {@code {"message":"Request Accepted"}};
 * when some events are refused, 400 with them under {@code invalid} while the others land (as Baselime documents);
 * an empty array is 400.
 */
public final class BaselimeHandler {
    static final String DIALECT = Dialect.BASELIME.wireName();
    static final int MAX_REQUEST_BYTES = 6 * 1024 * 1024;
    static final int MAX_EVENT_BYTES = 256 * 1024;
    static final String SERVICE_FIELD = "_service";
    static final String NAMESPACE_FIELD = "_namespace";

    /** Baselime's documented bodies: fixed messages for 400/401/405/500, the detail beside them. */
    static final ErrorShape SHAPE = (ctx, status, code, message) -> {
        Map<String, Object> body = new LinkedHashMap<>();
        switch (status) {
            case 400 -> {
                body.put("message", "Bad Request");
                body.put("error", message);
            }
            case 401 -> body.put("message", "Unauthorised");
            case 405 -> body.put("message", "Method Not Allowed");
            case 500 -> body.put("message", "Internal Error");
            default -> body.put("message", message);
        }
        Responses.json(ctx, status, body);
    };

    private final IngestSupport support;
    private final int maxEventBytes;

    /** @param maxRecordBytes the node's record limit: an event must also fit in a record */
    public BaselimeHandler(IngestSupport support, int maxRecordBytes) {
        this.support = support;
        this.maxEventBytes = Math.min(MAX_EVENT_BYTES, maxRecordBytes - 1);
    }

    public void ingest(Context ctx) {
        Instant received = Instant.now();
        IngestSupport.begin(ctx, DIALECT, SHAPE);
        ApiToken token = support.authenticate(ctx.header("x-api-key"), "missing or invalid API key");
        String dataset = ctx.pathParam("dataset");
        DatasetName.problem(dataset).ifPresent(p -> {
            throw new ApiException(400, p);
        });
        IngestSupport.authorise(token, dataset);
        Map<String, JsonNode> labels = new LinkedHashMap<>();
        String service = present(ctx.pathParamMap().get("service"), ctx.header("x-service"));
        String namespace = present(ctx.pathParamMap().get("namespace"), ctx.header("x-namespace"));
        if (service != null) {
            labels.put(SERVICE_FIELD, TextNode.valueOf(service));
        }
        if (namespace != null) {
            labels.put(NAMESPACE_FIELD, TextNode.valueOf(namespace));
        }
        BatchContext context = new BatchContext(Dialect.BASELIME, new BatchTarget.Dataset(dataset), token.id(),
                AxiomHandler.requestId(ctx), received);
        IngestRequest request = new IngestRequest(context, ctx.bodyInputStream(), ctx.contentLength(),
                ctx.header("Content-Encoding"), BodyFormat.JSON_ARRAY,
                new EventOptions(null, null, labels, maxEventBytes), null, ',', MAX_REQUEST_BYTES, false);
        support.ingest(ctx, token, request, outcome -> {
            if (outcome.failures().isEmpty() && outcome.storedNothing()) {
                SHAPE.write(ctx, 400, ErrorShape.code(400), Responses.refusal(outcome, "event", false));
            } else if (outcome.failures().isEmpty()) {
                Responses.json(ctx, 202, Map.of("message", "Request Accepted"));
            } else {
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("message", "Bad Request");
                body.put("accepted", outcome.ingested());
                body.put("invalid", Responses.failures(outcome));
                Responses.json(ctx, 400, body);
            }
        });
    }

    /** 405 in Baselime's shape for other methods on its routes. */
    public void methodNotAllowed(Context ctx) {
        if (UnroutedAnswers.anotherDialects(ctx.path())) {
            // GET /v1/drain matches /v1/{dataset} too; the path is AstraLog's (or Axiom's), and so is the answer
            UnroutedAnswers.answer(ctx, 405);
            return;
        }
        IngestSupport.begin(ctx, DIALECT, SHAPE);
        ctx.header("Allow", "POST");
        throw new ApiException(405, "method " + ctx.method() + " is not allowed");
    }

    /** The first of the values that is given and not the literal {@code undefined} some clients send. */
    private static String present(String... values) {
        for (String v : values) {
            if (v != null && !v.isBlank() && !v.equals("undefined")) {
                return v;
            }
        }
        return null;
    }

    static List<String> paths() {
        return List.of("/v1/{dataset}", "/v1/{dataset}/{service}/{namespace}");
    }
}
