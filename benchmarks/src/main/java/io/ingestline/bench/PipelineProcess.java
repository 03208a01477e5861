package io.ingestline.bench;

import io.ingestline.local.Pipeline;
import java.util.concurrent.CountDownLatch;

/**
 * The whole pipeline (edge, validator, sink) in a JVM of its own against an existing broker, configured by its
 * environment like the services. Prints {@code READY <edge port>}; stops on SIGTERM.
 */
public final class PipelineProcess {
    private PipelineProcess() {
    }

    public static void main(String[] args) throws InterruptedException {
        Pipeline pipeline = Pipeline.start(System.getenv());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            pipeline.close();
            stopped.countDown();
        }));
        System.out.println("READY " + pipeline.httpPort());
        System.out.flush();
        stopped.await();
    }
}
