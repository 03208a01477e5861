package io.ingestline.edge.http;

import io.ingestline.model.auth.ApiToken;
import io.ingestline.model.auth.TokenAuthenticator;
import io.ingestline.edge.ingest.DatasetGate;
import io.ingestline.edge.ingest.IngestOutcome;
import io.ingestline.edge.ingest.IngestRequest;
import io.ingestline.edge.ingest.Ingestor;
import io.ingestline.edge.metrics.EdgeMetrics;
import io.javalin.http.Context;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every dialect does around the ingest itself: authenticate, authorise, apply rate limits, publish, and hand the
 * outcome back for the dialect's own answer (or answer 503 when Kafka did not acknowledge in time or a new dataset was
 * not ready in time, 403 when the token may create no more datasets).
 */
public final class IngestSupport {
    private static final Logger LOG = LoggerFactory.getLogger(IngestSupport.class);

    private final TokenAuthenticator tokens;
    private final RateLimits rateLimits;
    private final Ingestor ingestor;
    private final EdgeMetrics metrics;

    public IngestSupport(TokenAuthenticator tokens, RateLimits rateLimits, Ingestor ingestor, EdgeMetrics metrics) {
        this.tokens = tokens;
        this.rateLimits = rateLimits;
        this.ingestor = ingestor;
        this.metrics = metrics;
    }

    /** Marks the request as the dialect's, for metrics and error answers. */
    static void begin(Context ctx, String dialect, ErrorShape shape) {
        ctx.attribute(EdgeApi.DIALECT, dialect);
        ErrorShape.use(ctx, shape);
    }

    /** The token with this secret; 401 otherwise. */
    ApiToken authenticate(String secret, String problem) {
        return tokens.authenticate(secret).orElseThrow(() -> new ApiException(401, problem));
    }

    /** 403 unless the token may write {@code dataset}. */
    static void authorise(ApiToken token, String dataset) {
        if (!token.mayIngest(dataset)) {
            throw new ApiException(403, "token " + token.id() + " may not ingest into dataset " + dataset);
        }
    }

    /**
     * Rate limits, then the ingest; {@code answer} writes the dialect's answer: a 4xx when the outcome
     * {@link IngestOutcome#storedNothing() stored nothing}, in every dialect.
     */
    void ingest(Context ctx, ApiToken token, IngestRequest request, Consumer<IngestOutcome> answer) {
        String dialect = request.context().dialect().wireName();
        rateLimits.admit(ctx, token);
        ctx.future(() -> ingestor.ingest(request).handle((outcome, error) -> {
            if (error == null) {
                rateLimits.charge(ctx, token, outcome.ingested(), outcome.decodedBytes());
                metrics.accepted(dialect, outcome.ingested(), outcome.decodedBytes());
                metrics.eventFailures(dialect, outcome.failures().size());
                if (outcome.storedNothing()) {
                    metrics.rejected(outcome.failures().isEmpty() ? "no_events" : "refused_events");
                }
                answer.accept(outcome);
            } else if (Responses.cause(error) instanceof DatasetGate.DatasetLimitException limit) {
                metrics.rejected("dataset_limit");
                ErrorShape.of(ctx).write(ctx, 403, dialect.equals(AzureHandler.DIALECT) ? "OperationFailed"
                        : ErrorShape.code(403), limit.getMessage());
            } else if (Responses.cause(error) instanceof DatasetGate.DatasetNotReadyException notReady) {
                metrics.rejected("dataset_not_ready");
                ctx.header("Retry-After", Responses.RETRY_AFTER_SECONDS);
                ErrorShape.of(ctx).write(ctx, 503, ErrorShape.code(503), notReady.getMessage());
            } else {
                metrics.rejected("kafka_unavailable");
                LOG.warn("publishing a {} request for {} failed: {}", dialect, request.context().target(),
                        Responses.describe(error));
                Responses.unavailable(ctx);
            }
            return null;
        }));
    }
}
