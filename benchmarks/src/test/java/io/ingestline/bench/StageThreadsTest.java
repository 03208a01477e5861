package io.ingestline.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.ingestline.bench.StageThreads.Part;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class StageThreadsTest {
    private final StageThreads threads = new StageThreads("ingest-validator", "bench-sink");

    /** Names from a thread dump ({@code jcmd <pid> Thread.print}) of the benchmark's pipeline JVM, 2026-12-05. */
    @Test
    void groups_the_threads_of_a_running_pipeline_by_stage() {
        Map<String, Part> expected = new LinkedHashMap<>();
        expected.put("edge-http-53", Part.EDGE_HTTP);
        expected.put("edge-http-55-acceptor-0@361a3858-http@38ddd0eb{HTTP/1.1, (http/1.1)}{127.0.0.1:18111}",
                Part.EDGE_HTTP);
        expected.put("kafka-producer-network-thread | edge-api-0", Part.EDGE_PRODUCER_IO);
        expected.put("kafka-producer-network-thread | edge-api-1", Part.EDGE_PRODUCER_IO);
        expected.put("edge-config-follower", Part.EDGE_OTHER);
        expected.put("kafka-producer-network-thread | edge-config", Part.EDGE_OTHER);
        expected.put("ingest-validator-32803c47-dc66-45fc-ae79-97b96b8848db-StreamThread-1", Part.VALIDATOR_STREAM);
        expected.put("ingest-validator-32803c47-dc66-45fc-ae79-97b96b8848db-StreamThread-2", Part.VALIDATOR_STREAM);
        expected.put("kafka-producer-network-thread | ingest-validator-32803c47-dc66-45fc-ae79-97b96b8848db"
                + "-StreamThread-1-producer", Part.VALIDATOR_PRODUCER_IO);
        expected.put("ingest-validator-32803c47-dc66-45fc-ae79-97b96b8848db-GlobalStreamThread",
                Part.VALIDATOR_OTHER);
        expected.put("ingest-validator-32803c47-dc66-45fc-ae79-97b96b8848db-StateUpdater-1", Part.VALIDATOR_OTHER);
        expected.put("ingest-validator-32803c47-dc66-45fc-ae79-97b96b8848db-CleanupThread", Part.VALIDATOR_OTHER);
        expected.put("kafka-coordinator-heartbeat-thread | ingest-validator", Part.VALIDATOR_OTHER);
        expected.put("kafka-admin-client-thread | ingest-validator-32803c47-dc66-45fc-ae79-97b96b8848db-admin",
                Part.VALIDATOR_OTHER);
        expected.put("dataset-topics", Part.VALIDATOR_OTHER);
        expected.put("dataset-topics-refresh", Part.VALIDATOR_OTHER);
        expected.put("sink-bench-sink-0", Part.SINK_WORKERS);
        expected.put("sink-bench-sink-1", Part.SINK_WORKERS);
        expected.put("sink-compressor", Part.SINK_COMPRESSORS);
        expected.put("kafka-producer-network-thread | sink-dead-letters", Part.SINK_OTHER);
        expected.put("kafka-coordinator-heartbeat-thread | bench-sink", Part.SINK_OTHER);
        expected.put("JettyServerThreadPool-44", Part.OTHER);
        expected.put("kafka-admin-client-thread | adminclient-1", Part.OTHER);
        expected.put("micrometer-kafka-metrics", Part.OTHER);
        expected.put("Scheduler-1793325972-1", Part.OTHER);
        expected.put("Common-Cleaner", Part.OTHER);
        expected.put("main", Part.OTHER);
        expected.put("Notification Thread", Part.JVM);
        expected.put("Service Thread", Part.JVM);
        expected.forEach((name, part) -> assertThat(threads.ofJavaThread(name)).as(name).isEqualTo(part));
    }

    /** Linux task names ({@code /proc/<pid>/task/<tid>/comm}: 15 characters at most) of the JVM's own threads. */
    @Test
    void groups_the_jvms_own_threads_by_their_task_names() {
        assertThat(StageThreads.ofNativeThread("GC Thread#0")).isEqualTo(Part.GC);
        assertThat(StageThreads.ofNativeThread("G1 Conc#0")).isEqualTo(Part.GC);
        assertThat(StageThreads.ofNativeThread("G1 Main Marker")).isEqualTo(Part.GC);
        assertThat(StageThreads.ofNativeThread("G1 Refine#0")).isEqualTo(Part.GC);
        assertThat(StageThreads.ofNativeThread("G1 Service")).isEqualTo(Part.GC);
        assertThat(StageThreads.ofNativeThread("C2 CompilerThre")).isEqualTo(Part.JIT);
        assertThat(StageThreads.ofNativeThread("C1 CompilerThre")).isEqualTo(Part.JIT);
        assertThat(StageThreads.ofNativeThread("VM Thread")).isEqualTo(Part.JVM);
        assertThat(StageThreads.ofNativeThread("VM Periodic Tas")).isEqualTo(Part.JVM);
        // Java threads' task names are theirs, cut: counted from ThreadMXBean instead
        assertThat(StageThreads.ofNativeThread("edge-http-53")).isNull();
        assertThat(StageThreads.ofNativeThread("kafka-producer-")).isNull();
        assertThat(StageThreads.ofNativeThread("java")).isNull();
    }

    @Test
    void every_part_belongs_to_the_stage_its_name_says() {
        for (Part p : Part.values()) {
            assertThat(p.name()).startsWith(p.stage.name());
        }
    }
}
