package io.ingestline.model.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates topics that do not exist yet, idempotently and safely when several nodes race to create the same one.
 * Remembers what it has seen so that the check costs nothing the second time.
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
        for (NewTopic t : missing) {
            try {
                result.values().get(t.name()).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                LOG.info("created topic {} ({} partitions)", t.name(), t.numPartitions());
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw new IllegalStateException("cannot create topic " + t.name() + ": " + e.getCause().getMessage(), e);
                }
            } catch (TimeoutException e) {
                throw new IllegalStateException("timed out creating topic " + t.name(), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted creating topic " + t.name(), e);
            }
            known.add(t.name());
        }
    }

    public void ensure(TopicSpec spec) {
        if (!known.contains(spec.name())) {
            ensure(List.of(spec));
        }
    }
}
