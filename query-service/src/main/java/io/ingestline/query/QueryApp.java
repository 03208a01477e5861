package io.ingestline.query;

import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs the query service from environment settings until the process is stopped. */
public final class QueryApp {
    private static final Logger LOG = LoggerFactory.getLogger(QueryApp.class);

    private QueryApp() {
    }

    public static void main(String[] args) throws InterruptedException {
        QueryServer server;
        try {
            server = QueryServer.start(QueryConfig.fromEnv(System.getenv()));
        } catch (RuntimeException e) {
            LOG.error("query service failed to start: {}", e.getMessage(), e);
            System.exit(1);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "query-shutdown"));
        stopped.await();
    }
}
