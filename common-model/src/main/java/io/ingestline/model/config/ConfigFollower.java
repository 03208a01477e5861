package io.ingestline.model.config;

import io.ingestline.model.kafka.KafkaSettings;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A thread that reads the compacted configuration topic ({@code ConfigKeys}) from its start and then follows it,
 * handing each record, in order, to a callback: how a service keeps its view of tokens and rules in step with every
 * other node's. {@link #awaitCaughtUp} waits until what was there at start is applied; {@link #applied()} is the
 * offset of the last record applied.
 */
public final class ConfigFollower implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ConfigFollower.class);

    private final KafkaConsumer<String, byte[]> consumer;
    private final TopicPartition partition;
    private final Consumer<ConsumerRecord<String, byte[]>> apply;
    private final Thread thread;
    private final CompletableFuture<Void> caughtUp = new CompletableFuture<>();
    private volatile long applied = -1;
    private volatile boolean closing;

    private ConfigFollower(KafkaSettings kafka, String clientId, Consumer<ConsumerRecord<String, byte[]>> apply) {
        Map<String, Object> c = new HashMap<>(kafka.clientProps());
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        this.consumer = new KafkaConsumer<>(c, new StringDeserializer(), new ByteArrayDeserializer());
        this.partition = new TopicPartition(kafka.topics().config(), 0);
        this.apply = apply;
        this.thread = new Thread(this::follow, clientId + "-follower");
        this.thread.setDaemon(true);
    }

    /** Starts following; the topic must exist. {@code apply} runs on the follower's thread. */
    public static ConfigFollower start(KafkaSettings kafka, String clientId,
            Consumer<ConsumerRecord<String, byte[]>> apply) {
        ConfigFollower f = new ConfigFollower(kafka, clientId, apply);
        f.thread.start();
        return f;
    }

    /**
     * Waits until every record that was in the topic at start is applied.
     *
     * @return false on timeout
     * @throws IllegalStateException if the topic cannot be read
     */
    public boolean awaitCaughtUp(Duration timeout) {
        try {
            caughtUp.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot read the configuration topic", e.getCause());
        }
    }

    /** The offset of the last record applied, -1 before the first. */
    public long applied() {
        return applied;
    }

    private void follow() {
        try {
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            long end = consumer.endOffsets(List.of(partition)).get(partition);
            if (end == 0) {
                caughtUp.complete(null);
            }
            while (!closing) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    apply.accept(r);
                    applied = r.offset();
                }
                if (!caughtUp.isDone() && consumer.position(partition) >= end) {
                    caughtUp.complete(null);
                }
            }
        } catch (WakeupException e) {
            if (!closing) {
                caughtUp.completeExceptionally(e);
            }
        } catch (RuntimeException e) {
            LOG.error("stopped following the configuration topic", e);
            caughtUp.completeExceptionally(e);
        }
    }

    @Override
    public void close() {
        closing = true;
        consumer.wakeup();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        consumer.close();
    }
}
