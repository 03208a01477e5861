package io.ingestline.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ingestline.kql.eval.Budget;
import io.ingestline.model.Dialect;
import io.ingestline.model.EventEnvelope;
import io.ingestline.model.EventEnvelopeSerde;
import io.ingestline.model.EventOrigin;
import io.ingestline.model.Json;
import io.ingestline.model.rules.DatasetRule;
import io.ingestline.rules.CompiledTarget;
import io.ingestline.rules.EventChecks;
import io.ingestline.rules.Outcome;
import io.ingestline.rules.PassThrough;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;

/**
 * The validator's work on one event of a dataset with the pipeline benchmark's rule ({@link LoadDialect#datasetRule()}:
 * four declared columns, two new ones) both ways, in this thread's CPU time, rounds of the two alternating: the tree
 * path ({@code readTree}, {@link CompiledTarget#apply}, {@link EventEnvelopeSerde#value(EventEnvelope, int)}) against
 * the streaming pass of {@link io.ingestline.rules.RulePass}, from the event's bytes to the envelope's value. Events:
 * 1,024 of the pipeline benchmark's ({@link LogEvents}: 18 fields, about 330 bytes, {@code _time} first), checked to
 * give the same value both ways first. Prints the median and the lowest round, nanoseconds per event, and their
 * ratio, after 100 warm-up rounds.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar io.ingestline.bench.RulePassCpu [rounds]</pre>
 */
public final class RulePassCpu {
    private static final ObjectMapper MAPPER = Json.mapper();
    private static final int WRITE_LIMIT = 4 * 1024 * 1024;
    private static final int PER_ROUND = 4096;
    private static final Instant RECEIVED = Instant.parse("2026-12-05T02:00:00Z");
    private static final EventOrigin ORIGIN = new EventOrigin(Dialect.AXIOM, "token-1", null);

    private RulePassCpu() {
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 400;
        byte[][] events = Arrays.stream(LogEvents.lines("bench", 1024).split("\n"))
                .map(s -> s.getBytes(StandardCharsets.UTF_8)).toArray(byte[][]::new);
        EventChecks.Limits limits = new EventChecks.Limits(1 << 20, 1000);
        CompiledTarget target = CompiledTarget.dataset("web",
                DatasetRule.parse("web", MAPPER.readTree(LoadDialect.datasetRule())), limits);
        for (int i = 0; i < events.length; i++) {
            byte[] tree = tree(target, events[i], "b-" + i, limits.ruleBudget().start());
            if (!(stream(target, events[i], "b-" + i, limits.ruleBudget().start()) instanceof PassThrough.Written w)
                    || !Arrays.equals(w.value(), tree)) {
                throw new IllegalStateException("the two paths differ on "
                        + new String(events[i], StandardCharsets.UTF_8));
            }
        }
        AlternatingCpu.Result r = AlternatingCpu.measure(100, rounds, PER_ROUND, perRound -> {
            Budget budget = limits.ruleBudget().start();
            long bytes = 0;
            for (int n = 0; n < perRound; n++) {
                bytes += tree(target, events[n & 1023], "b-" + n, budget).length;
            }
            return bytes;
        }, perRound -> {
            Budget budget = limits.ruleBudget().start();
            long bytes = 0;
            for (int n = 0; n < perRound; n++) {
                bytes += ((PassThrough.Written) stream(target, events[n & 1023], "b-" + n, budget)).value().length;
            }
            return bytes;
        });
        System.out.printf("rule: tree path median %.0f ns/event (lowest %.0f), rule pass median %.0f ns/event (lowest"
                + " %.0f); tree/rule pass %.2f (lowest rounds %.2f); %d bytes written%n", r.aMedian(), r.aLowest(),
                r.bMedian(), r.bLowest(), r.ratio(), r.lowestRatio(), r.bytes());
    }

    private static byte[] tree(CompiledTarget target, byte[] e, String id, Budget budget) throws IOException {
        ObjectNode event = (ObjectNode) MAPPER.readTree(e, 0, e.length);
        Outcome.Output out = (Outcome.Output) target.apply(event, e.length, budget).get(0);
        return EventEnvelopeSerde.value(new EventEnvelope(id, "web", out.time() == null ? RECEIVED : out.time(),
                out.event(), ORIGIN), WRITE_LIMIT);
    }

    private static PassThrough.Result stream(CompiledTarget target, byte[] e, String id, Budget budget) {
        return target.rulePass().write(e, 0, e.length, id, RECEIVED, WRITE_LIMIT, budget);
    }
}
