package io.ingestline.sink;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** A sink ({@link SinkApp}) in a JVM of its own, so that a test can kill it with SIGKILL. */
final class SinkProcess {
    final Process process;
    private final Path log;

    private SinkProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /** Starts a sink whose consumer is the static group member {@code name}: restarted, it gets its partitions back. */
    static SinkProcess start(Map<String, String> env, String name) throws IOException {
        Path log = Path.of("target", "sink-" + name + "-" + System.nanoTime() + ".log");
        Files.createDirectories(log.getParent());
        ProcessBuilder pb = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-cp", System.getProperty("java.class.path"), SinkApp.class.getName()))
                .redirectErrorStream(true).redirectOutput(log.toFile());
        Map<String, String> own = new HashMap<>(env);
        own.put("KAFKA_CONSUMER_GROUP_INSTANCE_ID", name);
        pb.environment().putAll(own);
        return new SinkProcess(pb.start(), log);
    }

    /** Waits until the sink has committed to storage at least {@code commits} times since it started. */
    void awaitCommits(int commits, long seconds) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            if (Files.exists(log) && Files.readString(log, StandardCharsets.UTF_8).split("sink commit ", -1).length - 1
                    >= commits) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the sink did not commit " + commits + " times within " + seconds + " s; see " + log);
    }

    void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new AssertionError("the sink did not die");
        }
    }

    void stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            throw new AssertionError("the sink did not stop within 60 s; see " + log);
        }
    }
}
