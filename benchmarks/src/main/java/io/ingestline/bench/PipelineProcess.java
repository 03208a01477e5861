package io.ingestline.bench;

import io.ingestline.local.Pipeline;
import io.ingestline.model.StepCpu;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.StringJoiner;
import java.util.concurrent.CountDownLatch;

/**
 * The whole pipeline (edge, validator, sink) in a JVM of its own against an existing broker, configured by its
 * environment like the services. Prints {@code READY <edge port>}; stops on SIGTERM.
 *
 * <p>For the benchmark's cost budget it samples its threads' CPU time ({@link StageCpu}) every half second, and
 * answers each {@code cpu} line on its standard input with a line {@code CPU name=nanoseconds ...}: each stage's
 * threads, the process, and the steps of {@link StepCpu} (zero unless it runs with {@code -Dingestline.step-cpu=true}).
 */
public final class PipelineProcess {
    private static final long SAMPLE_MS = 500;

    private PipelineProcess() {
    }

    public static void main(String[] args) throws InterruptedException {
        Map<String, String> env = System.getenv();
        StageCpu cpu = new StageCpu(new StageThreads(env.getOrDefault("INGEST_VALIDATOR_APP_ID", "ingest-validator"),
                env.getOrDefault("INGEST_SINK_GROUP", "ingest-sink")));
        Pipeline pipeline = Pipeline.start(env);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            pipeline.close();
            stopped.countDown();
        }));
        serveCpu(cpu);
        System.out.println("READY " + pipeline.httpPort());
        System.out.flush();
        stopped.await();
    }

    /**
     * Samples the threads' CPU every half second and answers each {@code cpu} line of standard input with
     * {@link #cpuLine}: the protocol every JVM the benchmark measures by stage speaks ({@link ServiceProcess} too).
     */
    static void serveCpu(StageCpu cpu) {
        daemon("stage-cpu-sampler", () -> {
            while (true) {
                cpu.sample();
                Thread.sleep(SAMPLE_MS);
            }
        });
        daemon("stage-cpu-requests", () -> {
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                if (line.strip().equals("cpu")) {
                    System.out.println(cpuLine(cpu));
                    System.out.flush();
                }
            }
            return null;
        });
    }

    /** {@code CPU edge=<ns> validator=<ns> ... process=<ns> validator.parse=<ns> ... events.sink=<n>}. */
    static String cpuLine(StageCpu cpu) {
        StringJoiner line = new StringJoiner(" ", "CPU ", "");
        cpu.totals().forEach((part, nanos) -> line.add(CostBudget.key(part) + "=" + nanos));
        line.add("process=" + StageCpu.processNanos());
        StepCpu.totals().forEach((step, nanos) -> line.add(step + "=" + nanos));
        line.add("clock=" + CLOCK_NANOS);
        return line.toString();
    }

    /**
     * What one read of a thread's CPU clock costs here, in CPU ns (0 when the steps are not timed): each timed step
     * holds about one read, which {@link CostBudget} takes off again.
     */
    private static final long CLOCK_NANOS = clockNanos();

    private static long clockNanos() {
        if (!StepCpu.ENABLED) {
            return 0;
        }
        int reads = 200_000;
        long start = StepCpu.now();
        long last = start;
        for (int i = 0; i < reads; i++) {
            last = StepCpu.now();
        }
        return (last - start) / reads;
    }

    private interface Loop {
        Object run() throws IOException, InterruptedException;
    }

    private static void daemon(String name, Loop loop) {
        Thread t = new Thread(() -> {
            try {
                loop.run();
            } catch (IOException | InterruptedException e) {
                // the process is ending
            }
        }, name);
        t.setDaemon(true);
        t.start();
    }
}
