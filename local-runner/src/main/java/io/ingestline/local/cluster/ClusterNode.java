package io.ingestline.local.cluster;

import io.ingestline.kafka.embedded.EmbeddedKafkaBroker;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * One node of a multi-node KRaft cluster (broker and controller) in a JVM of its own: {@code ClusterNode <node id>
 * <data dir> <client port> <controller port> <voters> <cluster id>}. Prints {@code READY <bootstrap>} once it
 * serves; stops on SIGTERM; exits with code 1 when the broker does not start. Topics default to replication 3
 * with {@code min.insync.replicas} 2.
 */
public final class ClusterNode {
    private ClusterNode() {
    }

    public static void main(String[] args) throws InterruptedException {
        Map<String, String> overrides = new HashMap<>();
        overrides.put("node.id", args[0]);
        overrides.put("controller.quorum.voters", args[4]);
        overrides.put(EmbeddedKafkaBroker.CLUSTER_ID, args[5]);
        overrides.put("default.replication.factor", "3");
        overrides.put("min.insync.replicas", "2");
        overrides.put("offsets.topic.replication.factor", "3");
        overrides.put("transaction.state.log.replication.factor", "3");
        overrides.put("transaction.state.log.min.isr", "2");
        overrides.put("share.coordinator.state.topic.replication.factor", "3");
        overrides.put("share.coordinator.state.topic.min.isr", "2");
        EmbeddedKafkaBroker broker;
        try {
            broker = EmbeddedKafkaBroker.start(new EmbeddedKafkaBroker.Options(Path.of(args[1]),
                    Integer.parseInt(args[2]), Integer.parseInt(args[3]), overrides));
        } catch (RuntimeException e) {
            e.printStackTrace();
            // At once: the half-started broker's threads would keep this JVM alive, and the cluster waiting for it.
            System.exit(1);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            broker.close();
            stopped.countDown();
        }));
        System.out.println("READY " + broker.bootstrapServers());
        System.out.flush();
        stopped.await();
    }
}
