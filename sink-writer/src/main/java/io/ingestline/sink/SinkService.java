package io.ingestline.sink;

import io.ingestline.sink.consume.SinkWorker;
import io.ingestline.sink.storage.FileStorageWriter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The sink workers of one process, each on its own thread with its own consumer and storage writer. */
public final class SinkService implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SinkService.class);

    private final List<SinkWorker> workers = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();

    private SinkService() {
    }

    public static SinkService start(SinkConfig config) {
        LOG.info("starting sink: {}", config);
        SinkService service = new SinkService();
        for (int i = 0; i < config.workers(); i++) {
            int n = i;
            SinkWorker w = new SinkWorker(() -> consumer(config, n), new FileStorageWriter(config.datasetsDir()),
                    config.kafka().topics(), config.flushInterval());
            Thread t = new Thread(w, "sink-worker-" + i);
            t.setUncaughtExceptionHandler((th, e) -> LOG.error("{} failed", th.getName(), e));
            service.workers.add(w);
            service.threads.add(t);
            t.start();
        }
        return service;
    }

    static Consumer<byte[], byte[]> consumer(SinkConfig config, int index) {
        Map<String, Object> p = new HashMap<>(config.kafka().clientProps());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        // New dataset topics are found by the pattern subscription when metadata refreshes.
        p.put(ConsumerConfig.METADATA_MAX_AGE_CONFIG, 5_000);
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2_000);
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "sink-" + index);
        p.putAll(config.consumer());
        // Not overridable: only committed (exactly-once) output of the validator, and commits only after writes.
        p.put(ConsumerConfig.GROUP_ID_CONFIG, config.groupId());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        return new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    @Override
    public void close() {
        workers.forEach(SinkWorker::stop);
        for (Thread t : threads) {
            try {
                t.join(TimeUnit.SECONDS.toMillis(30));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
