package io.ingestline.query;

import io.ingestline.model.ConfigKeys;
import io.ingestline.model.auth.RateLimiter;
import io.ingestline.model.auth.TokenAuthenticator;
import io.ingestline.model.config.ConfigFollower;
import io.ingestline.model.kafka.TopicProvisioner;
import io.ingestline.query.http.Access;
import io.ingestline.query.http.LogglyApi;
import io.ingestline.query.http.QueryMetrics;
import io.ingestline.query.search.ResultCache;
import io.ingestline.query.search.Searches;
import io.ingestline.query.store.EventStore;
import io.ingestline.query.store.FileEventStore;
import io.ingestline.query.store.PostgresEventStore;
import io.ingestline.query.store.RoutedEventStore;
import io.javalin.Javalin;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.admin.Admin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running query service: the stores over what the sinks wrote, the tokens (fixed ones and those of the
 * configuration topic, followed as every edge node follows them) and the HTTP API. It writes nothing anywhere.
 */
public final class QueryServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(QueryServer.class);
    private static final Duration CONFIG_LOAD_TIMEOUT = Duration.ofSeconds(60);

    private final Javalin app;
    private final Searches searches;
    private final ConfigFollower follower;
    private final Duration shutdownTimeout;

    private QueryServer(Javalin app, Searches searches, ConfigFollower follower, Duration shutdownTimeout) {
        this.app = app;
        this.searches = searches;
        this.follower = follower;
        this.shutdownTimeout = shutdownTimeout;
    }

    public static QueryServer start(QueryConfig config) {
        LOG.info("starting query service: {}", config);
        try (Admin admin = Admin.create(config.kafka().clientProps())) {
            new TopicProvisioner(admin, Duration.ofSeconds(30)).ensure(config.kafka().configTopic());
        }
        TokenAuthenticator tokens = new TokenAuthenticator(config.tokens());
        ConfigFollower follower = ConfigFollower.start(config.kafka(), "query-config", r -> {
            if (r.key() != null && r.key().startsWith(ConfigKeys.TOKEN)) {
                try {
                    tokens.apply(r.key().substring(ConfigKeys.TOKEN.length()), r.value());
                } catch (IOException | RuntimeException e) {
                    LOG.warn("ignoring unreadable token record {} at offset {}: {}", r.key(), r.offset(), e.getMessage());
                }
            }
        });
        EventStore store = null;
        Searches searches = null;
        try {
            store = stores(config);
            ResultCache cache = new ResultCache(config.cacheBytes(), config.cacheTtl());
            searches = new Searches(store, config.concurrency(), config.timeout(), config.resultBytes(), cache);
            QueryMetrics metrics = new QueryMetrics(cache);
            CompletableFuture<Boolean> loaded = CompletableFuture.supplyAsync(
                    () -> follower.awaitCaughtUp(CONFIG_LOAD_TIMEOUT));
            EventStore stores = store;
            Supplier<Optional<String>> notReady = () -> !loaded.getNow(false)
                    ? Optional.of("starting: the tokens of the configuration topic are not loaded yet")
                    : stores.problem().map(p -> "the store cannot be read: " + p);
            LogglyApi.Parts parts = new LogglyApi.Parts(new Access(tokens, new RateLimiter(), config.rate()),
                    searches, metrics, notReady, config.logglyDataset(), config.subdomain(), config.timeout(),
                    Clock.systemUTC());
            Javalin app = LogglyApi.create(parts, config.host(), config.port()).start();
            QueryServer server = new QueryServer(app, searches, follower, config.shutdownTimeout());
            LOG.info("query service listening on {}:{}", config.host(), server.port());
            return server;
        } catch (RuntimeException e) {
            if (searches != null) {
                searches.close();
            }
            if (store != null) {
                store.close();
            }
            follower.close();
            throw e;
        }
    }

    private static EventStore stores(QueryConfig config) {
        Map<String, EventStore> stores = new HashMap<>();
        stores.put(QueryConfig.FILES, new FileEventStore(config.datasetsDir(), config.timeout(),
                config.duckdbThreads() > 0 ? config.duckdbThreads() : Runtime.getRuntime().availableProcessors(),
                config.duckdbMemory().isEmpty() ? null : config.duckdbMemory()));
        if (config.usesPostgres()) {
            QueryConfig.Postgres pg = config.postgres();
            try {
                stores.put(QueryConfig.POSTGRES, new PostgresEventStore(new PostgresEventStore.Settings(pg.url(),
                        pg.user(), pg.password(), pg.schema(), config.timeout())));
            } catch (RuntimeException e) {
                stores.values().forEach(EventStore::close);
                throw e;
            }
        }
        return new RoutedEventStore(config::backendOf, stores);
    }

    public int port() {
        return app.port();
    }

    /** Stops taking requests, lets running searches finish within the shutdown timeout, then closes the stores. */
    @Override
    public void close() {
        app.stop();
        searches.close(shutdownTimeout);
        searches.store().close();
        follower.close();
    }
}
