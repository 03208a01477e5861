package io.ingestline.validator;

import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs one validator instance from environment settings until the process is stopped or it fails. */
public final class ValidatorApp {
    private static final Logger LOG = LoggerFactory.getLogger(ValidatorApp.class);

    private ValidatorApp() {
    }

    public static void main(String[] args) throws InterruptedException {
        Validator validator;
        try {
            validator = Validator.start(ValidatorConfig.fromEnv(System.getenv()));
        } catch (RuntimeException e) {
            LOG.error("validator failed to start: {}", e.getMessage(), e);
            System.exit(1);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            validator.close();
            stopped.countDown();
        }, "validator-shutdown"));
        validator.failed().thenRun(stopped::countDown);
        stopped.await();
        if (validator.failed().isDone()) {
            System.exit(2);
        }
    }
}
