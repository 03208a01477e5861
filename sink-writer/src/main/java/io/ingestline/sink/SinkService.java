package io.ingestline.sink;

import io.ingestline.model.kafka.TopicProvisioner;
import io.ingestline.model.status.StatusServer;
import io.ingestline.sink.columns.DatasetColumns;
import io.ingestline.sink.consume.DeadLetterRejects;
import io.ingestline.sink.consume.SinkMetrics;
import io.ingestline.sink.consume.SinkWorker;
import io.ingestline.sink.storage.FileStorageWriter;
import io.ingestline.sink.storage.PostgresStorageWriter;
import io.ingestline.sink.storage.RoutingStorageWriter;
import io.ingestline.sink.storage.StorageWriter;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sink workers of one process, each on its own thread with its own consumer and storage backend (files,
 * PostgreSQL, or both, routed by dataset), a producer for the dead letters, and the status endpoints.
 */
public final class SinkService implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SinkService.class);

    private final List<SinkWorker> workers = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final List<AutoCloseable> resources = new ArrayList<>();
    private Producer<byte[], byte[]> deadLetters;
    /** Typed columns from the rules, for PostgreSQL; null when no dataset goes there. */
    private DatasetColumns columns;
    private StatusServer status;
    private Duration shutdownTimeout;
    private boolean closed;

    private SinkService() {
    }

    public static SinkService start(SinkConfig config) {
        return start(config, null);
    }

    /** The storage backend of each worker's run; a seam for tests (null: as the configuration says). */
    interface Storages {
        StorageWriter create(SinkConfig config, DeadLetterRejects rejects);
    }

    static SinkService start(SinkConfig config, Storages storages) {
        LOG.info("starting sink: {}", config);
        SinkService service = new SinkService();
        new JvmMemoryMetrics().bindTo(service.registry);
        SinkMetrics metrics = new SinkMetrics(service.registry);
        service.deadLetters = producer(config);
        if (config.usesPostgres()) {
            try (Admin admin = Admin.create(config.kafka().clientProps())) {
                new TopicProvisioner(admin, Duration.ofSeconds(30)).ensure(config.kafka().configTopic());
            }
            service.columns = DatasetColumns.start(config.kafka(), Duration.ofSeconds(15));
        }
        Storages backends = storages != null ? storages : service::storage;
        for (int i = 0; i < config.workers(); i++) {
            int n = i;
            SinkWorker w = new SinkWorker(() -> service.consumer(config, n), () -> backends.create(config,
                    new DeadLetterRejects(service.deadLetters, config.kafka().topics(), metrics)),
                    config.sinkTopics(), config.commitInterval(), config.stallAfter(), metrics);
            metrics.worker(Integer.toString(i), w);
            Thread t = new Thread(w, "sink-" + config.groupId() + "-" + i);
            // a worker stuck in storage past the shutdown timeout must not keep the process alive
            t.setDaemon(true);
            t.setUncaughtExceptionHandler((th, e) -> LOG.error("{} failed", th.getName(), e));
            service.workers.add(w);
            service.threads.add(t);
        }
        service.shutdownTimeout = config.shutdownTimeout();
        service.threads.forEach(Thread::start); // first: /health counts a worker whose thread is not alive as dead
        if (config.httpPort() >= 0) {
            try {
                service.status = StatusServer.start(config.httpHost(), config.httpPort(), service.registry::scrape,
                        service::health, service::readiness);
            } catch (RuntimeException e) {
                service.close();
                throw e;
            }
            LOG.info("sink status endpoints on port {}", service.status.port());
        }
        return service;
    }

    private StorageWriter storage(SinkConfig config, DeadLetterRejects rejects) {
        Map<String, StorageWriter> backends = new HashMap<>();
        backends.put(SinkConfig.FILES, new FileStorageWriter(config.datasetsDir(), config.fileMaxBytes(),
                config.bufferBytes(), config.fileCompression()));
        if (config.usesPostgres()) {
            backends.put(SinkConfig.POSTGRES, new PostgresStorageWriter(config.postgres(), config.groupId(), rejects,
                    columns));
        }
        return new RoutingStorageWriter(backends, config::backendOf);
    }

    private Consumer<byte[], byte[]> consumer(SinkConfig config, int index) {
        Map<String, Object> p = new HashMap<>(config.kafka().clientProps());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        // New dataset topics are found by the pattern subscription when metadata refreshes.
        p.put(ConsumerConfig.METADATA_MAX_AGE_CONFIG, 5_000);
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2_000);
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "sink-" + index);
        p.putAll(config.consumer());
        // Not overridable: only committed (exactly-once) output of the validator, and commits only by the backends.
        p.put(ConsumerConfig.GROUP_ID_CONFIG, config.groupId());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
        KafkaClientMetrics m = new KafkaClientMetrics(c);
        m.bindTo(registry);
        synchronized (resources) {
            resources.add(m);
        }
        return c;
    }

    private static Producer<byte[], byte[]> producer(SinkConfig config) {
        Map<String, Object> p = new HashMap<>(config.kafka().clientProps());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "sink-dead-letters");
        return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** Up while every worker's thread runs and is not failing over and over. */
    private StatusServer.Status health() {
        boolean ok = true;
        for (int i = 0; i < workers.size(); i++) {
            ok &= workers.get(i).healthy() && threads.get(i).isAlive();
        }
        return new StatusServer.Status(ok, "{\"status\":\"" + (ok ? "up" : "down") + "\"}");
    }

    /** Ready while every worker is healthy, in its group, and not stalled (work and no commit for too long). */
    private StatusServer.Status readiness() {
        boolean ready = true;
        List<String> stalled = new ArrayList<>();
        for (int i = 0; i < workers.size(); i++) {
            SinkWorker w = workers.get(i);
            ready &= w.healthy() && w.assigned() && threads.get(i).isAlive();
            if (w.stalled()) {
                stalled.add(Integer.toString(i));
                ready = false;
            }
        }
        return new StatusServer.Status(ready, "{\"ready\":" + ready + ",\"stalled_workers\":"
                + stalled.stream().map(n -> "\"" + n + "\"").toList() + "}");
    }

    /** The port of /metrics, /health and /ready, or -1 when they are off. */
    public int statusPort() {
        return status == null ? -1 : status.port();
    }

    /**
     * Asks every worker to commit and leave its group, and waits for them up to the shutdown timeout; a worker still
     * busy then (stuck in storage) is interrupted and left behind: what it did not commit is read again by the next
     * owner of its partitions.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        long deadline = System.nanoTime() + shutdownTimeout.toNanos();
        workers.forEach(SinkWorker::stop);
        for (Thread t : threads) {
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            try {
                if (left > 0) {
                    t.join(left);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            if (t.isAlive()) {
                LOG.warn("{} did not stop within {} ms; leaving it", t.getName(), shutdownTimeout.toMillis());
                t.interrupt();
            }
        }
        if (status != null) {
            status.close();
        }
        deadLetters.close(Duration.ofSeconds(2));
        if (columns != null) {
            columns.close();
        }
        synchronized (resources) {
            for (AutoCloseable r : resources) {
                try {
                    r.close();
                } catch (Exception e) {
                    LOG.debug("closing {}: {}", r, e.getMessage());
                }
            }
        }
        registry.close();
    }
}
