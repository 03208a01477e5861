package io.ingestline.edge;

import io.ingestline.edge.auth.TokenAuthenticator;
import io.ingestline.edge.http.AxiomIngestHandler;
import io.ingestline.edge.http.EdgeApi;
import io.ingestline.edge.http.HealthHandler;
import io.ingestline.edge.kafka.KafkaReadiness;
import io.ingestline.edge.kafka.RawBatchPublisher;
import io.ingestline.model.kafka.TopicProvisioner;
import io.javalin.Javalin;
import java.time.Duration;
import org.apache.kafka.clients.admin.Admin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A running edge node: the HTTP server, its producer and its admin client. Close stops accepting, then flushes. */
public final class EdgeServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EdgeServer.class);

    private final Admin admin;
    private final RawBatchPublisher publisher;
    private final Javalin app;

    private EdgeServer(Admin admin, RawBatchPublisher publisher, Javalin app) {
        this.admin = admin;
        this.publisher = publisher;
        this.app = app;
    }

    /** Makes sure the raw topic exists, then starts serving. */
    public static EdgeServer start(EdgeConfig config) {
        LOG.info("starting edge: {}", config);
        Admin admin = Admin.create(config.kafka().clientProps());
        RawBatchPublisher publisher = null;
        try {
            new TopicProvisioner(admin, Duration.ofSeconds(30)).ensure(config.kafka().rawTopic());
            publisher = new RawBatchPublisher(RawBatchPublisher.createProducer(config.kafka().clientProps(),
                    config.producer(), config.maxRecordBytes()), config.kafka().topics().raw());
            KafkaReadiness readiness = new KafkaReadiness(admin, Duration.ofSeconds(2));
            AxiomIngestHandler axiom = new AxiomIngestHandler(new TokenAuthenticator(config.tokens()), publisher,
                    config.maxRequestBytes(), config.maxRecordBytes(), config.publishTimeout());
            Javalin app = EdgeApi.create(axiom, new HealthHandler(readiness::isReady), config.maxRequestBytes());
            app.start(config.httpHost(), config.httpPort());
            LOG.info("edge listening on {}:{}", config.httpHost(), app.port());
            return new EdgeServer(admin, publisher, app);
        } catch (RuntimeException e) {
            if (publisher != null) {
                publisher.close();
            }
            admin.close();
            throw e;
        }
    }

    public int port() {
        return app.port();
    }

    @Override
    public void close() {
        app.stop();
        publisher.close();
        admin.close();
        LOG.info("edge stopped");
    }
}
