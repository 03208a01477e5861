package io.ingestline.edge;

import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs one edge node from environment settings until the process is stopped. */
public final class EdgeApp {
    private static final Logger LOG = LoggerFactory.getLogger(EdgeApp.class);

    private EdgeApp() {
    }

    public static void main(String[] args) throws InterruptedException {
        EdgeServer server;
        try {
            server = EdgeServer.start(EdgeConfig.fromEnv(System.getenv()));
        } catch (RuntimeException e) {
            LOG.error("edge failed to start: {}", e.getMessage(), e);
            System.exit(1);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "edge-shutdown"));
        stopped.await();
    }
}
