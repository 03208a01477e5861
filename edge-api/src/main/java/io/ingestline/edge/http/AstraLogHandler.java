package io.ingestline.edge.http;

import io.ingestline.model.auth.ApiToken;
import io.ingestline.edge.ingest.BodyFormat;
import io.ingestline.edge.ingest.EventOptions;
import io.ingestline.edge.ingest.EventRouting;
import io.ingestline.edge.ingest.IngestRequest;
import io.ingestline.model.BatchContext;
import io.ingestline.model.BatchTarget;
import io.ingestline.model.Dialect;
import io.javalin.http.Context;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * AstraLog's {@code POST /v1/drain}: {@code Authorization: <token>} (no scheme word; {@code Bearer} is tolerated), body
 * {@code {"logs":[...]}}. Each log needs {@code project_id}, {@code timestamp} (RFC 3339, ISO 8601 or SQL form),
 * {@code level}, {@code service} and {@code message} as strings, and {@code metadata}, when given, must be an object;
 * {@code timestamp} becomes the event's {@code _time}.
 * A log goes to the dataset its {@code project_id} maps to ({@code INGEST_ASTRALOG_PROJECTS}), else to
 * {@code INGEST_ASTRALOG_DATASET}; {@code project_id} stays on each event. A token may write to the datasets it is
 * allowed: a log routed elsewhere is refused, and a token allowed none of them gets 403.
 * Answers 200 {@code {"status":"accepted"}}. A batch is stored whole or not at all (AstraLog's clients take a 400 as
 * a failed request and may send it again): when a log is refused, or there is none, the answer is 400 listing the
 * refused logs under {@code rejected} and nothing is stored.
 */
public final class AstraLogHandler {
    static final String DIALECT = Dialect.ASTRALOG.wireName();
    static final List<String> REQUIRED = List.of("project_id", "timestamp", "level", "service", "message");
    /** Optional fields that must be objects. */
    static final List<String> OBJECTS = List.of("metadata");

    /** {@code {"status":"error","error":"..."}}. */
    static final ErrorShape SHAPE = ErrorShape.statusAndMessage("status", "error");

    private final IngestSupport support;
    private final String dataset;
    private final Map<String, String> projects;
    private final int maxEventBytes;

    public AstraLogHandler(IngestSupport support, String dataset, Map<String, String> projects, int maxRecordBytes) {
        this.support = support;
        this.dataset = dataset;
        this.projects = Map.copyOf(projects);
        this.maxEventBytes = maxRecordBytes - 1;
    }

    public void drain(Context ctx) {
        Instant received = Instant.now();
        IngestSupport.begin(ctx, DIALECT, SHAPE);
        String auth = ctx.header("Authorization");
        String secret = auth == null ? null : auth.regionMatches(true, 0, "Bearer ", 0, 7) ? auth.substring(7) : auth;
        ApiToken token = support.authenticate(secret == null ? null : secret.trim(),
                "the Authorization header is missing or incorrect");
        if (!token.mayIngest(dataset) && projects.values().stream().noneMatch(token::mayIngest)) {
            IngestSupport.authorise(token, dataset);
        }
        EventRouting routing = projects.isEmpty() ? null
                : new EventRouting("project_id", projects, dataset, token::mayIngest);
        BatchContext context = new BatchContext(Dialect.ASTRALOG, new BatchTarget.Dataset(dataset), token.id(),
                AxiomHandler.requestId(ctx), received);
        IngestRequest request = new IngestRequest(context, ctx.bodyInputStream(), ctx.contentLength(),
                ctx.header("Content-Encoding"), BodyFormat.JSON_LOGS,
                new EventOptions("timestamp", null, Map.of(), maxEventBytes, REQUIRED, routing, OBJECTS), null, ',', 0,
                true);
        support.ingest(ctx, token, request, outcome -> {
            if (outcome.storedNothing()) {
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("status", "error");
                body.put("error", Responses.refusal(outcome, "log", false));
                body.put("rejected", Responses.failures(outcome));
                Responses.json(ctx, 400, body);
            } else {
                Responses.json(ctx, 200, Map.of("status", "accepted"));
            }
        });
    }
}
