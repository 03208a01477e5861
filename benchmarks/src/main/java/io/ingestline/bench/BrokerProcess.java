package io.ingestline.bench;

import io.ingestline.kafka.embedded.EmbeddedKafkaBroker;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * A single-node broker in a process of its own, so that the benchmark's load, the edge and the broker each have
 * their own JVM as they would in production. Prints {@code READY <bootstrap>} once it serves; stops on SIGTERM.
 */
public final class BrokerProcess {
    private BrokerProcess() {
    }

    public static void main(String[] args) throws InterruptedException {
        Path dir = Path.of(args[0]);
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(new EmbeddedKafkaBroker.Options(dir,
                Integer.parseInt(args[1]), Integer.parseInt(args[2]),
                // as ../shared/bench/kafka-probe's server.properties, so that runs there and here compare
                Map.of("num.partitions", "3", "auto.create.topics.enable", "true")));
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
