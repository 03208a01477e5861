package io.ingestline.local;

import io.ingestline.edge.EdgeConfig;
import io.ingestline.edge.EdgeServer;
import io.ingestline.query.QueryConfig;
import io.ingestline.query.QueryServer;
import io.ingestline.sink.SinkConfig;
import io.ingestline.sink.SinkService;
import io.ingestline.validator.Validator;
import io.ingestline.validator.ValidatorConfig;
import java.util.Map;

/**
 * The services in one JVM against one Kafka cluster, each configured from the same environment map exactly as it
 * would be on its own: edge, validator, sink, and the query service (unless {@code INGEST_QUERY_PORT=-1}). Closing
 * stops the query service and the edge first (no new acknowledgements), then the validator (commits its last
 * transaction), then the sink (flushes and commits): nothing acknowledged is left only in memory.
 */
public final class Pipeline implements AutoCloseable {
    private final EdgeServer edge;
    private final Validator validator;
    private final SinkService sink;
    private final QueryServer query;

    private Pipeline(EdgeServer edge, Validator validator, SinkService sink, QueryServer query) {
        this.edge = edge;
        this.validator = validator;
        this.sink = sink;
        this.query = query;
    }

    public static Pipeline start(Map<String, String> env) {
        EdgeConfig edgeConfig = EdgeConfig.fromEnv(env);
        ValidatorConfig validatorConfig = ValidatorConfig.fromEnv(env);
        SinkConfig sinkConfig = SinkConfig.fromEnv(env);
        QueryConfig queryConfig = QueryConfig.fromEnv(env);
        SinkService sink = SinkService.start(sinkConfig);
        Validator validator = null;
        QueryServer query = null;
        try {
            validator = Validator.start(validatorConfig);
            query = queryConfig.port() < 0 ? null : QueryServer.start(queryConfig);
            return new Pipeline(EdgeServer.start(edgeConfig), validator, sink, query);
        } catch (RuntimeException e) {
            if (query != null) {
                query.close();
            }
            if (validator != null) {
                validator.close();
            }
            sink.close();
            throw e;
        }
    }

    /** The query service's port, or -1 when it is off. */
    public int queryPort() {
        return query == null ? -1 : query.port();
    }

    public int httpPort() {
        return edge.port();
    }

    /** The edge's HTTPS port, or -1 when no certificate is configured. */
    public int httpsPort() {
        return edge.httpsPort();
    }

    /** The edge's OTLP/HTTP listener's port, or -1 when it is off. */
    public int otlpPort() {
        return edge.otlpPort();
    }

    public int adminPort() {
        return edge.adminPort();
    }

    /** The validator's /metrics, /health and /ready port, or -1 when they are off. */
    public int validatorStatusPort() {
        return validator.statusPort();
    }

    @Override
    public void close() {
        if (query != null) {
            query.close();
        }
        edge.close();
        validator.close();
        sink.close();
    }
}
