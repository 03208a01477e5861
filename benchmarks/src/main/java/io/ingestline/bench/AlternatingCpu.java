package io.ingestline.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;

/**
 * Two code paths compared in this thread's CPU time: rounds of the two alternating, so that both see the same
 * conditions on shared cores, the warm-up rounds left out; each path's median and lowest round, per event. What a
 * path returns (bytes written) is summed, so that the JIT cannot drop its work.
 */
final class AlternatingCpu {
    /** One round of a path: {@code events} events; returns what it wrote, in bytes. */
    @FunctionalInterface
    interface Path {
        long round(int events) throws Exception;
    }

    /** Nanoseconds of CPU per event: each path's median and lowest round, and the bytes both wrote. */
    record Result(double aMedian, double aLowest, double bMedian, double bLowest, long bytes) {
        double ratio() {
            return aMedian / bMedian;
        }

        double lowestRatio() {
            return aLowest / bLowest;
        }
    }

    private AlternatingCpu() {
    }

    static Result measure(int warmUp, int rounds, int perRound, Path a, Path b) throws Exception {
        ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
        double[] aTimes = new double[rounds];
        double[] bTimes = new double[rounds];
        long bytes = 0;
        for (int round = 0; round < warmUp + rounds; round++) {
            long start = cpu.getCurrentThreadCpuTime();
            bytes += a.round(perRound);
            long middle = cpu.getCurrentThreadCpuTime();
            bytes += b.round(perRound);
            long end = cpu.getCurrentThreadCpuTime();
            if (round >= warmUp) {
                aTimes[round - warmUp] = (middle - start) / (double) perRound;
                bTimes[round - warmUp] = (end - middle) / (double) perRound;
            }
        }
        Arrays.sort(aTimes);
        Arrays.sort(bTimes);
        return new Result(aTimes[rounds / 2], aTimes[0], bTimes[rounds / 2], bTimes[0], bytes);
    }
}
