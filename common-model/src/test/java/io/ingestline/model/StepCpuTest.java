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
                "validator.envelope", "validator.send", "sink.poll", "sink.write", "sink.encode", "sink.load", "sink.commit")
                .endsWith("events.validator", "events.sink");
        assertThat(x).isNotNegative();
    }

    @Test
    void inner_steps_are_left_out_of_the_step_around_them_so_the_steps_stay_disjoint() {
        Map<String, Long> before = StepCpu.totals();
        long start = StepCpu.begin();
        burn(start, 5_000_000L);
        long t = StepCpu.addInner(StepCpu.Step.SINK_ENCODE, start);
        burn(t, 5_000_000L);
        long loaded = StepCpu.addInner(StepCpu.Step.SINK_LOAD, t);
        burn(loaded, 5_000_000L);
        long end = StepCpu.addAround(StepCpu.Step.SINK_COMMIT, start);
        Map<String, Long> after = StepCpu.totals();
        long encode = after.get("sink.encode") - before.get("sink.encode");
        long load = after.get("sink.load") - before.get("sink.load");
        long commit = after.get("sink.commit") - before.get("sink.commit");
        assertThat(encode + load + commit).isEqualTo(end - start);
        assertThat(encode).isEqualTo(t - start).isGreaterThanOrEqualTo(5_000_000L);
        assertThat(load).isEqualTo(loaded - t).isGreaterThanOrEqualTo(5_000_000L);
        assertThat(commit).isEqualTo(end - loaded).isGreaterThanOrEqualTo(5_000_000L);
    }

    @Test
    void inner_steps_taken_where_no_step_was_timed_count_nowhere() {
        long early = StepCpu.now();
        burn(early, 2_000_000L);
        StepCpu.addInner(StepCpu.Step.SINK_ENCODE, early);
        Map<String, Long> before = StepCpu.totals();
        long start = StepCpu.begin();
        burn(start, 1_000_000L);
        long end = StepCpu.addAround(StepCpu.Step.SINK_COMMIT, start);
        Map<String, Long> after = StepCpu.totals();
        assertThat(after.get("sink.commit") - before.get("sink.commit")).isEqualTo(end - start);
        assertThat(after.get("sink.encode")).isEqualTo(before.get("sink.encode"));
    }

    /** Spends at least {@code nanos} of this thread's CPU after {@code since}. */
    private static void burn(long since, long nanos) {
        long x = 0;
        while (StepCpu.now() - since < nanos) {
            x += System.nanoTime() & 1;
        }
        assertThat(x).isNotNegative();
    }
}
