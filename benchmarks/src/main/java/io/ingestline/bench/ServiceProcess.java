package io.ingestline.bench;

import io.ingestline.edge.EdgeConfig;
import io.ingestline.edge.EdgeServer;
import io.ingestline.sink.SinkConfig;
import io.ingestline.sink.SinkService;
import io.ingestline.validator.Validator;
import io.ingestline.validator.ValidatorConfig;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * One service in a JVM of its own, as deployed: {@code ServiceProcess edge|validator|sink} starts it from its
 * environment exactly as {@code EdgeApp}, {@code ValidatorApp} or {@code SinkApp} does, and adds only what the
 * benchmark measures it by: the {@code cpu} protocol of {@link PipelineProcess} (its threads' CPU by stage, sampled
 * every half second). Prints {@code READY <port>} (the edge's ingest port, else the service's status port); stops on
 * SIGTERM; exits 2 when the validator stops on an error, as {@code ValidatorApp} does.
 */
public final class ServiceProcess {
    private ServiceProcess() {
    }

    public static void main(String[] args) throws InterruptedException {
        Map<String, String> env = System.getenv();
        StageCpu cpu = new StageCpu(new StageThreads(env.getOrDefault("INGEST_VALIDATOR_APP_ID", "ingest-validator"),
                env.getOrDefault("INGEST_SINK_GROUP", "ingest-sink")));
        CountDownLatch stopped = new CountDownLatch(1);
        Runnable stop;
        int port;
        Validator validator = null;
        switch (args.length == 1 ? args[0] : "") {
            case "edge" -> {
                EdgeServer edge = EdgeServer.start(EdgeConfig.fromEnv(env));
                stop = edge::close;
                port = edge.port();
            }
            case "validator" -> {
                validator = Validator.start(ValidatorConfig.fromEnv(env));
                stop = validator::close;
                port = validator.statusPort();
                validator.failed().thenRun(stopped::countDown);
            }
            case "sink" -> {
                SinkService sink = SinkService.start(SinkConfig.fromEnv(env));
                stop = sink::close;
                port = sink.statusPort();
            }
            default -> throw new IllegalArgumentException("usage: ServiceProcess edge|validator|sink");
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stop.run();
            stopped.countDown();
        }, "service-shutdown"));
        PipelineProcess.serveCpu(cpu);
        System.out.println("READY " + port);
        System.out.flush();
        stopped.await();
        if (validator != null && validator.failed().isDone()) {
            System.exit(2);
        }
    }
}
