package io.ingestline.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class CostBudgetTest {
    @Test
    void divides_each_stages_cpu_by_the_events_stored_and_takes_the_clock_off_the_validators_steps() {
        Map<String, Long> from = new HashMap<>(Map.of("process", 1_000L, "edge_http", 100L, "clock", 500L));
        Map<String, Long> to = new HashMap<>(Map.of("process", 1_000L + 10_000_000L, "edge_http", 100L + 2_000_000L,
                "validator_stream", 6_000_000L, "sink_workers", 1_000_000L, "gc", 1_000_000L, "clock", 500L));
        // the validator timed 100 events: 2,500 ns each in parse, of which one clock read (500 ns)
        to.put("validator.parse", 250_000L);
        to.put("events.validator", 100L);
        List<String> table = CostBudget.table(new CostBudget.Sample(from, 1.0), new CostBudget.Sample(to, 1.5), 1_000,
                CostBudget.Ceiling.NONE);
        assertThat(table).contains(
                "| **edge** | 2,000 | 20.0% |  |",
                "| &nbsp;&nbsp;request threads (Jetty: read, check, batch, send) | 2,000 | 20.0% |  |",
                "| **validator** | 6,000 | 60.0% |  |",
                "| &nbsp;&nbsp;&nbsp;&nbsp;step: parse | 2,000 | 20.0% |  |",
                // no event went through checks+rule (all took a streaming pass): no clock read to take off
                "| &nbsp;&nbsp;&nbsp;&nbsp;step: checks+rule | 0 | 0.0% |  |",
                "| **GC** | 1,000 | 10.0% |  |",
                "| sum of the groups above | 10,000 | 100.0% |  |",
                "| pipeline JVM, its process's CPU (threads ended between samples included) | 10,000 | 100.0% |  |",
                "| broker, its own process | 500,000 | (50.00 of the pipeline JVM's) |  |");
    }

    @Test
    void with_separate_jvms_sums_their_stages_and_gives_each_jvms_cpu_with_its_gc_and_jit() {
        Map<String, Map<String, Long>> from = new LinkedHashMap<>();
        from.put("edge", Map.of("process", 0L, "edge_http", 0L, "gc", 0L, "jit", 0L, "clock", 400L));
        from.put("validator-1", Map.of("process", 0L, "validator_stream", 0L, "gc", 0L, "clock", 500L));
        Map<String, Map<String, Long>> to = new LinkedHashMap<>();
        to.put("edge", Map.of("process", 3_000_000L, "edge_http", 2_000_000L, "gc", 500_000L, "jit", 500_000L,
                "clock", 400L));
        to.put("validator-1", Map.of("process", 7_000_000L, "validator_stream", 6_000_000L, "gc", 1_000_000L,
                "clock", 500L, "events.validator", 32L));
        List<String> table = CostBudget.table(sample(from, 1.0), sample(to, 1.5), 1_000, CostBudget.Ceiling.NONE);
        assertThat(table).contains(
                "| **edge** | 2,000 | 20.0% |  |",
                "| **validator** | 6,000 | 60.0% |  |",
                "| **GC** | 1,500 | 15.0% |  |",
                "| service JVMs, their processes' CPU (threads ended between samples included) | 10,000 | 100.0% |  |",
                "| broker, its own process | 500,000 | (50.00 of the service JVMs') |  |",
                "| edge | 3,000 | 500 | 500 | 0 | 30.0% |  |",
                "| validator-1 | 7,000 | 1,000 | 0 | 0 | 70.0% | 32 |");
    }

    @Test
    void to_postgresql_gives_its_processes_cpu_beside_the_brokers_and_says_when_none_was_found() {
        Map<String, Long> from = Map.of("process", 0L);
        Map<String, Long> to = Map.of("process", 10_000_000L);
        String what = "| PostgreSQL, its processes (server, backends, WAL writer, checkpointer, autovacuum) | ";
        assertThat(CostBudget.table(new CostBudget.Sample(from, Map.of(), 1.0, new PostgresCpu.Reading(100.0, 8)),
                new CostBudget.Sample(to, Map.of(), 1.5, new PostgresCpu.Reading(100.005, 9)), 1_000,
                CostBudget.Ceiling.NONE)).contains(what + "5,000 | (0.50 of the pipeline JVM's) | 9 processes at the "
                        + "end |");
        assertThat(CostBudget.table(new CostBudget.Sample(from, Map.of(), 1.0, PostgresCpu.Reading.NONE),
                new CostBudget.Sample(to, Map.of(), 1.5, PostgresCpu.Reading.NONE), 1_000, CostBudget.Ceiling.NONE))
                .contains(what + "none found in /proc (a server on another machine, or not readable) | | |");
        assertThat(CostBudget.table(new CostBudget.Sample(from, 1.0), new CostBudget.Sample(to, 1.5), 1_000,
                CostBudget.Ceiling.NONE)).noneMatch(l -> l.contains("PostgreSQL"));
    }

    /** A sample as {@link CostBudget.Sample#take} makes it of several JVMs: summed, and each one's kept. */
    private static CostBudget.Sample sample(Map<String, Map<String, Long>> processes, double brokerSeconds) {
        Map<String, Long> sum = new HashMap<>();
        processes.values().forEach(p -> p.forEach((k, v) -> sum.merge(k, v, Long::sum)));
        sum.put("clock", 500L);
        return new CostBudget.Sample(sum, processes, brokerSeconds);
    }
}
