package io.ingestline.edge.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.ingestline.model.auth.ApiToken;
import io.ingestline.model.auth.TokenAuthenticator;
import io.ingestline.edge.ingest.BodyFormat;
import io.ingestline.edge.ingest.EventFailure;
import io.ingestline.edge.ingest.EventOptions;
import io.ingestline.edge.ingest.GoTimeLayout;
import io.ingestline.edge.ingest.IngestOutcome;
import io.ingestline.edge.ingest.IngestRequest;
import io.ingestline.model.BatchContext;
import io.ingestline.model.BatchTarget;
import io.ingestline.model.DatasetName;
import io.ingestline.model.Dialect;
import io.ingestline.model.Json;
import io.javalin.http.Context;
import java.io.IOException;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Axiom's ingest API: {@code POST /v1/datasets/{dataset}/ingest} and {@code POST /v1/ingest/{dataset}},
 * {@code Authorization: Bearer <token>}; JSON, NDJSON or CSV bodies, gzip/zstd/deflate; {@code timestamp-field},
 * {@code timestamp-format}, {@code csv-delimiter}; {@code X-Axiom-CSV-Fields}, {@code X-Axiom-Event-Labels}.
 * Answers 200 with Axiom's body once Kafka acknowledged every accepted event; refused events are listed under
 * {@code failures} while the rest land, as Axiom does. A request with no event to ingest (none given, or every one
 * refused) is 400. Errors are {@code {"message":"..."}}.
 */
public final class AxiomHandler {
    private static final int MAX_REQUEST_ID_LENGTH = 128;

    private static final String DIALECT = Dialect.AXIOM.wireName();

    private final IngestSupport support;
    private final int maxEventBytes;

    public AxiomHandler(IngestSupport support, int maxEventBytes) {
        this.support = support;
        this.maxEventBytes = maxEventBytes;
    }

    public void ingest(Context ctx) {
        Instant received = Instant.now();
        IngestSupport.begin(ctx, DIALECT, ErrorShape.MESSAGE);
        ApiToken token = support.authenticate(TokenAuthenticator.bearer(ctx.header("Authorization")),
                "invalid or missing API token");
        String dataset = ctx.pathParam("dataset");
        String nameProblem = axiomDatasetProblem(dataset);
        if (nameProblem != null) {
            throw new ApiException(400, nameProblem);
        }
        IngestSupport.authorise(token, dataset);
        BodyFormat format = BodyFormat.of(ctx.header("Content-Type"));
        EventOptions options = new EventOptions(ctx.queryParam("timestamp-field"), timeLayout(ctx), labels(ctx),
                maxEventBytes);
        BatchContext context = new BatchContext(Dialect.AXIOM, new BatchTarget.Dataset(dataset), token.id(),
                requestId(ctx), received);
        IngestRequest request = new IngestRequest(context, ctx.bodyInputStream(), ctx.contentLength(),
                ctx.header("Content-Encoding"), format, options, csvFields(ctx), csvDelimiter(ctx));
        support.ingest(ctx, token, request, outcome -> {
            if (outcome.storedNothing()) {
                Responses.message(ctx, 400, Responses.refusal(outcome, "event", true));
            } else {
                Responses.json(ctx, 200, success(outcome, received));
            }
        });
    }

    /** Axiom's rule: the pipeline's dataset name rule, without the '_' that Azure's table names need. */
    static String axiomDatasetProblem(String name) {
        if (name.indexOf('_') >= 0) {
            return "dataset name may hold only ASCII letters, digits and '-'";
        }
        return DatasetName.problem(name).orElse(null);
    }

    static String requestId(Context ctx) {
        String id = ctx.header("Idempotency-Key");
        if (id == null) {
            id = ctx.header("x-ms-client-request-id");
        }
        if (id != null && id.length() > MAX_REQUEST_ID_LENGTH) {
            throw new ApiException(400, "request id is longer than " + MAX_REQUEST_ID_LENGTH + " characters");
        }
        return id;
    }

    private static GoTimeLayout timeLayout(Context ctx) {
        String layout = ctx.queryParam("timestamp-format");
        if (layout == null || layout.isBlank()) {
            return null;
        }
        try {
            return GoTimeLayout.compile(layout);
        } catch (IllegalArgumentException e) {
            throw new ApiException(400, e.getMessage());
        }
    }

    private static Map<String, JsonNode> labels(Context ctx) {
        String header = ctx.header("X-Axiom-Event-Labels");
        if (header == null || header.isBlank()) {
            return Map.of();
        }
        try {
            JsonNode n = Json.readTree(header);
            if (n == null || !n.isObject()) {
                throw new ApiException(400, "X-Axiom-Event-Labels must be a JSON object");
            }
            Map<String, JsonNode> labels = new LinkedHashMap<>();
            n.fields().forEachRemaining(e -> labels.put(e.getKey(), e.getValue()));
            return labels;
        } catch (IOException e) {
            throw new ApiException(400, "X-Axiom-Event-Labels is not valid JSON");
        }
    }

    private static List<String> csvFields(Context ctx) {
        String header = ctx.header("X-Axiom-CSV-Fields");
        if (header == null || header.isBlank()) {
            return null;
        }
        return Arrays.stream(header.split(",")).map(String::trim).toList();
    }

    private static char csvDelimiter(Context ctx) {
        String d = ctx.queryParam("csv-delimiter");
        if (d == null || d.isEmpty()) {
            return ',';
        }
        if (d.equals("\\t") || d.equalsIgnoreCase("tab")) {
            return '\t';
        }
        if (d.length() != 1) {
            throw new ApiException(400, "csv-delimiter must be one character");
        }
        return d.charAt(0);
    }

    private static AxiomIngestResponse success(IngestOutcome outcome, Instant received) {
        String ts = received.toString();
        List<AxiomIngestResponse.Failure> failures = outcome.failures().stream()
                .map(f -> new AxiomIngestResponse.Failure(ts, describe(f)))
                .toList();
        return new AxiomIngestResponse(outcome.ingested(), failures.size(), failures, outcome.decodedBytes(), 0,
                outcome.ingested());
    }

    private static String describe(EventFailure f) {
        return f.where("event") + ": " + f.error();
    }
}
