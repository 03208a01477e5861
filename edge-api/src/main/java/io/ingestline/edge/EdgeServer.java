package io.ingestline.edge;

import io.ingestline.edge.admin.AdminApi;
import io.ingestline.edge.admin.TokenAdminHandler;
import io.ingestline.edge.auth.RateLimiter;
import io.ingestline.edge.auth.TokenAuthenticator;
import io.ingestline.edge.config.ConfigStore;
import io.ingestline.edge.config.DcrRegistry;
import io.ingestline.edge.admin.DcrAdminHandler;
import io.ingestline.edge.admin.DatasetAdminHandler;
import io.ingestline.edge.admin.DryRunHandler;
import io.ingestline.edge.config.DatasetRuleRegistry;
import io.ingestline.edge.http.AstraLogHandler;
import io.ingestline.edge.http.AzureHandler;
import io.ingestline.edge.http.BaselimeHandler;
import io.ingestline.edge.http.IngestSupport;
import io.ingestline.edge.http.LogglyHandler;
import io.ingestline.edge.http.AxiomHandler;
import io.ingestline.edge.http.EdgeApi;
import io.ingestline.edge.http.HealthHandler;
import io.ingestline.edge.http.RateLimits;
import io.ingestline.edge.ingest.InFlightBytes;
import io.ingestline.edge.ingest.Ingestor;
import io.ingestline.edge.kafka.KafkaReadiness;
import io.ingestline.edge.kafka.RawBatchPublisher;
import io.ingestline.edge.metrics.EdgeMetrics;
import io.ingestline.edge.tls.Listeners;
import io.ingestline.model.kafka.TopicProvisioner;
import io.javalin.Javalin;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.admin.Admin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running edge node: the ingest HTTP server, the admin API when configured, the producer, and the token store that
 * follows the configuration topic. Close stops accepting, then lets Kafka answer what is in flight.
 */
public final class EdgeServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EdgeServer.class);
    private static final Duration CONFIG_LOAD_TIMEOUT = Duration.ofSeconds(60);

    private final List<AutoCloseable> parts;
    private final Javalin app;
    private final Javalin admin;

    private EdgeServer(List<AutoCloseable> parts, Javalin app, Javalin admin) {
        this.parts = parts;
        this.app = app;
        this.admin = admin;
    }

    /** Makes sure the topics exist, loads the tokens, then starts serving. */
    public static EdgeServer start(EdgeConfig config) {
        LOG.info("starting edge: {}", config);
        List<AutoCloseable> parts = new ArrayList<>();
        try {
            Admin kafkaAdmin = Admin.create(config.kafka().clientProps());
            parts.add(0, kafkaAdmin);
            new TopicProvisioner(kafkaAdmin, Duration.ofSeconds(30)).ensure(config.kafka().rawTopic());
            TokenAuthenticator tokens = new TokenAuthenticator(config.tokens());
            DcrRegistry dcrs = new DcrRegistry();
            DatasetRuleRegistry datasetRules = new DatasetRuleRegistry();
            ConfigStore store = ConfigStore.start(config.kafka(), kafkaAdmin, tokens, dcrs, datasetRules);
            parts.add(0, store);
            if (!store.awaitCaughtUp(CONFIG_LOAD_TIMEOUT)) {
                throw new IllegalStateException("could not load the configuration topic within " + CONFIG_LOAD_TIMEOUT);
            }
            EdgeMetrics metrics = new EdgeMetrics();
            parts.add(0, metrics);
            RawBatchPublisher publisher = new RawBatchPublisher(RawBatchPublisher.createProducers(config.producers(),
                    config.kafka().clientProps(), config.producer(), config.maxRecordBytes(), config.publishTimeout()),
                    config.kafka().topics().raw(), metrics::kafkaSend);
            parts.add(0, publisher);
            publisher.producers().forEach(metrics::producer);
            InFlightBytes inFlight = new InFlightBytes(config.maxInFlightBytes());
            metrics.inFlightBytes(inFlight::used);
            Ingestor ingestor = new Ingestor(publisher, inFlight, config.maxRequestBytes(), config.maxRecordBytes(),
                    config.publishTimeout());
            KafkaReadiness readiness = new KafkaReadiness(kafkaAdmin, Duration.ofSeconds(2));
            RateLimits rateLimits = new RateLimits(new RateLimiter(), config.rateLimit());
            IngestSupport support = new IngestSupport(tokens, rateLimits, ingestor, metrics);
            Javalin app = EdgeApi.create(new EdgeApi.Dialects(
                            new AxiomHandler(support, config.maxRecordBytes() - 1),
                            new BaselimeHandler(support, config.maxRecordBytes()),
                            new AzureHandler(support, dcrs, config.maxRecordBytes()),
                            new AstraLogHandler(support, config.astralogDataset(), config.astralogProjects(),
                                    config.maxRecordBytes()),
                            new LogglyHandler(support, config.logglyDataset(), config.maxRecordBytes())),
                    new HealthHandler(readiness::isReady), config.listeners(), metrics);
            Javalin adminApp = null;
            if (config.adminToken() != null) {
                adminApp = AdminApi.create(config.adminToken(), new AdminApi.Handlers(
                        new TokenAdminHandler(store, tokens), new DcrAdminHandler(store, dcrs),
                        new DatasetAdminHandler(store, datasetRules), new DryRunHandler(dcrs, datasetRules)));
                adminApp.start(config.adminHost(), config.adminPort());
                Javalin started = adminApp;
                parts.add(0, started::stop);
                LOG.info("admin API listening on {}:{}", config.adminHost(), adminApp.port());
            } else {
                LOG.info("admin API off: set {} to enable it", EdgeConfig.ADMIN_TOKEN.env());
            }
            app.start();
            LOG.info("edge listening on {}: http {}, https {}", config.httpHost(),
                    portOrOff(Listeners.port(app.jettyServer().server(), Listeners.HTTP)),
                    portOrOff(Listeners.port(app.jettyServer().server(), Listeners.HTTPS)));
            return new EdgeServer(parts, app, adminApp);
        } catch (RuntimeException e) {
            closeAll(parts);
            throw e;
        }
    }

    /** The plain HTTP port, or -1 when plain HTTP is off. */
    public int port() {
        return Listeners.port(app.jettyServer().server(), Listeners.HTTP);
    }

    /** The HTTPS port, or -1 when HTTPS is off. */
    public int httpsPort() {
        return Listeners.port(app.jettyServer().server(), Listeners.HTTPS);
    }

    private static String portOrOff(int port) {
        return port < 0 ? "off" : Integer.toString(port);
    }

    /** The admin API's port, or -1 when it is off. */
    public int adminPort() {
        return admin == null ? -1 : admin.port();
    }

    @Override
    public void close() {
        app.stop();
        closeAll(parts);
        LOG.info("edge stopped");
    }

    private static void closeAll(List<AutoCloseable> parts) {
        for (AutoCloseable c : parts) {
            try {
                c.close();
            } catch (Exception e) {
                LOG.warn("error while stopping the edge", e);
            }
        }
    }
}
