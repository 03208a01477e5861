package io.ingestline.edge.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ingestline.model.ConfigKeys;
import io.ingestline.model.Json;
import io.ingestline.model.kafka.KafkaSettings;
import io.ingestline.model.kafka.TopicProvisioner;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tokens in the compacted configuration topic. A thread follows the topic from its start and keeps the node's
 * {@link TokenAuthenticator} in step, so a token created or revoked on any node works (or stops working) on every node
 * within moments, restarts included. Writes wait until this node has applied them, so the admin API's answer is
 * already true here.
 */
public final class TokenStore implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TokenStore.class);
    private static final Duration WRITE_TIMEOUT = Duration.ofSeconds(10);

    private final TokenAuthenticator tokens;
    private final TopicPartition partition;
    private final KafkaConsumer<String, byte[]> consumer;
    private final KafkaProducer<String, byte[]> producer;
    private final Thread follower;
    private final CompletableFuture<Void> caughtUp = new CompletableFuture<>();
    private volatile long applied = -1;
    private volatile boolean closing;

    private TokenStore(KafkaSettings kafka, TokenAuthenticator tokens) {
        this.tokens = tokens;
        this.partition = new TopicPartition(kafka.topics().config(), 0);
        Map<String, Object> c = new HashMap<>(kafka.clientProps());
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.put(ConsumerConfig.CLIENT_ID_CONFIG, "edge-config");
        this.consumer = new KafkaConsumer<>(c, new StringDeserializer(), new ByteArrayDeserializer());
        Map<String, Object> p = new HashMap<>(kafka.clientProps());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "edge-config");
        this.producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
        this.follower = new Thread(this::follow, "edge-config-follower");
        this.follower.setDaemon(true);
    }

    /** Creates the configuration topic when absent and starts following it. */
    public static TokenStore start(KafkaSettings kafka, Admin admin, TokenAuthenticator tokens) {
        new TopicProvisioner(admin, Duration.ofSeconds(30)).ensure(kafka.configTopic());
        TokenStore store = new TokenStore(kafka, tokens);
        store.follower.start();
        return store;
    }

    /** Waits until every token that existed at start-up is known here. */
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

    /** Stores a new token and returns once this node accepts it. */
    public void save(ApiToken token) {
        write(ConfigKeys.token(token.id()), toJson(token));
    }

    /** Deletes a token everywhere and returns once this node refuses it. */
    public void revoke(String id) {
        write(ConfigKeys.token(id), null);
    }

    private void write(String key, byte[] value) {
        try {
            RecordMetadata m = producer.send(new ProducerRecord<>(partition.topic(), partition.partition(), key, value))
                    .get(WRITE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            long deadline = System.nanoTime() + WRITE_TIMEOUT.toNanos();
            while (applied < m.offset()) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the configuration change was stored but not yet applied here");
                }
                Thread.sleep(5);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while writing configuration", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot write configuration: " + e.getMessage(), e);
        }
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
                    apply(r);
                    applied = r.offset();
                }
                if (!caughtUp.isDone() && consumer.position(partition) >= end) {
                    LOG.info("configuration loaded: {} token(s)", tokens.list().size());
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

    private void apply(ConsumerRecord<String, byte[]> r) {
        String key = r.key();
        if (key == null || !key.startsWith(ConfigKeys.TOKEN)) {
            return;
        }
        String id = key.substring(ConfigKeys.TOKEN.length());
        if (r.value() == null) {
            tokens.remove(id);
            LOG.info("token {} revoked", id);
            return;
        }
        try {
            tokens.put(fromJson(r.value()));
            LOG.debug("token {} loaded", id);
        } catch (IOException | RuntimeException e) {
            LOG.warn("ignoring unreadable token record {} at offset {}: {}", key, r.offset(), e.getMessage());
        }
    }

    static byte[] toJson(ApiToken t) {
        ObjectNode n = Json.mapper().createObjectNode();
        n.put("id", t.id());
        n.put("name", t.name());
        n.put("secretHash", t.secretHash());
        ArrayNode ds = n.putArray("datasets");
        t.datasets().forEach(ds::add);
        ArrayNode caps = n.putArray("capabilities");
        t.capabilities().forEach(c -> caps.add(c.name().toLowerCase(Locale.ROOT)));
        n.put("createdAt", t.createdAt().toString());
        n.put("eventsPerSecond", t.rate().eventsPerSecond());
        n.put("bytesPerSecond", t.rate().bytesPerSecond());
        return n.toString().getBytes(StandardCharsets.UTF_8);
    }

    static ApiToken fromJson(byte[] value) throws IOException {
        JsonNode n = Json.mapper().readTree(value);
        List<String> datasets = new ArrayList<>();
        n.path("datasets").forEach(d -> datasets.add(d.asText()));
        Set<ApiToken.Capability> caps = EnumSet.noneOf(ApiToken.Capability.class);
        n.path("capabilities").forEach(c -> caps.add(ApiToken.Capability.valueOf(c.asText().toUpperCase(Locale.ROOT))));
        return new ApiToken(n.path("id").asText(), n.path("name").asText(), n.path("secretHash").asText(), datasets,
                caps, Instant.parse(n.path("createdAt").asText()),
                new RateLimiter.Limit(n.path("eventsPerSecond").asLong(0), n.path("bytesPerSecond").asLong(0)));
    }

    @Override
    public void close() {
        closing = true;
        consumer.wakeup();
        try {
            follower.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        consumer.close();
        producer.close();
    }
}
