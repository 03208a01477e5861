package io.ingestline.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class StepCpuTest {
    @Test
    void is_off_unless_the_jvm_turns_it_on() {
        assertThat(StepCpu.ENABLED).isEqualTo(Boolean.getBoolean("ingestline.step-cpu"));
    }

    @Test
    void adds_this_threads_cpu_time_to_a_step_and_counts_events() {
        Map<String, Long> before = StepCpu.totals();
        long start = StepCpu.now();
        long x = 0;
        while (StepCpu.now() - start < 20_000_000L) {
            x += System.nanoTime() & 1;
        }
        long end = StepCpu.add(StepCpu.Step.SINK_WRITE, start);
        StepCpu.count(StepCpu.Stage.SINK, 500);
        Map<String, Long> after = StepCpu.totals();
        assertThat(after.get("sink.write") - before.get("sink.write")).isEqualTo(end - start)
                .isGreaterThanOrEqualTo(20_000_000L);
        assertThat(after.get("events.sink") - before.get("events.sink")).isEqualTo(500);
        assertThat(after.get("sink.poll")).isEqualTo(before.get("sink.poll"));
        assertThat(after.keySet()).startsWith("validator.split", "validator.parse", "validator.checks+rule",
                "validator.envelope", "validator.send", "sink.poll", "sink.write", "sink.commit")
                .endsWith("events.validator", "events.sink");
        assertThat(x).isNotNegative();
    }
}
