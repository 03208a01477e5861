package io.ingestline.edge.http;

import io.ingestline.edge.auth.TokenAuthenticator;
import io.ingestline.edge.ingest.EventFailure;
import io.ingestline.edge.ingest.JsonEventReader;
import io.ingestline.edge.ingest.ParsedEvents;
import io.ingestline.edge.ingest.RequestBody;
import io.ingestline.edge.kafka.RawBatchPublisher;
import io.ingestline.model.BatchContext;
import io.ingestline.model.BatchTarget;
import io.ingestline.model.DatasetName;
import io.ingestline.model.Dialect;
import io.ingestline.model.RawBatch;
import io.ingestline.model.RawBatchBuilder;
import io.javalin.http.Context;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Axiom's ingest endpoint, {@code POST /v1/datasets/{dataset}/ingest}: a JSON array (or one object) of events,
 * {@code Authorization: Bearer <token>}. Answers 200 with Axiom's body only once Kafka has acknowledged every
 * accepted event; refused events are listed under {@code failures} while the rest land.
 */
public final class AxiomIngestHandler {
    private static final Logger LOG = LoggerFactory.getLogger(AxiomIngestHandler.class);
    private static final int MAX_REQUEST_ID_LENGTH = 128;

    private final TokenAuthenticator tokens;
    private final RawBatchPublisher publisher;
    private final int maxRequestBytes;
    private final int maxRecordBytes;
    private final Duration publishTimeout;

    public AxiomIngestHandler(TokenAuthenticator tokens, RawBatchPublisher publisher, int maxRequestBytes,
            int maxRecordBytes, Duration publishTimeout) {
        this.tokens = tokens;
        this.publisher = publisher;
        this.maxRequestBytes = maxRequestBytes;
        this.maxRecordBytes = maxRecordBytes;
        this.publishTimeout = publishTimeout;
    }

    public void ingest(Context ctx) {
        Instant received = Instant.now();
        String tokenId = tokens.authenticate(TokenAuthenticator.bearer(ctx.header("Authorization")))
                .orElseThrow(() -> new ApiException(401, "invalid or missing API token"));
        String dataset = ctx.pathParam("dataset");
        DatasetName.problem(dataset).ifPresent(p -> {
            throw new ApiException(400, p);
        });
        String requestId = requestId(ctx);
        long declared = ctx.contentLength();
        if (declared > maxRequestBytes) {
            throw new ApiException(413, "request body is larger than " + maxRequestBytes + " bytes");
        }
        byte[] body = RequestBody.read(ctx.bodyInputStream(), ctx.header("Content-Encoding"), maxRequestBytes);
        ParsedEvents events = JsonEventReader.read(body, new RawBatchBuilder(maxRecordBytes));
        BatchContext context = new BatchContext(Dialect.AXIOM, new BatchTarget.Dataset(dataset), tokenId, requestId,
                received, ctx.queryParam("timestamp-field"));
        List<RawBatch> batches = events.accepted().build(context);
        int ingested = events.accepted().eventCount();
        ctx.future(() -> publish(batches).handle((ok, error) -> {
            if (error == null) {
                Responses.json(ctx, 200, success(ingested, events.failures(), body.length, received));
            } else {
                LOG.warn("publishing {} events for dataset {} failed: {}", ingested, dataset, describe(error));
                ctx.header("Retry-After", "1");
                Responses.message(ctx, 503, "the event store did not acknowledge the events in time; retry");
            }
            return null;
        }));
    }

    private CompletableFuture<Void> publish(List<RawBatch> batches) {
        return publisher.publish(batches).orTimeout(publishTimeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    private static String requestId(Context ctx) {
        String id = ctx.header("Idempotency-Key");
        if (id == null) {
            id = ctx.header("x-ms-client-request-id");
        }
        if (id != null && id.length() > MAX_REQUEST_ID_LENGTH) {
            throw new ApiException(400, "request id is longer than " + MAX_REQUEST_ID_LENGTH + " characters");
        }
        return id;
    }

    private static AxiomIngestResponse success(int ingested, List<EventFailure> failures, long bytes, Instant received) {
        String ts = received.toString();
        List<AxiomIngestResponse.Failure> out = failures.stream()
                .map(f -> new AxiomIngestResponse.Failure(ts, "event " + f.index() + ": " + f.error()))
                .toList();
        return new AxiomIngestResponse(ingested, failures.size(), out, bytes, 0, ingested);
    }

    private static String describe(Throwable error) {
        Throwable t = error instanceof java.util.concurrent.CompletionException && error.getCause() != null
                ? error.getCause() : error;
        return t instanceof TimeoutException ? "no acknowledgement in time" : t.toString();
    }
}
