package io.ingestline.rules;

import io.ingestline.kql.eval.Budget;
import java.time.Duration;

/**
 * The most time rules' transformations may spend, so that no event, and no batch of them, holds a thread for long
 * ({@link CompiledTarget#apply(com.fasterxml.jackson.databind.node.ObjectNode, int, Budget)}): per event, all its
 * data flows together, and per batch, from its first event on. Counted in the thread's CPU time ({@link Budget}:
 * pauses and a starved CPU do not count), checked between a transformation's steps and while its regular
 * expressions read. An event still running when either runs out, and every later event of its batch once the
 * batch's is spent, fails at stage {@link Outcome#STAGE_TRANSFORM} with a reason naming the budget.
 *
 * @param event the most one event may take
 * @param batch the most a batch may take
 */
public record RuleBudget(Duration event, Duration batch) {
    public static final RuleBudget DEFAULT = new RuleBudget(Duration.ofMillis(50), Duration.ofSeconds(2));

    public RuleBudget {
        if (event.isNegative() || event.isZero() || batch.isNegative() || batch.isZero()) {
            throw new IllegalArgumentException("rule budgets must be positive");
        }
    }

    /** A batch's budget, starting now, for the running thread. */
    public Budget start() {
        return Budget.start(event, batch);
    }

    /** Why an event failed when the batch's budget ({@code batch}) or its own ran out. */
    String reason(boolean batch) {
        return batch ? "its batch spent the rule time budget of " + this.batch.toMillis() + " ms per batch"
                : "the rule ran over its time budget of " + event.toMillis() + " ms per event";
    }
}
