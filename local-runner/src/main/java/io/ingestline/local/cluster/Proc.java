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
        // Only its own settings: one the parent happens to export (INGEST_ADMIN_TOKEN, say) must not reach every
        // service, where it could open a second admin API on the same port.
        pb.environment().keySet().removeIf(k -> k.startsWith("INGEST_") || k.startsWith("KAFKA_"));
        pb.environment().putAll(env);
        process = pb.start();
    }

    /** Whether it has been started and has not ended. */
    public synchronized boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** How it ended: its exit code, or a note that it is still running. */
    public synchronized String exitStatus() {
        return process == null || process.isAlive() ? "still running" : "exit code " + process.exitValue();
    }

    /** The last {@code lines} lines of its log, to show why it ended. */
    public String tail(int lines) throws IOException {
        if (!Files.exists(log)) {
            return "(no log)";
        }
        List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }

    /** Whether its log holds {@code text} after {@code from} bytes. */
    boolean logContains(String text, long from) throws IOException {
        if (!Files.exists(log)) {
            return false;
        }
        byte[] all = Files.readAllBytes(log);
        return all.length > from && new String(all, (int) from, all.length - (int) from, StandardCharsets.UTF_8)
                .contains(text);
    }

    /** Waits until the log holds {@code text} (after {@code from} bytes of it). */
    public void awaitLog(String text, long from, long seconds) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            if (logContains(text, from)) {
                return;
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

    /** SIGKILL without waiting, for when there is no time left to wait. */
    public synchronized void killNow() {
        if (process != null) {
            process.destroyForcibly();
        }
    }

    /** SIGTERM without waiting, so that several processes stop at once; {@link #stop()} then waits. */
    public synchronized void terminate() {
        if (process != null && process.isAlive()) {
            process.destroy();
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
