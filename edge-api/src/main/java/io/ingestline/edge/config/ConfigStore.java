package io.ingestline.edge.config;

import io.ingestline.edge.auth.ApiToken;
import io.ingestline.edge.auth.TokenAuthenticator;
import io.ingestline.model.ConfigKeys;
import io.ingestline.model.config.ConfigFollower;
import io.ingestline.model.rules.DataCollectionRule;
import io.ingestline.model.rules.DatasetRule;
import io.ingestline.model.kafka.KafkaSettings;
import io.ingestline.model.kafka.TopicProvisioner;
import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's view of the compacted configuration topic: API tokens, data collection rules and datasets' rules. A
 * thread follows the topic from its start and keeps the node's {@link TokenAuthenticator}, {@link DcrRegistry} and
 * {@link DatasetRuleRegistry} in step, so a change made on any node applies on every node within moments, restarts
 * included. Writes wait
 * until this node has applied them, so the admin API's answer is already true here.
 */
public final class ConfigStore implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ConfigStore.class);
    private static final Duration WRITE_TIMEOUT = Duration.ofSeconds(10);

    private final TokenAuthenticator tokens;
    private final DcrRegistry dcrs;
    private final DatasetRuleRegistry datasets;
    private final TopicPartition partition;

    private final KafkaProducer<String, byte[]> producer;
    private ConfigFollower follower;

    private ConfigStore(KafkaSettings kafka, TokenAuthenticator tokens, DcrRegistry dcrs,
            DatasetRuleRegistry datasets) {
        this.tokens = tokens;
        this.dcrs = dcrs;
        this.datasets = datasets;
        this.partition = new TopicPartition(kafka.topics().config(), 0);
        Map<String, Object> p = new HashMap<>(kafka.clientProps());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "edge-config");
        this.producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
    }

    /** Creates the configuration topic when absent and starts following it. */
    public static ConfigStore start(KafkaSettings kafka, Admin admin, TokenAuthenticator tokens, DcrRegistry dcrs,
            DatasetRuleRegistry datasets) {
        new TopicProvisioner(admin, Duration.ofSeconds(30)).ensure(kafka.configTopic());
        ConfigStore store = new ConfigStore(kafka, tokens, dcrs, datasets);
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
        write(ConfigKeys.token(token.id()), token.toJson());
    }

    /** Stores (or replaces) a data collection rule and returns once this node uses it. */
    public void save(DataCollectionRule dcr) {
        write(ConfigKeys.dcr(dcr.immutableId()), dcr.toJson());
    }

    /** Stores (or replaces) a dataset's rule and returns once this node knows it. */
    public void save(DatasetRule rule) {
        write(ConfigKeys.dataset(rule.name()), rule.toJson());
    }

    /** Deletes a dataset's rule everywhere and returns once this node no longer knows it. */
    public void deleteDataset(String name) {
        write(ConfigKeys.dataset(name), null);
    }

    /** Deletes a data collection rule everywhere and returns once this node no longer knows it. */
    public void deleteDcr(String immutableId) {
        write(ConfigKeys.dcr(immutableId), null);
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
            while (follower.applied() < m.offset()) {
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

    private void apply(ConsumerRecord<String, byte[]> r) {
        String key = r.key();
        if (key != null && key.startsWith(ConfigKeys.DCR)) {
            applyDcr(key.substring(ConfigKeys.DCR.length()), r);
            return;
        }
        if (key != null && key.startsWith(ConfigKeys.DATASET)) {
            applyDataset(key.substring(ConfigKeys.DATASET.length()), r);
            return;
        }
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
            tokens.put(ApiToken.fromJson(r.value()));
            LOG.debug("token {} loaded", id);
        } catch (IOException | RuntimeException e) {
            LOG.warn("ignoring unreadable token record {} at offset {}: {}", key, r.offset(), e.getMessage());
        }
    }

    private void applyDcr(String id, ConsumerRecord<String, byte[]> r) {
        if (r.value() == null) {
            dcrs.remove(id);
            LOG.info("data collection rule {} deleted", id);
            return;
        }
        try {
            DataCollectionRule rule = DataCollectionRule.fromJson(id, r.value());
            dcrs.put(rule);
            LOG.info("data collection rule {} loaded (version {})", id, rule.version());
        } catch (IOException | RuntimeException e) {
            LOG.warn("ignoring unreadable data collection rule {} at offset {}: {}", id, r.offset(), e.getMessage());
        }
    }

    private void applyDataset(String name, ConsumerRecord<String, byte[]> r) {
        if (r.value() == null) {
            datasets.remove(name);
            LOG.info("rule of dataset {} deleted", name);
            return;
        }
        try {
            DatasetRule rule = DatasetRule.fromJson(name, r.value());
            datasets.put(rule);
            LOG.info("rule of dataset {} loaded (version {})", name, rule.version());
        } catch (IOException | RuntimeException e) {
            LOG.warn("ignoring unreadable dataset rule {} at offset {}: {}", name, r.offset(), e.getMessage());
        }
    }

    @Override
    public void close() {
        follower.close();
        producer.close();
    }
}
