package io.ingestline.model.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates topics that do not exist yet, idempotently and safely when several nodes race to create the same one, and
 * raises the {@code max.message.bytes} of those that existed when it is below what their spec asks (a topic made
 * before the limit was raised, or by hand, would otherwise refuse records the pipeline accepted). Remembers what it
 * has seen so that the check costs nothing the second time.
 */
public final class TopicProvisioner {
    private static final Logger LOG = LoggerFactory.getLogger(TopicProvisioner.class);

    private final Admin admin;
    private final Duration timeout;
    private final Set<String> known = ConcurrentHashMap.newKeySet();

    public TopicProvisioner(Admin admin, Duration timeout) {
        this.admin = admin;
        this.timeout = timeout;
    }

    /** Makes sure every topic exists; blocks up to the timeout. */
    public void ensure(Collection<TopicSpec> specs) {
        List<NewTopic> missing = new ArrayList<>();
        for (TopicSpec s : specs) {
            if (!known.contains(s.name())) {
                NewTopic t = new NewTopic(s.name(), java.util.Optional.of(s.partitions()), s.replication());
                missing.add(t.configs(s.configs()));
            }
        }
        if (missing.isEmpty()) {
            return;
        }
        var result = admin.createTopics(missing);
        List<String> existed = new ArrayList<>();
        for (NewTopic t : missing) {
            try {
                result.values().get(t.name()).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                LOG.info("created topic {} ({} partitions)", t.name(), t.numPartitions());
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw new IllegalStateException("cannot create topic " + t.name() + ": " + e.getCause().getMessage(), e);
                }
                existed.add(t.name());
            } catch (TimeoutException e) {
                throw new IllegalStateException("timed out creating topic " + t.name(), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted creating topic " + t.name(), e);
            }
            known.add(t.name());
        }
        awaitLeaders(missing.stream().map(NewTopic::name).toList());
        for (TopicSpec s : specs) {
            String limit = s.configs().get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG);
            if (limit != null && existed.contains(s.name())) {
                raiseMessageLimit(admin, List.of(s.name()), Integer.parseInt(limit), timeout);
            }
        }
    }

    /**
     * Waits, up to the timeout, until the broker answering metadata knows every partition of the topics with a
     * leader: a topic is created by the controller first, and a client started at once (a Kafka Streams global store,
     * a consumer) can otherwise find "no partitions available" and fail.
     */
    private void awaitLeaders(List<String> topics) {
        if (topics.isEmpty()) {
            return;
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try {
                boolean ready = admin.describeTopics(topics).allTopicNames().get(timeout.toMillis(), TimeUnit.MILLISECONDS)
                        .values().stream().allMatch(d -> !d.partitions().isEmpty()
                                && d.partitions().stream().allMatch(p -> p.leader() != null && !p.leader().isEmpty()));
                if (ready) {
                    return;
                }
            } catch (ExecutionException | TimeoutException e) {
                // not known yet: ask again
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted waiting for the leaders of " + topics, e);
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the partitions of " + topics + " have no leader after " + timeout);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted waiting for the leaders of " + topics, e);
            }
        }
    }

    /**
     * Sets {@code max.message.bytes} to {@code bytes} on each of the topics whose limit (its own, else the broker's
     * {@code message.max.bytes}) is lower; never lowers one. A topic that does not exist is skipped. A failure (no
     * permission to alter configs, a timeout) is logged, not thrown: the services check their record limits against
     * the topics' at start.
     */
    public static void raiseMessageLimit(Admin admin, Collection<String> topics, int bytes, Duration timeout) {
        if (topics.isEmpty()) {
            return;
        }
        List<ConfigResource> resources = topics.stream()
                .map(t -> new ConfigResource(ConfigResource.Type.TOPIC, t)).toList();
        Map<ConfigResource, Collection<AlterConfigOp>> raise = new HashMap<>();
        try {
            var described = admin.describeConfigs(resources).values();
            for (ConfigResource r : resources) {
                Config config;
                try {
                    config = described.get(r).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                        LOG.warn("cannot read {} of topic {}: {}", TopicConfig.MAX_MESSAGE_BYTES_CONFIG, r.name(),
                                e.getCause().toString());
                    }
                    continue;
                }
                ConfigEntry entry = config.get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG);
                if (entry == null || entry.value() == null || Long.parseLong(entry.value()) < bytes) {
                    LOG.info("raising {} of topic {} from {} to {}", TopicConfig.MAX_MESSAGE_BYTES_CONFIG, r.name(),
                            entry == null ? null : entry.value(), bytes);
                    raise.put(r, List.of(new AlterConfigOp(new ConfigEntry(TopicConfig.MAX_MESSAGE_BYTES_CONFIG,
                            Integer.toString(bytes)), AlterConfigOp.OpType.SET)));
                }
            }
            if (!raise.isEmpty()) {
                admin.incrementalAlterConfigs(raise).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (ExecutionException | TimeoutException e) {
            String why = e instanceof ExecutionException ? e.getCause().toString() : "timed out";
            LOG.warn("cannot raise {} of {} to {}: {}", TopicConfig.MAX_MESSAGE_BYTES_CONFIG,
                    raise.keySet().stream().map(ConfigResource::name).toList(), bytes, why);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted raising " + TopicConfig.MAX_MESSAGE_BYTES_CONFIG, e);
        }
    }

    public void ensure(TopicSpec spec) {
        if (!known.contains(spec.name())) {
            ensure(List.of(spec));
        }
    }
}
