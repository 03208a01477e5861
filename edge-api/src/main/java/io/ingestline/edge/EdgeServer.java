package io.ingestline.edge;

import io.ingestline.edge.admin.AdminApi;
import io.ingestline.edge.admin.TokenAdminHandler;
import io.ingestline.model.auth.RateLimiter;
import io.ingestline.model.auth.TokenAuthenticator;
import io.ingestline.edge.config.ConfigStore;
import io.ingestline.edge.config.DcrRegistry;
import io.ingestline.edge.admin.DcrAdminHandler;
import io.ingestline.edge.admin.DatasetAdminHandler;
import io.ingestline.edge.admin.DryRunHandler;
import io.ingestline.edge.config.DatasetCreations;
import io.ingestline.edge.config.DatasetRuleRegistry;
import io.ingestline.edge.kafka.DatasetTopics;
import io.ingestline.edge.http.AstraLogHandler;
import io.ingestline.edge.http.AzureHandler;
import io.ingestline.edge.http.BaselimeHandler;
import io.ingestline.edge.http.IngestSupport;
import io.ingestline.edge.http.LogglyHandler;
import io.ingestline.edge.http.OtlpHandler;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
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

    /** A part to stop, given what is left of the shutdown timeout. */
    private interface Part {
        void close(Duration left) throws Exception;
    }

    private final List<Part> parts;
    private final Javalin app;
    private final Javalin admin;
    private final Javalin otlp;
    private final Duration shutdownTimeout;

    private EdgeServer(List<Part> parts, Javalin app, Javalin admin, Javalin otlp, Duration shutdownTimeout) {
        this.parts = parts;
        this.app = app;
        this.admin = admin;
        this.otlp = otlp;
        this.shutdownTimeout = shutdownTimeout;
    }

    /** Makes sure the topics exist, loads the tokens, then starts serving. */
    public static EdgeServer start(EdgeConfig config) {
        LOG.info("starting edge: {}", config);
        List<Part> parts = new ArrayList<>();
        try {
            Admin kafkaAdmin = Admin.create(config.kafka().clientProps());
            parts.add(0, kafkaAdmin::close);
            new TopicProvisioner(kafkaAdmin, Duration.ofSeconds(30)).ensure(config.kafka().rawTopic());
            TokenAuthenticator tokens = new TokenAuthenticator(config.tokens());
            DcrRegistry dcrs = new DcrRegistry();
            DatasetRuleRegistry datasetRules = new DatasetRuleRegistry();
            DatasetCreations creations = new DatasetCreations();
            ConfigStore store = ConfigStore.start(config.kafka(), kafkaAdmin,
                    new ConfigStore.Views(tokens, dcrs, datasetRules, creations));
            parts.add(0, store::close);
            if (!store.awaitCaughtUp(CONFIG_LOAD_TIMEOUT)) {
                throw new IllegalStateException("could not load the configuration topic within " + CONFIG_LOAD_TIMEOUT);
            }
            DatasetTopics datasetTopics = datasetTopics(config, kafkaAdmin, dcrs, creations, store);
            parts.add(0, left -> datasetTopics.close());
            EdgeMetrics metrics = new EdgeMetrics();
            parts.add(0, left -> metrics.close());
            RawBatchPublisher publisher = new RawBatchPublisher(RawBatchPublisher.createProducers(config.producers(),
                    config.kafka().clientProps(), config.producer(), config.maxRecordBytes(), config.publishTimeout()),
                    config.kafka().topics().raw(), metrics::kafkaSend);
            parts.add(0, publisher::close);
            publisher.producers().forEach(metrics::producer);
            InFlightBytes inFlight = new InFlightBytes(config.maxInFlightBytes());
            metrics.inFlightBytes(inFlight::used);
            Ingestor ingestor = new Ingestor(publisher, inFlight, config.maxRequestBytes(), config.maxRecordBytes(),
                    config.publishTimeout(), datasetTopics);
            KafkaReadiness readiness = new KafkaReadiness(kafkaAdmin, Duration.ofSeconds(2), publisher.watch(),
                    config.sendStall());
            metrics.readiness(readiness::reachableGauge, readiness::deliveringGauge,
                    publisher.watch()::oldestPendingNanos);
            RateLimits rateLimits = new RateLimits(new RateLimiter(), config.rateLimit());
            IngestSupport support = new IngestSupport(tokens, rateLimits, ingestor, metrics);
            OtlpHandler otlp = new OtlpHandler(support, config.otlpDataset(), config.otlpServices(),
                    config.maxRecordBytes());
            HealthHandler health = new HealthHandler(readiness::problem);
            Javalin app = EdgeApi.create(new EdgeApi.Dialects(
                            new AxiomHandler(support, config.maxRecordBytes() - 1),
                            new BaselimeHandler(support, config.maxRecordBytes()),
                            new AzureHandler(support, dcrs, config.maxRecordBytes()),
                            new AstraLogHandler(support, config.astralogDataset(), config.astralogProjects(),
                                    config.maxRecordBytes()),
                            new LogglyHandler(support, config.logglyDataset(), config.maxRecordBytes()),
                            otlp),
                    health, config.listeners(), metrics, config.metricsToken());
            Javalin otlpApp = null;
            if (config.otlpPort() >= 0) {
                otlpApp = EdgeApi.createOtlp(otlp, health, new Listeners(config.httpHost(), config.otlpPort(), -1, null,
                        config.httpLimits()), metrics);
                otlpApp.start();
                Javalin started = otlpApp;
                parts.add(0, left -> started.stop());
                LOG.info("OTLP/HTTP listening on {}:{}", config.httpHost(), otlpApp.port());
            }
            Javalin adminApp = null;
            if (config.adminToken() != null) {
                adminApp = AdminApi.create(config.adminToken(), new AdminApi.Handlers(
                        new TokenAdminHandler(store, tokens), new DcrAdminHandler(store, dcrs),
                        new DatasetAdminHandler(store, datasetRules), new DryRunHandler(dcrs, datasetRules)),
                        metrics::scrape);
                adminApp.start(config.adminHost(), config.adminPort());
                Javalin started = adminApp;
                parts.add(0, left -> started.stop());
                LOG.info("admin API listening on {}:{}", config.adminHost(), adminApp.port());
            } else {
                LOG.info("admin API off: set {} to enable it", EdgeConfig.ADMIN_TOKEN.env());
            }
            app.start();
            LOG.info("edge listening on {}: http {}, https {}", config.httpHost(),
                    portOrOff(Listeners.port(app.jettyServer().server(), Listeners.HTTP)),
                    portOrOff(Listeners.port(app.jettyServer().server(), Listeners.HTTPS)));
            return new EdgeServer(parts, app, adminApp, otlpApp, config.shutdownTimeout());
        } catch (RuntimeException e) {
            closeAll(parts, config.shutdownTimeout());
            throw e;
        }
    }

    private static DatasetTopics datasetTopics(EdgeConfig config, Admin admin, DcrRegistry dcrs,
            DatasetCreations creations, ConfigStore store) {
        DatasetTopics topics = new DatasetTopics(admin, new DatasetTopics.Settings(config.kafka(),
                config.maxDatasetsPerToken(), config.datasetTimeout(),
                s -> dcrs.get(s.dcrImmutableId()).map(d -> d.outputDatasets(s.stream())).orElse(List.of())),
                new DatasetTopics.Creations() {
                    @Override
                    public int createdBy(String tokenId) {
                        return creations.createdBy(tokenId);
                    }

                    @Override
                    public boolean recorded(String dataset) {
                        return creations.recorded(dataset);
                    }

                    @Override
                    public CompletableFuture<Void> record(String dataset, String tokenId) {
                        return store.recordCreation(dataset, tokenId);
                    }
                });
        topics.loadExisting(Duration.ofSeconds(30));
        return topics;
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

    /** The OTLP/HTTP listener's port, or -1 when it is off. */
    public int otlpPort() {
        return otlp == null ? -1 : otlp.port();
    }

    /** The admin API's port, or -1 when it is off. */
    public int adminPort() {
        return admin == null ? -1 : admin.port();
    }

    /** Stops accepting, then gives Kafka what is left of the shutdown timeout to answer what is in flight. */
    @Override
    public void close() {
        long start = System.nanoTime();
        app.stop();
        closeAll(parts, shutdownTimeout.minusNanos(System.nanoTime() - start));
        LOG.info("edge stopped in {} ms", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
    }

    private static void closeAll(List<Part> parts, Duration timeout) {
        long deadline = System.nanoTime() + Math.max(0, timeout.toNanos());
        for (Part p : parts) {
            try {
                p.close(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
            } catch (Exception e) {
                LOG.warn("error while stopping the edge", e);
            }
        }
    }
}
