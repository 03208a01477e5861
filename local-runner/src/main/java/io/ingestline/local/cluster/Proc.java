package io.ingestline.local.cluster;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** One JVM of the local cluster: started from this JVM's class path, its output in a log file; killable. */
public final class Proc {
    private final String name;
    private final List<String> command;
    private final Map<String, String> env;
    private final Path log;
    private Process process;

    Proc(String name, String mainClass, List<String> jvmArgs, List<String> args, Map<String, String> env, Path logDir) {
        this.name = name;
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmArgs);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(mainClass);
        cmd.addAll(args);
        this.command = List.copyOf(cmd);
        this.env = Map.copyOf(env);
        this.log = logDir.resolve(name + ".log");
    }

    public String name() {
        return name;
    }

    /** Starts (or starts again) the process, appending to its log. */
    public synchronized void start() throws IOException {
        Files.createDirectories(log.getParent());
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().putAll(env);
        process = pb.start();
    }

    /** Waits until the log holds {@code text} (after {@code from} bytes of it). */
    public void awaitLog(String text, long from, long seconds) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            if (Files.exists(log)) {
                byte[] all = Files.readAllBytes(log);
                if (all.length > from && new String(all, (int) from, all.length - (int) from, StandardCharsets.UTF_8)
                        .contains(text)) {
                    return;
                }
            }
            if (process != null && !process.isAlive()) {
                throw new IllegalStateException(name + " ended; see " + log);
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException(name + " did not log '" + text + "' within " + seconds + " s; see " + log);
    }

    /** The log's size now, to wait for what comes after it. */
    public long logSize() throws IOException {
        return Files.exists(log) ? Files.size(log) : 0;
    }

    /** SIGKILL: the process dies at once, as in a crash. */
    public synchronized void kill() throws InterruptedException {
        if (process != null) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }

    /** SIGTERM, waiting for a clean stop. */
    public synchronized void stop() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    public Path log() {
        return log;
    }
}
