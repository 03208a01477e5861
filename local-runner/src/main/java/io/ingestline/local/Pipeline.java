package io.ingestline.local;

import io.ingestline.edge.EdgeConfig;
import io.ingestline.edge.EdgeServer;
import io.ingestline.sink.SinkConfig;
import io.ingestline.sink.SinkService;
import io.ingestline.validator.Validator;
import io.ingestline.validator.ValidatorConfig;
import java.util.Map;

/**
 * The three services in one JVM against one Kafka cluster, each configured from the same environment map exactly
 * as it would be on its own. Closing stops the edge first (no new acknowledgements), then the validator (commits its
 * last transaction), then the sink (flushes and commits): nothing acknowledged is left only in memory.
 */
public final class Pipeline implements AutoCloseable {
    private final EdgeServer edge;
    private final Validator validator;
    private final SinkService sink;

    private Pipeline(EdgeServer edge, Validator validator, SinkService sink) {
        this.edge = edge;
        this.validator = validator;
        this.sink = sink;
    }

    public static Pipeline start(Map<String, String> env) {
        EdgeConfig edgeConfig = EdgeConfig.fromEnv(env);
        ValidatorConfig validatorConfig = ValidatorConfig.fromEnv(env);
        SinkConfig sinkConfig = SinkConfig.fromEnv(env);
        SinkService sink = SinkService.start(sinkConfig);
        Validator validator = null;
        try {
            validator = Validator.start(validatorConfig);
            return new Pipeline(EdgeServer.start(edgeConfig), validator, sink);
        } catch (RuntimeException e) {
            if (validator != null) {
                validator.close();
            }
            sink.close();
            throw e;
        }
    }

    public int httpPort() {
        return edge.port();
    }

    /** The edge's HTTPS port, or -1 when no certificate is configured. */
    public int httpsPort() {
        return edge.httpsPort();
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
        edge.close();
        validator.close();
        sink.close();
    }
}
