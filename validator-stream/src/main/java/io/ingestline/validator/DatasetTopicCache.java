package io.ingestline.validator;

import io.ingestline.model.kafka.KafkaSettings;
import io.ingestline.model.kafka.TopicProvisioner;
import io.ingestline.model.kafka.TopicSpec;
import io.ingestline.validator.topology.DatasetTopics;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dataset topics known to exist, for the stream threads to check. An unknown dataset's topic is created (or
 * found) on a background thread, and counts as there only once every partition has a leader. The stream thread waits
 * for that at most the wait it gives (well under the transaction timeout; a topic the edge has just made is usually
 * found within milliseconds), then gets it reported pending. The set is read again from the broker
 * every {@code refresh}: topics made by others are known without a wait, and a topic an operator deleted is created
 * again before it is written to (instead of the producer waiting for its metadata inside a transaction). A topic seen
 * for the first time gets its {@code max.message.bytes} raised to the setting when lower.
 */
final class DatasetTopicCache implements DatasetTopics, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DatasetTopicCache.class);
    /** How long a topic that could not be created is reported failed before its creation is tried again. */
    private static final Duration RETRY_FAILED = Duration.ofSeconds(30);

    private final Admin admin;
    private final KafkaSettings kafka;
    private final Duration timeout;
    private final Set<String> ready = ConcurrentHashMap.newKeySet();
    private final Map<String, CompletableFuture<Void>> pending = new ConcurrentHashMap<>();
    private final Map<String, Failure> failed = new ConcurrentHashMap<>();
    private final ExecutorService creator = Executors.newSingleThreadExecutor(r -> daemon(r, "dataset-topics"));
    private final ScheduledExecutorService refresher =
            Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "dataset-topics-refresh"));

    private record Failure(String reason, long until) {
    }

    /**
     * @param timeout how long one creation (and the wait for its leaders) may take before it is tried again
     * @param refresh how often the set of existing topics is read again from the broker
     */
    DatasetTopicCache(Admin admin, KafkaSettings kafka, Duration timeout, Duration refresh) {
        this.admin = admin;
        this.kafka = kafka;
        this.timeout = timeout;
        refresh();
        refresher.scheduleWithFixedDelay(this::refresh, refresh.toMillis(), refresh.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public Status status(String dataset, Duration wait) {
        if (ready.contains(dataset)) {
            return READY;
        }
        Failure f = failed.get(dataset);
        if (f != null) {
            if (System.currentTimeMillis() < f.until) {
                return new Failed(f.reason);
            }
            failed.remove(dataset, f);
        }
        CompletableFuture<Void> creation = pending.computeIfAbsent(dataset,
                d -> CompletableFuture.runAsync(() -> create(d), creator));
        try {
            creation.get(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            return PENDING;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return PENDING;
        }
        if (ready.contains(dataset)) {
            return READY;
        }
        Failure now = failed.get(dataset);
        return now == null ? PENDING : new Failed(now.reason);
    }

    private void create(String dataset) {
        TopicSpec spec = kafka.datasetTopic(dataset);
        try {
            try {
                admin.createTopics(Set.of(new NewTopic(spec.name(), Optional.of(spec.partitions()), spec.replication())
                        .configs(spec.configs()))).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                LOG.info("created topic {} ({} partitions)", spec.name(), spec.partitions());
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
                TopicProvisioner.raiseMessageLimit(admin, List.of(spec.name()), kafka.maxMessageBytes(), timeout);
            }
            awaitLeaders(spec.name());
            ready.add(dataset);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RetriableException) {
                LOG.warn("topic {} not ready yet ({}); the next batch for it tries again", spec.name(),
                        e.getCause().toString());
            } else {
                LOG.error("cannot create topic {}; its events go to the dead letters for {}", spec.name(),
                        RETRY_FAILED, e.getCause());
                failed.put(dataset, new Failure(e.getCause().toString(),
                        System.currentTimeMillis() + RETRY_FAILED.toMillis()));
            }
        } catch (TimeoutException e) {
            LOG.warn("topic {} not ready within {}; the next batch for it tries again", spec.name(), timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            pending.remove(dataset);
        }
    }

    /**
     * Waits until every partition of the topic has a leader that serves it, so that the first write does not meet
     * none: a new partition's first produce otherwise fails with NOT_LEADER_OR_FOLLOWER, and the batches the producer
     * pipelined behind it reach a partition without producer state (OutOfOrderSequenceException at the broker). The
     * metadata can name a leader a moment before that broker serves the partition, so each leader is asked for the
     * partition's end offset, which it answers only once it serves it.
     */
    private void awaitLeaders(String topic) throws ExecutionException, TimeoutException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try {
                TopicDescription d = admin.describeTopics(Set.of(topic)).allTopicNames()
                        .get(timeout.toMillis(), TimeUnit.MILLISECONDS).get(topic);
                if (d.partitions().stream().allMatch(p -> p.leader() != null && !p.leader().isEmpty())) {
                    Map<TopicPartition, OffsetSpec> ends = new HashMap<>();
                    d.partitions().forEach(p -> ends.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
                    admin.listOffsets(ends).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                    return;
                }
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof RetriableException)) {
                    throw e;
                }
            }
            if (System.nanoTime() > deadline) {
                throw new TimeoutException();
            }
            Thread.sleep(50);
        }
    }

    /**
     * Learns the dataset topics that exist, and creates again those deleted (by an operator) that were in use: a
     * stream thread writing to one would otherwise wait for its metadata.
     */
    private void refresh() {
        try {
            Set<String> names = admin.listTopics().names().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            for (String dataset : Set.copyOf(ready)) {
                if (!names.contains(kafka.topics().dataset(dataset))) {
                    LOG.warn("topic {} was deleted; creating it again", kafka.topics().dataset(dataset));
                    ready.remove(dataset);
                    pending.computeIfAbsent(dataset, d -> CompletableFuture.runAsync(() -> create(d), creator));
                }
            }
            Pattern datasetTopic = kafka.topics().datasetPattern();
            List<String> seen = names.stream().filter(n -> datasetTopic.matcher(n).matches())
                    .filter(n -> !ready.contains(kafka.topics().datasetOf(n))).toList();
            // A topic made before the limit was raised (or by hand) would refuse the larger events.
            TopicProvisioner.raiseMessageLimit(admin, seen, kafka.maxMessageBytes(), timeout);
            seen.forEach(n -> ready.add(kafka.topics().datasetOf(n)));
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("cannot list topics: {}", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    @Override
    public void close() {
        refresher.shutdownNow();
        creator.shutdownNow();
    }
}
