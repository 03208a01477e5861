package io.ingestline.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
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
                "| **GC** | 1,000 | 10.0% |  |",
                "| sum of the groups above | 10,000 | 100.0% |  |",
                "| pipeline JVM, its process's CPU (threads ended between samples included) | 10,000 | 100.0% |  |",
                "| broker, its own process | 500,000 | (50.00 of the pipeline JVM's) |  |");
    }
}
