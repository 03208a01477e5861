package io.ingestline.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * CPU time used so far by each stage's threads in this JVM (the pipeline's), for the benchmark's cost budget. Java
 * threads are read with {@link java.lang.management.ThreadMXBean} (nanoseconds); the threads it does not list (GC,
 * the compilers, the VM thread) from {@code /proc/self/task} (clock ticks). Threads come and go (Jetty's pool grows
 * and shrinks), so {@link #sample()} runs every half second and each thread's last value is kept: a thread that ends
 * loses at most its last half second, which shows as the gap between the groups' sum and the process's CPU.
 */
final class StageCpu {
    private static final long TICK_NANOS = 10_000_000L; // USER_HZ = 100 on Linux
    private final StageThreads threads;
    private final com.sun.management.ThreadMXBean mx =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    /** Last CPU time of each Java thread (by id) and each native task (by tid, negated), with its stage. */
    private final Map<Long, Long> last = new HashMap<>();
    private final Map<Long, StageThreads.Part> stages = new HashMap<>();

    StageCpu(StageThreads threads) {
        this.threads = threads;
        mx.setThreadCpuTimeEnabled(true);
    }

    /** Reads every thread's CPU time now. */
    synchronized void sample() {
        long[] ids = mx.getAllThreadIds();
        long[] cpu = mx.getThreadCpuTime(ids);
        ThreadInfo[] infos = mx.getThreadInfo(ids);
        Set<String> javaNames = new HashSet<>();
        for (int i = 0; i < ids.length; i++) {
            if (infos[i] == null || cpu[i] < 0) {
                continue; // ended since listed
            }
            String name = infos[i].getThreadName();
            javaNames.add(name.length() > 15 ? name.substring(0, 15) : name);
            stages.computeIfAbsent(ids[i], id -> threads.ofJavaThread(name));
            last.put(ids[i], cpu[i]);
        }
        try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
            tasks.forEach(task -> nativeTask(task, javaNames));
        } catch (IOException e) {
            // not Linux: Java threads only
        }
    }

    private void nativeTask(Path task, Set<String> javaNames) {
        try {
            String comm = Files.readString(task.resolve("comm")).strip();
            StageThreads.Part stage = javaNames.contains(comm) ? null : StageThreads.ofNativeThread(comm);
            if (stage == null) {
                return; // a Java thread, counted above (or the launcher's idle thread)
            }
            String stat = Files.readString(task.resolve("stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long key = -Long.parseLong(task.getFileName().toString());
            stages.put(key, stage);
            last.put(key, (Long.parseLong(f[11]) + Long.parseLong(f[12])) * TICK_NANOS);
        } catch (IOException | RuntimeException e) {
            // ended while read
        }
    }

    /** CPU nanoseconds used so far by each part of each stage, after a fresh sample. */
    synchronized Map<StageThreads.Part, Long> totals() {
        sample();
        Map<StageThreads.Part, Long> out = new EnumMap<>(StageThreads.Part.class);
        for (StageThreads.Part s : StageThreads.Part.values()) {
            out.put(s, 0L);
        }
        last.forEach((key, nanos) -> out.merge(stages.get(key), nanos, Long::sum));
        return out;
    }

    /** CPU nanoseconds this process has used so far (every thread, ended ones too). */
    static long processNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }
}
