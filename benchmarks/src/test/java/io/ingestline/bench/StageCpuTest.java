package io.ingestline.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.ingestline.bench.StageThreads.Part;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class StageCpuTest {
    /** A thread that burns CPU and ends between two samples still counts, up to its last sample. */
    @Test
    void keeps_the_cpu_of_a_thread_that_ended_and_covers_the_process() throws Exception {
        StageCpu cpu = new StageCpu(new StageThreads("ingest-validator", "bench-sink"));
        Map<Part, Long> before = cpu.totals();
        CountDownLatch sampled = new CountDownLatch(1);
        Thread worker = new Thread(() -> {
            spin(200_000_000L);
            try {
                sampled.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "sink-bench-sink-0");
        worker.start();
        while (worker.getState() != Thread.State.WAITING) {
            Thread.onSpinWait();
        }
        cpu.sample();
        sampled.countDown();
        worker.join();
        Map<Part, Long> after = cpu.totals();
        assertThat(after.get(Part.SINK_WORKERS) - before.get(Part.SINK_WORKERS)).isGreaterThanOrEqualTo(150_000_000L);
        long sum = after.values().stream().mapToLong(Long::longValue).sum();
        assertThat(sum).isLessThanOrEqualTo(StageCpu.processNanos() + 100_000_000L); // ticks of 10 ms, rounded
    }

    private static void spin(long nanos) {
        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        long end = mx.getCurrentThreadCpuTime() + nanos;
        long x = 0;
        while (mx.getCurrentThreadCpuTime() < end) {
            x += System.nanoTime() & 1;
        }
        if (x == -1) {
            System.out.println(x);
        }
    }
}
