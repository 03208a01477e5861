package io.ingestline.edge.kafka;

import io.ingestline.model.RawBatch;
import io.ingestline.model.RawBatchCodec;
import io.ingestline.model.kafka.KafkaSettings;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Publishes raw batches to the raw topic and turns the producers' callbacks into one future per request, complete
 * only when the broker has acknowledged every record of it ({@code acks=all}, idempotent producers).
 *
 * <p>Requests take the producers in turn. A broker handles the requests of one connection one at a time, so a single
 * producer makes every request wait behind the one being appended; several producers (several connections to each
 * broker) let the broker work on them side by side.
 */
public final class RawBatchPublisher implements AutoCloseable {
    private final List<Producer<byte[], byte[]>> producers;
    private final String topic;
    private final LongConsumer ackNanos;
    private final AtomicInteger next = new AtomicInteger();
    private final SendWatch watch = new SendWatch();

    /** @param ackNanos told each record's time from send to acknowledgement */
    public RawBatchPublisher(Producer<byte[], byte[]> producer, String topic, LongConsumer ackNanos) {
        this(List.of(producer), topic, ackNanos);
    }

    public RawBatchPublisher(List<Producer<byte[], byte[]>> producers, String topic, LongConsumer ackNanos) {
        if (producers.isEmpty()) {
            throw new IllegalArgumentException("no producer");
        }
        this.producers = List.copyOf(producers);
        this.topic = topic;
        this.ackNanos = ackNanos;
    }

    public List<Producer<byte[], byte[]>> producers() {
        return producers;
    }

    /** Whether the producers deliver. */
    public SendWatch watch() {
        return watch;
    }

    /** {@code count} producers made by {@link #createProducer}, client ids {@code edge-api-<i>}. */
    public static List<Producer<byte[], byte[]>> createProducers(int count, Map<String, Object> common,
            Map<String, Object> overrides, int maxRecordBytes, Duration publishTimeout) {
        List<Producer<byte[], byte[]>> out = new ArrayList<>();
        try {
            for (int i = 0; i < count; i++) {
                Map<String, Object> withId = new HashMap<>(overrides);
                withId.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "edge-api");
                withId.put(ProducerConfig.CLIENT_ID_CONFIG, withId.get(ProducerConfig.CLIENT_ID_CONFIG) + "-" + i);
                out.add(createProducer(common, withId, maxRecordBytes, publishTimeout));
            }
        } catch (RuntimeException e) {
            out.forEach(Producer::close);
            throw e;
        }
        return out;
    }

    /** A producer with the edge's durable defaults; {@code overrides} win except where durability needs them. */
    public static Producer<byte[], byte[]> createProducer(Map<String, Object> common, Map<String, Object> overrides,
            int maxRecordBytes, Duration publishTimeout) {
        Map<String, Object> p = new HashMap<>(common);
        // A raw batch already carries a request's events; waiting for more only adds to every answer's latency (under
        // load records still gather while earlier sends are in flight).
        // Measured: benchmarks/results/2026-12-02-edge-vs-peer.md.
        p.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        p.put(ProducerConfig.BUFFER_MEMORY_CONFIG, 64L * 1024 * 1024);
        // send() blocks while Kafka is unreachable: keep that within the time a client waits for its answer.
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, Math.max(100L, publishTimeout.toMillis() / 2));
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "edge-api");
        p.putAll(overrides);
        // Never overridable: an acknowledged request must be on every in-sync replica, once.
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        int needed = maxRecordBytes + KafkaSettings.RECORD_OVERHEAD_BYTES;
        Object maxRequest = p.get(ProducerConfig.MAX_REQUEST_SIZE_CONFIG);
        if (maxRequest == null || Integer.parseInt(maxRequest.toString()) < needed) {
            p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Math.max(needed, 1024 * 1024));
        }
        return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** Sends every batch; the future completes when all are acknowledged, or fails with the first error. */
    public CompletableFuture<Void> publish(List<RawBatch> batches) {
        if (batches.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        Producer<byte[], byte[]> producer = producers.get(Math.floorMod(next.getAndIncrement(), producers.size()));
        CompletableFuture<?>[] acks = new CompletableFuture<?>[batches.size()];
        for (int i = 0; i < batches.size(); i++) {
            acks[i] = send(producer, batches.get(i));
        }
        return CompletableFuture.allOf(acks);
    }

    private CompletableFuture<Void> send(Producer<byte[], byte[]> producer, RawBatch batch) {
        CompletableFuture<Void> ack = new CompletableFuture<>();
        ProducerRecord<byte[], byte[]> record =
                new ProducerRecord<>(topic, batch.key().getBytes(StandardCharsets.UTF_8), batch.payload());
        RawBatchCodec.writeHeaders(batch, record.headers());
        long start = System.nanoTime();
        long id = watch.started();
        try {
            producer.send(record, (metadata, error) -> {
                watch.done(id, error);
                if (error == null) {
                    ackNanos.accept(System.nanoTime() - start);
                    ack.complete(null);
                } else {
                    ack.completeExceptionally(error);
                }
            });
        } catch (RuntimeException e) {
            watch.done(id, e);
            ack.completeExceptionally(e);
        }
        return ack;
    }

    /** Closes the producers, each waiting at most {@code timeout} for what is in flight (the rest fails). */
    public void close(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (Producer<byte[], byte[]> p : producers) {
            p.close(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
        }
    }

    @Override
    public void close() {
        producers.forEach(Producer::close);
    }
}
