package io.ingestline.sink;

import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs the sink workers of one process from environment settings until the process is stopped. */
public final class SinkApp {
    private static final Logger LOG = LoggerFactory.getLogger(SinkApp.class);

    private SinkApp() {
    }

    public static void main(String[] args) throws InterruptedException {
        SinkService sink;
        try {
            sink = SinkService.start(SinkConfig.fromEnv(System.getenv()));
        } catch (RuntimeException e) {
            LOG.error("sink failed to start: {}", e.getMessage(), e);
            System.exit(1);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            sink.close();
            stopped.countDown();
        }, "sink-shutdown"));
        stopped.await();
    }
}
