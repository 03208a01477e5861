package io.ingestline.kql.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BudgetTest {
    /** Checks while the thread works, until the budget stops it. */
    private static Budget.OverBudget workUntilStopped() {
        long sink = 0;
        while (true) {
            try {
                Budget.check();
            } catch (Budget.OverBudget e) {
                return e;
            }
            for (int i = 0; i < 10_000; i++) {
                sink += Long.numberOfTrailingZeros(sink + i);
            }
            if (sink == 42) {
                Thread.onSpinWait(); // keeps the loop's work observable
            }
        }
    }

    /** Everything on one thread (the budget is the thread's): the hang guard runs it in its own. */
    @Test
    void a_pause_does_not_spend_the_budget_work_does_and_a_spent_batch_stays_spent() {
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            Budget b = Budget.start(Duration.ofMillis(20), Duration.ofMillis(40));
            Budget.enter(b);
            try {
                long started = System.nanoTime();
                while (System.nanoTime() - started < Duration.ofMillis(5).toNanos()) {
                    Budget.check(); // past the first millisecond: the clocks read the CPU time from here on
                }
                Thread.sleep(200); // a garbage collection, a starved CPU, a stopped process: time without work
                Budget.check();
                Budget.check();
                assertThat(workUntilStopped().batch()).as("the event's 20 ms of work").isFalse();
                b.nextEvent();
                assertThat(workUntilStopped().batch()).as("the batch's 40 ms of work").isTrue();
                b.nextEvent();
                assertThatThrownBy(Budget::check).isInstanceOfSatisfying(Budget.OverBudget.class,
                        e -> assertThat(e.batch()).isTrue());
            } finally {
                Budget.exit();
            }
            Budget.check(); // no budget: nothing is checked
        });
    }
}
