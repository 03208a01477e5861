package io.ingestline.edge.config;

import io.ingestline.model.auth.ApiToken;
import io.ingestline.model.auth.TokenAuthenticator;
import io.ingestline.model.ConfigKeys;
import io.ingestline.model.Json;
import io.ingestline.model.config.ConfigFollower;
import io.ingestline.model.kafka.KafkaSettings;
import io.ingestline.model.kafka.TopicProvisioner;
import io.ingestline.model.rules.DataCollectionRule;
import io.ingestline.model.rules.DatasetRule;
import io.ingestline.model.rules.RuleRecords;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's view of the compacted configuration topic: API tokens, data collection rules, datasets' rules and who
 * created which dataset. A thread follows the topic from its start and keeps the node's {@link TokenAuthenticator},
 * {@link DcrRegistry}, {@link DatasetRuleRegistry} and {@link DatasetCreations} in step, so a change made on any node
 * applies on every node within moments, restarts included. Writes complete once this node has applied them, so the
 * admin API's answer is already true here.
 */
public final class ConfigStore implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ConfigStore.class);
    private static final Duration WRITE_TIMEOUT = Duration.ofSeconds(10);
    /** Names a write so that the node that made it learns what became of it when it reads it back. */
    private static final String CHANGE_HEADER = "ingest.change";
    private static final int HEAL_ATTEMPTS = 3;

    private final TokenAuthenticator tokens;
    private final DcrRegistry dcrs;
    private final DatasetRuleRegistry datasets;
    private final DatasetCreations creations;
    private final String topic;
    private final Map<String, CompletableFuture<Applied>> waiting = new ConcurrentHashMap<>();

    private final KafkaProducer<String, byte[]> producer;
    private ConfigFollower follower;
    private volatile Runnable beforeRestore = () -> { };

    /** A record this node wrote and has read back: its offset and, for a rule, what readers did with it. */
    public record Applied(long offset, RuleRecords.Decision decision) {
    }

    /** A rule change: the version it got, and whether it applied (false: it was based on a stale version). */
    public record RuleChange(long version, boolean applied) {
    }

    /** What a store keeps in step. */
    public record Views(TokenAuthenticator tokens, DcrRegistry dcrs, DatasetRuleRegistry datasets,
            DatasetCreations creations) {
    }

    private ConfigStore(KafkaSettings kafka, Views views) {
        this.tokens = views.tokens();
        this.dcrs = views.dcrs();
        this.datasets = views.datasets();
        this.creations = views.creations();
        this.topic = kafka.topics().config();
        Map<String, Object> p = new HashMap<>(kafka.clientProps());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "edge-config");
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, WRITE_TIMEOUT.toMillis() / 2);
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) WRITE_TIMEOUT.toMillis());
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) WRITE_TIMEOUT.toMillis() / 2);
        this.producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
    }

    /** Creates the configuration topic when absent and starts following it. */
    public static ConfigStore start(KafkaSettings kafka, Admin admin, Views views) {
        new TopicProvisioner(admin, Duration.ofSeconds(30)).ensure(kafka.configTopic());
        ConfigStore store = new ConfigStore(kafka, views);
        store.follower = ConfigFollower.start(kafka, "edge-config", store::apply);
        return store;
    }

    /** Waits until every token and rule that existed at start-up is known here. */
    public boolean awaitCaughtUp(Duration timeout) {
        boolean done = follower.awaitCaughtUp(timeout);
        if (done) {
            LOG.info("configuration loaded: {} token(s), {} data collection rule(s), {} dataset rule(s)",
                    tokens.list().size(), dcrs.list().size(), datasets.list().size());
        }
        return done;
    }

    /** Stores a new token and returns once this node accepts it. */
    public void save(ApiToken token) {
        await(write(ConfigKeys.token(token.id()), token.toJson(), null));
    }

    /** Deletes a token everywhere and returns once this node refuses it. */
    public void revoke(String id) {
        await(write(ConfigKeys.token(id), null, null));
    }

    /**
     * Stores (or replaces, or with a null rule deletes) a data collection rule, based on version {@code expected}
     * when given, and returns once this node applied or refused it.
     */
    public RuleChange changeDcr(String id, DataCollectionRule rule, Long expected) {
        return change(dcrs, ConfigKeys.dcr(id), id, rule == null ? null : rule.toJson(), expected,
                r -> r.map(DataCollectionRule::toJson));
    }

    /** {@link #changeDcr} for a dataset's rule. */
    public RuleChange changeDataset(String name, DatasetRule rule, Long expected) {
        return change(datasets, ConfigKeys.dataset(name), name, rule == null ? null : rule.toJson(), expected,
                r -> r.map(DatasetRule::toJson));
    }

    /** Records that a token creates a dataset; completes once this node counts it. */
    public CompletableFuture<Void> recordCreation(String dataset, String tokenId) {
        Map<String, String> value = Map.of("dataset", dataset, "token", tokenId, "at", Instant.now().toString());
        try {
            return write(ConfigKeys.created(dataset), Json.mapper().writeValueAsBytes(value), null)
                    .thenApply(a -> null);
        } catch (IOException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private <T> RuleChange change(RuleRegistry<T> registry, String key, String id, byte[] json, Long expected,
            Function<Optional<T>, Optional<byte[]>> currentJson) {
        byte[] value = json == null || expected == null ? json : RuleRecords.conditional(json, expected);
        Header condition = json == null && expected != null ? RuleRecords.expectedHeader(expected) : null;
        Applied a = await(write(key, value, condition));
        if (!(a.decision() instanceof RuleRecords.Ignore)) {
            return new RuleChange(a.offset(), true);
        }
        heal(registry, key, id, a.offset(), currentJson);
        return new RuleChange(a.offset(), false);
    }

    /**
     * A refused change that is the key's last record would, once compaction removed what it was refused against,
     * be all a new reader finds: it would refuse it too and never learn the current rule. So the current rule is
     * stored again after it ({@link RuleRecords#restore}: same content, same version, so a refused change moves
     * nothing an admin can see), based on the current version so that it never overwrites a change made meanwhile.
     * A delete that lands between the check and the restore is undone by the restore on every reader (a reader with no
     * rule of the key applies it, as one that starts after compaction must), so it is deleted again at once.
     */
    private <T> void heal(RuleRegistry<T> registry, String key, String id, long refused,
            Function<Optional<T>, Optional<byte[]>> currentJson) {
        long last = refused;
        for (int i = 0; i < HEAL_ATTEMPTS && registry.latestRecord(id) == last; i++) {
            // one read: the rule and its version from the same record (the registry's version may move meanwhile)
            Optional<byte[]> json = currentJson.apply(registry.get(id));
            long current = json.map(RuleRecords::versionOf).orElse(RuleRecords.NONE);
            if (current == RuleRecords.NONE) {
                return;
            }
            beforeRestore.run();
            Applied a = await(write(key, RuleRecords.restore(json.get(), current), null));
            if (!(a.decision() instanceof RuleRecords.Ignore)) {
                LOG.info("stored {} again at offset {} after the refused change at offset {} (version {} kept)", key,
                        a.offset(), refused, current);
                long deletedAt = registry.deletedAt(id);
                if (deletedAt <= last) {
                    return;
                }
                // based on the restored version: a change made since stays (and this delete, refused, is healed)
                a = await(write(key, null, RuleRecords.expectedHeader(current)));
                LOG.info("{} was deleted at offset {} meanwhile: deleted again at offset {}{}", key, deletedAt,
                        a.offset(), a.decision() instanceof RuleRecords.Ignore ? ", refused: a change landed first" : "");
                if (!(a.decision() instanceof RuleRecords.Ignore)) {
                    return;
                }
            }
            // a change landed between: refused in turn, so the same holds for this record
            last = a.offset();
        }
        if (registry.latestRecord(id) == last) {
            LOG.warn("{}: the refused change at offset {} is still the key's last record after {} attempts to store "
                    + "the current rule again", key, last, HEAL_ATTEMPTS);
        }
    }

    /** Runs before each restore's write (tests: a change landing between the check and the restore). */
    void beforeRestore(Runnable hook) {
        this.beforeRestore = hook;
    }

    private CompletableFuture<Applied> write(String key, byte[] value, Header condition) {
        String change = UUID.randomUUID().toString();
        CompletableFuture<Applied> applied = new CompletableFuture<>();
        waiting.put(change, applied);
        List<Header> headers = new ArrayList<>();
        headers.add(new RecordHeader(CHANGE_HEADER, change.getBytes(StandardCharsets.UTF_8)));
        if (condition != null) {
            headers.add(condition);
        }
        try {
            producer.send(new ProducerRecord<>(topic, 0, key, value, headers), (m, e) -> {
                if (e != null) {
                    applied.completeExceptionally(e);
                }
            });
        } catch (RuntimeException e) {
            applied.completeExceptionally(e);
        }
        return applied.orTimeout(WRITE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                .whenComplete((a, e) -> waiting.remove(change));
    }

    private static Applied await(CompletableFuture<Applied> write) {
        try {
            return write.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while writing configuration", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof TimeoutException) {
                throw new IllegalStateException("the configuration change was not stored and applied here within "
                        + WRITE_TIMEOUT);
            }
            throw new IllegalStateException("cannot write configuration: " + e.getCause().getMessage(), e.getCause());
        }
    }

    private void apply(ConsumerRecord<String, byte[]> r) {
        RuleRecords.Decision decision = null;
        try {
            decision = applyRecord(r);
        } finally {
            Header change = r.headers().lastHeader(CHANGE_HEADER);
            CompletableFuture<Applied> w = change == null ? null
                    : waiting.get(new String(change.value(), StandardCharsets.UTF_8));
            if (w != null) {
                w.complete(new Applied(r.offset(), decision));
            }
        }
    }

    private RuleRecords.Decision applyRecord(ConsumerRecord<String, byte[]> r) {
        String key = r.key();
        if (key == null) {
            return null;
        }
        if (key.startsWith(ConfigKeys.DCR)) {
            return applyRule(dcrs, "data collection rule", key.substring(ConfigKeys.DCR.length()), r);
        }
        if (key.startsWith(ConfigKeys.DATASET)) {
            return applyRule(datasets, "rule of dataset", key.substring(ConfigKeys.DATASET.length()), r);
        }
        if (key.startsWith(ConfigKeys.CREATED)) {
            applyCreation(key.substring(ConfigKeys.CREATED.length()), r);
        } else if (key.startsWith(ConfigKeys.TOKEN)) {
            applyToken(key.substring(ConfigKeys.TOKEN.length()), r);
        }
        return null;
    }

    private void applyToken(String id, ConsumerRecord<String, byte[]> r) {
        try {
            tokens.apply(id, r.value());
            LOG.debug("token {} {}", id, r.value() == null ? "revoked" : "loaded");
        } catch (IOException | RuntimeException e) {
            LOG.warn("ignoring unreadable token record {} at offset {}: {}", r.key(), r.offset(), e.getMessage());
        }
    }

    private void applyCreation(String dataset, ConsumerRecord<String, byte[]> r) {
        if (r.value() == null) {
            creations.remove(dataset);
            return;
        }
        try {
            creations.put(dataset, Json.mapper().readTree(r.value()).path("token").asText(""));
        } catch (IOException e) {
            LOG.warn("ignoring unreadable record {} at offset {}: {}", r.key(), r.offset(), e.getMessage());
        }
    }

    private RuleRecords.Decision applyRule(RuleRegistry<?> registry, String kind, String id,
            ConsumerRecord<String, byte[]> r) {
        try {
            RuleRecords.Decision d = registry.apply(id, r.value(), r.headers(), r.offset());
            if (d instanceof RuleRecords.Ignore i) {
                LOG.info("{} {}: change at offset {} refused: {}", kind, id, r.offset(), i.reason());
            } else if (d instanceof RuleRecords.Apply a) {
                LOG.info("{} {} loaded at offset {} (version {})", kind, id, r.offset(), a.version());
            } else {
                LOG.info("{} {} deleted at offset {}", kind, id, r.offset());
            }
            return d;
        } catch (IOException | RuntimeException e) {
            LOG.warn("{} {} at offset {} is unreadable; the key has no rule now: {}", kind, id, r.offset(),
                    e.getMessage());
            return new RuleRecords.Apply(r.value(), r.offset());
        }
    }

    /** Stops following and writing, each within {@code timeout}. */
    public void close(Duration timeout) {
        follower.close();
        producer.close(timeout);
    }

    @Override
    public void close() {
        close(WRITE_TIMEOUT);
    }
}
