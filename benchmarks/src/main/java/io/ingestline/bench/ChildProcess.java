package io.ingestline.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** A JVM on this benchmark's class path, its output copied to a log file and watched for a line. */
final class ChildProcess implements AutoCloseable {
    private final Process process;
    private final List<String> lines = new ArrayList<>();
    private final CompletableFuture<String> awaited = new CompletableFuture<>();
    /** The answer {@link #ask} waits for: a line starting with its prefix. */
    private volatile Answer answer;
    /** The process's CPU seconds when last seen alive by {@link #waitFor}. */
    private volatile double lastCpuSeconds = Double.NaN;

    private record Answer(String prefix, CompletableFuture<String> line) {
    }

    /** What to do, once, at the first line that matches (see {@link #onFirst}). */
    private record Hook(Predicate<String> line, Runnable action) {
    }

    private volatile Hook hook;

    /** CPU time (user + system) the process has used so far, in seconds; NaN where /proc cannot tell. */
    double cpuSeconds() {
        return ProcStat.read(process.pid()).map(ProcStat::cpuSeconds).orElse(Double.NaN);
    }

    /** Resident memory of the process ({@code VmRSS} of {@code /proc/<pid>/status}), 0 when unknown. */
    long rssBytes() {
        try {
            for (String l : java.nio.file.Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
                if (l.startsWith("VmRSS:")) {
                    return Long.parseLong(l.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (java.io.IOException | RuntimeException e) {
            // gone
        }
        return 0;
    }

    private ChildProcess(Process process, Path log, Predicate<String> waitFor) {
        this.process = process;
        Thread pump = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
                    PrintWriter w = new PrintWriter(Files.newBufferedWriter(log, StandardCharsets.UTF_8))) {
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                    w.println(line);
                    synchronized (lines) {
                        lines.add(line);
                    }
                    if (waitFor.test(line)) {
                        awaited.complete(line);
                    }
                    Answer a = answer;
                    if (a != null && line.startsWith(a.prefix())) {
                        a.line().complete(line);
                    }
                    Hook h = hook;
                    if (h != null && h.line().test(line)) {
                        hook = null;
                        h.action().run();
                    }
                }
            } catch (IOException e) {
                awaited.completeExceptionally(e);
            }
            awaited.completeExceptionally(new IllegalStateException("process ended; see " + log));
        }, "child-output");
        pump.setDaemon(true);
        pump.start();
    }

    static ChildProcess start(String mainClass, List<String> jvmArgs, List<String> args, Map<String, String> env,
            Path log, Predicate<String> waitFor) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmArgs);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(mainClass);
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().putAll(env);
        return new ChildProcess(pb.start(), log, waitFor);
    }

    /** The first line that matched, waiting at most {@code seconds}. */
    String await(long seconds) throws Exception {
        return awaited.get(seconds, TimeUnit.SECONDS);
    }

    /** Runs {@code action} (on the thread reading the output) when the first line matching {@code line} comes. */
    void onFirst(Predicate<String> line, Runnable action) {
        hook = new Hook(line, action);
    }

    /** Writes a line to the process's standard input and waits for its output's next line starting with prefix. */
    synchronized String ask(String command, String prefix, long seconds) throws Exception {
        Answer a = new Answer(prefix, new CompletableFuture<>());
        answer = a;
        process.getOutputStream().write((command + "\n").getBytes(StandardCharsets.UTF_8));
        process.getOutputStream().flush();
        try {
            return a.line().get(seconds, TimeUnit.SECONDS);
        } finally {
            answer = null;
        }
    }

    /** Waits for the process to end by itself, noting its CPU time until then ({@link #cpuSecondsAtEnd}). */
    int waitFor(long seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!process.waitFor(100, TimeUnit.MILLISECONDS)) {
            double cpu = cpuSeconds();
            if (!Double.isNaN(cpu)) {
                lastCpuSeconds = cpu;
            }
            if (System.nanoTime() > deadline) {
                process.destroyForcibly();
                return -1;
            }
        }
        return process.exitValue();
    }

    /** The CPU seconds {@link #waitFor} last saw the process use (up to 0.1 s before it ended); NaN if never. */
    double cpuSecondsAtEnd() {
        return lastCpuSeconds;
    }

    List<String> lines() {
        synchronized (lines) {
            return List.copyOf(lines);
        }
    }

    long pid() {
        return process.pid();
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
