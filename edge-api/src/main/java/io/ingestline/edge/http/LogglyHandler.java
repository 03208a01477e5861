package io.ingestline.edge.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ingestline.model.auth.ApiToken;
import io.ingestline.edge.ingest.BodyFormat;
import io.ingestline.edge.ingest.EventOptions;
import io.ingestline.edge.ingest.IngestRequest;
import io.ingestline.model.BatchContext;
import io.ingestline.model.BatchTarget;
import io.ingestline.model.Dialect;
import io.ingestline.model.Json;
import io.javalin.http.Context;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Loggly's event submission: {@code /inputs/{token}[/tag/{tags}/]} (one event; POST body, or GET with the fields as
 * query parameters) and {@code /bulk/{token}[/tag/{tags}/]} (one event a line). An event is a JSON object when it is
 * one, else its text is kept under {@code message}. Tags from the path and {@code X-LOGGLY-TAG} are merged and stored
 * as the event's {@code tags} array. Bodies are never form-decoded, whatever the content type. 1 MB an event, 5 MB a
 * bulk request (a larger body is 413). All events go to one configured dataset ({@code INGEST_LOGGLY_DATASET}); the
 * token in the path is an API token like any other. Answers exactly 200 {@code {"response":"ok"}}. Loggly's clients
 * resend any other answer in full, so a request is stored whole or not at all: when an event is refused (over 1 MB,
 * not UTF-8), or there is none (an empty or blank body), the answer is 400 listing the refused ones and nothing is
 * stored.
 */
public final class LogglyHandler {
    static final String DIALECT = Dialect.LOGGLY.wireName();
    static final int MAX_EVENT_BYTES = 1024 * 1024;
    static final int MAX_BULK_BYTES = 5 * 1024 * 1024;
    static final String TAGS_FIELD = "tags";
    private static final Pattern TAG = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    /** {@code {"response":"error","message":"..."}}. */
    static final ErrorShape SHAPE = ErrorShape.statusAndMessage("response", "message");

    private final IngestSupport support;
    private final String dataset;
    private final int maxEventBytes;

    public LogglyHandler(IngestSupport support, String dataset, int maxRecordBytes) {
        this.support = support;
        this.dataset = dataset;
        this.maxEventBytes = Math.min(MAX_EVENT_BYTES, maxRecordBytes - 1);
    }

    static List<String> paths(String kind) {
        return List.of("/" + kind + "/{token}", "/" + kind + "/{token}/tag/{tags}");
    }

    public void single(Context ctx) {
        submit(ctx, ctx.bodyInputStream(), ctx.contentLength(), ctx.header("Content-Encoding"), BodyFormat.TEXT,
                maxEventBytes + 2);
    }

    public void bulk(Context ctx) {
        submit(ctx, ctx.bodyInputStream(), ctx.contentLength(), ctx.header("Content-Encoding"), BodyFormat.LINES,
                MAX_BULK_BYTES);
    }

    /** GET submission: the query parameters are the event's fields. */
    public void pixel(Context ctx) {
        ObjectNode event = Json.mapper().createObjectNode();
        ctx.queryParamMap().forEach((k, v) -> {
            if (!v.isEmpty()) {
                event.put(k, v.get(0));
            }
        });
        byte[] body = event.toString().getBytes(StandardCharsets.UTF_8);
        submit(ctx, new ByteArrayInputStream(body), body.length, null, BodyFormat.TEXT, maxEventBytes + 2);
    }

    private void submit(Context ctx, InputStream body, long length, String encoding, BodyFormat format, long maxBody) {
        Instant received = Instant.now();
        IngestSupport.begin(ctx, DIALECT, SHAPE);
        ApiToken token = support.authenticate(ctx.pathParam("token"), "invalid customer token");
        IngestSupport.authorise(token, dataset);
        Map<String, JsonNode> labels = new LinkedHashMap<>();
        Set<String> tags = tags(ctx);
        if (!tags.isEmpty()) {
            ArrayNode array = Json.mapper().createArrayNode();
            tags.forEach(array::add);
            labels.put(TAGS_FIELD, array);
        }
        BatchContext context = new BatchContext(Dialect.LOGGLY, new BatchTarget.Dataset(dataset), token.id(),
                AxiomHandler.requestId(ctx), received);
        IngestRequest request = new IngestRequest(context, body, length, encoding, format,
                new EventOptions(null, null, labels, maxEventBytes), null, ',', maxBody, true);
        support.ingest(ctx, token, request, outcome -> {
            if (outcome.storedNothing()) {
                Map<String, Object> answer = new LinkedHashMap<>();
                answer.put("response", "error");
                answer.put("message", Responses.refusal(outcome, "event", false));
                answer.put("failures", Responses.failures(outcome));
                Responses.json(ctx, 400, answer);
            } else {
                Responses.json(ctx, 200, Map.of("response", "ok"));
            }
        });
    }

    /** Path tags and {@code X-LOGGLY-TAG}, merged in order; 400 for a tag Loggly would not take. */
    private static Set<String> tags(Context ctx) {
        Set<String> tags = new LinkedHashSet<>();
        String path = ctx.pathParamMap().get("tags");
        for (String source : new String[] {path, ctx.header("X-LOGGLY-TAG")}) {
            if (source == null) {
                continue;
            }
            for (String t : source.split(",")) {
                String tag = t.trim();
                if (tag.isEmpty()) {
                    continue;
                }
                if (!TAG.matcher(tag).matches()) {
                    throw new ApiException(400, "invalid tag '" + tag
                            + "': tags hold 1 to 64 letters, digits, '-', '.' and '_'");
                }
                tags.add(tag);
            }
        }
        return tags;
    }
}
