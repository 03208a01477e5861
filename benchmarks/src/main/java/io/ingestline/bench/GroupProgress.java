package io.ingestline.bench;

import java.lang.management.ManagementFactory;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * How fast a consumer group (a Kafka Streams app, a sink) works through input that is already there: from its first
 * committed offset to the moment its committed offsets reach the end, so start-up and rebalancing are left out.
 * Input must be written without transactions (one offset per record).
 */
final class GroupProgress {
    /** Records per second between the first and the last commit, and the CPU this JVM used meanwhile (cores). */
    record Rate(double recordsPerSecond, double cores) {
    }

    private GroupProgress() {
    }

    static Rate measure(Admin admin, String group, List<TopicPartition> input, long timeoutSeconds) throws Exception {
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        input.forEach(tp -> latest.put(tp, OffsetSpec.latest()));
        long end = admin.listOffsets(latest).all().get().values().stream().mapToLong(r -> r.offset()).sum();
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long started = System.nanoTime();
        double cpuAtStart = os.getProcessCpuTime() / 1e9;
        long firstAt = 0;
        long firstDone = 0;
        double cpuAtFirst = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        while (System.nanoTime() < deadline) {
            Thread.sleep(100);
            long done = committed(admin, group, input);
            if (firstAt == 0 && done > 0) {
                firstAt = System.nanoTime();
                firstDone = done;
                cpuAtFirst = os.getProcessCpuTime() / 1e9;
            }
            if (done >= end && firstDone >= end) {
                // all of it in the first commit (a small input): measured from the start, start-up included
                double seconds = (System.nanoTime() - started) / 1e9;
                return new Rate(end / seconds, (os.getProcessCpuTime() / 1e9 - cpuAtStart) / seconds);
            }
            if (done >= end) {
                double seconds = (System.nanoTime() - firstAt) / 1e9;
                return new Rate((done - firstDone) / seconds, (os.getProcessCpuTime() / 1e9 - cpuAtFirst) / seconds);
            }
        }
        throw new IllegalStateException(group + " did not finish within " + timeoutSeconds + " s");
    }

    private static long committed(Admin admin, String group, List<TopicPartition> input) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata().get();
        long sum = 0;
        for (TopicPartition tp : input) {
            OffsetAndMetadata o = offsets.get(tp);
            sum += o == null ? 0 : o.offset();
        }
        return sum;
    }
}
