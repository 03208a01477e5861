package io.ingestline.edge.kafka;

import io.ingestline.edge.ingest.DatasetGate;
import io.ingestline.model.BatchTarget;
import io.ingestline.model.kafka.KafkaSettings;
import io.ingestline.model.kafka.TopicProvisioner;
import io.ingestline.model.kafka.TopicSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates datasets' topics before the edge publishes to them, so that the validator never has to (it would do so
 * inside its transaction). A dataset seen once is remembered: the hot path is a set lookup. A new one is looked up,
 * counted against the token that asks for it ({@link Creations}), created, and waited for until every partition has a
 * leader; requests for the same new dataset share one such future, and every wait is bounded.
 */
public final class DatasetTopics implements DatasetGate, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DatasetTopics.class);
    private static final long POLL_MILLIS = 100;
    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

    /** Who created which dataset, as every edge node sees it (the configuration topic). */
    public interface Creations {
        /** Datasets recorded as created by the token. */
        int createdBy(String tokenId);

        /** Whether some token is already recorded as the dataset's creator. */
        boolean recorded(String dataset);

        /** Records that the token creates the dataset; completes once this node counts it. */
        CompletableFuture<Void> record(String dataset, String tokenId);
    }

    /** What the gate needs besides the admin client. */
    public record Settings(KafkaSettings kafka, int maxPerToken, Duration timeout,
            Function<BatchTarget.Stream, List<String>> streamDatasets) {
    }

    private final Admin admin;
    private final Settings settings;
    private final Creations creations;
    private final Set<String> known = ConcurrentHashMap.newKeySet();
    private final ConcurrentHashMap<String, CompletableFuture<Void>> pending = new ConcurrentHashMap<>();
    /** Datasets this node is recording as created, by token, until the record is counted. */
    private final Map<String, String> reserved = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "dataset-topics");
        t.setDaemon(true);
        return t;
    });

    public DatasetTopics(Admin admin, Settings settings, Creations creations) {
        this.admin = admin;
        this.settings = settings;
        this.creations = creations;
    }

    /**
     * Remembers the dataset topics that exist now, so that their first requests cost no lookup, and raises their
     * {@code max.message.bytes} where it is below the setting (topics made before it was raised).
     */
    public void loadExisting(Duration timeout) {
        try {
            var topics = settings.kafka().topics();
            var pattern = topics.datasetPattern();
            List<String> existing = admin.listTopics().names().get(timeout.toMillis(), TimeUnit.MILLISECONDS).stream()
                    .filter(t -> pattern.matcher(t).matches()).toList();
            existing.stream().map(topics::datasetOf).forEach(known::add);
            LOG.info("{} dataset topic(s) exist", known.size());
            TopicProvisioner.raiseMessageLimit(admin, existing, settings.kafka().maxMessageBytes(), timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted listing topics", e);
        } catch (Exception e) {
            throw new IllegalStateException("cannot list the dataset topics: " + e.getMessage(), e);
        }
    }

    @Override
    public CompletableFuture<Void> ready(String tokenId, Collection<BatchTarget> targets) {
        Set<String> missing = null;
        for (BatchTarget t : targets) {
            for (String dataset : datasets(t)) {
                if (!known.contains(dataset)) {
                    missing = missing == null ? new LinkedHashSet<>() : missing;
                    missing.add(dataset);
                }
            }
        }
        if (missing == null) {
            return DONE;
        }
        List<CompletableFuture<Void>> waits = new ArrayList<>();
        for (String dataset : missing) {
            waits.add(ensure(dataset, tokenId, true));
        }
        return CompletableFuture.allOf(waits.toArray(CompletableFuture[]::new));
    }

    private List<String> datasets(BatchTarget t) {
        return t instanceof BatchTarget.Dataset d ? List.of(d.name())
                : settings.streamDatasets().apply((BatchTarget.Stream) t);
    }

    /**
     * The shared future of one dataset. A failed one is forgotten so that a later request tries again; a request that
     * joined another token's attempt refused for that token's limit tries once with its own.
     */
    private CompletableFuture<Void> ensure(String dataset, String tokenId, boolean mayRetry) {
        CompletableFuture<Void> f = pending.computeIfAbsent(dataset, d -> start(d, tokenId));
        f.whenComplete((v, e) -> pending.remove(dataset, f));
        return f.exceptionallyCompose(e -> {
            Throwable cause = unwrap(e);
            if (mayRetry && cause instanceof DatasetLimitException limit && !limit.tokenId().equals(tokenId)) {
                return ensure(dataset, tokenId, false);
            }
            return CompletableFuture.failedFuture(cause);
        });
    }

    private CompletableFuture<Void> start(String dataset, String tokenId) {
        TopicSpec spec = settings.kafka().datasetTopic(dataset);
        long deadline = System.nanoTime() + settings.timeout().toNanos();
        // Off the admin client's thread: recording the creation may wait for the configuration producer's metadata.
        CompletableFuture<Void> f = describe(spec.name())
                .thenComposeAsync(found -> found.isPresent() ? DONE : create(dataset, tokenId, spec), timer)
                .thenCompose(v -> awaitLeaders(spec.name(), deadline))
                .orTimeout(settings.timeout().toMillis(), TimeUnit.MILLISECONDS);
        f.whenComplete((v, e) -> {
            if (e == null) {
                known.add(dataset);
            } else if (!(unwrap(e) instanceof DatasetLimitException)) {
                LOG.warn("dataset {} is not ready: {}", dataset, unwrap(e).toString());
            }
        });
        return f.exceptionallyCompose(e -> {
            Throwable cause = unwrap(e);
            return CompletableFuture.failedFuture(cause instanceof DatasetLimitException ? cause
                    : new DatasetNotReadyException("dataset " + dataset + " is being created and is not ready yet; "
                            + "retry", cause instanceof TimeoutException ? null : cause));
        });
    }

    private CompletableFuture<Void> create(String dataset, String tokenId, TopicSpec spec) {
        CompletableFuture<Void> recorded;
        if (creations.recorded(dataset)) {
            recorded = DONE;
        } else if (!reserve(dataset, tokenId)) {
            return CompletableFuture.failedFuture(new DatasetLimitException(tokenId, dataset, settings.maxPerToken()));
        } else {
            // Recorded first: a crash between the two leaves a record without a topic (counted), never a topic that
            // no token pays for.
            recorded = creations.record(dataset, tokenId).whenComplete((v, e) -> reserved.remove(dataset));
        }
        return recorded.thenCompose(v -> {
            NewTopic t = new NewTopic(spec.name(), Optional.of(spec.partitions()), spec.replication())
                    .configs(spec.configs());
            return admin.createTopics(List.of(t)).all().toCompletionStage().toCompletableFuture()
                    .handle((ok, e) -> {
                        Throwable cause = e == null ? null : unwrap(e);
                        if (cause != null && !(cause instanceof TopicExistsException)) {
                            throw new CompletionException(cause);
                        }
                        if (cause == null) {
                            LOG.info("created topic {} for token {}", spec.name(), tokenId);
                        }
                        return null;
                    });
        });
    }

    /**
     * Counts the dataset against the token until its record is counted by {@link Creations}, so that creations
     * started on this node at the same moment cannot each see room for one more.
     */
    private synchronized boolean reserve(String dataset, String tokenId) {
        long pendingHere = reserved.values().stream().filter(tokenId::equals).count();
        if (creations.createdBy(tokenId) + pendingHere >= settings.maxPerToken()) {
            return false;
        }
        reserved.put(dataset, tokenId);
        return true;
    }

    /** The topic's description, empty when it does not exist. */
    private CompletableFuture<Optional<TopicDescription>> describe(String topic) {
        return admin.describeTopics(List.of(topic)).allTopicNames().toCompletionStage().toCompletableFuture()
                .handle((all, e) -> {
                    if (e == null) {
                        return Optional.ofNullable(all.get(topic));
                    }
                    if (unwrap(e) instanceof UnknownTopicOrPartitionException) {
                        return Optional.empty();
                    }
                    throw new CompletionException(unwrap(e));
                });
    }

    /** Completes once every partition of the topic has a leader in metadata; polls, never blocks a thread. */
    private CompletableFuture<Void> awaitLeaders(String topic, long deadline) {
        return describe(topic).exceptionally(e -> Optional.empty()).thenCompose(d -> {
            if (d.isPresent() && !d.get().partitions().isEmpty()
                    && d.get().partitions().stream().allMatch(p -> p.leader() != null && !p.leader().isEmpty())) {
                return DONE;
            }
            if (System.nanoTime() > deadline) {
                return CompletableFuture.failedFuture(new TimeoutException("no leaders for " + topic));
            }
            Executor later = CompletableFuture.delayedExecutor(POLL_MILLIS, TimeUnit.MILLISECONDS, timer);
            return CompletableFuture.supplyAsync(() -> null, later).thenCompose(v -> awaitLeaders(topic, deadline));
        });
    }

    private static Throwable unwrap(Throwable e) {
        Throwable t = e;
        while ((t instanceof CompletionException || t instanceof java.util.concurrent.ExecutionException)
                && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
