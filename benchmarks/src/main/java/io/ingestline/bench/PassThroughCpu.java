package io.ingestline.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ingestline.model.Dialect;
import io.ingestline.model.EventEnvelope;
import io.ingestline.model.EventEnvelopeSerde;
import io.ingestline.model.EventOrigin;
import io.ingestline.model.Json;
import io.ingestline.rules.CompiledTarget;
import io.ingestline.rules.EventChecks;
import io.ingestline.rules.Outcome;
import io.ingestline.rules.PassThrough;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

/**
 * {@code PassThroughBenchmark}'s two paths measured in this thread's CPU time instead of wall time, rounds of the
 * two alternating: on a machine whose cores other work shares, time spent descheduled is not counted, and both paths
 * see the same conditions. Prints the median and the lowest round, nanoseconds per event, after 100 warm-up rounds.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar io.ingestline.bench.PassThroughCpu [ts|_time] [rounds]</pre>
 */
public final class PassThroughCpu {
    private static final ObjectMapper MAPPER = Json.mapper();
    private static final int WRITE_LIMIT = 4 * 1024 * 1024;
    private static final int PER_ROUND = 4096;

    private PassThroughCpu() {
    }

    public static void main(String[] args) throws Exception {
        String timeField = args.length > 0 ? args[0] : "_time";
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 400;
        List<byte[]> lines = Payloads.generate(1024);
        byte[][] events = new byte[lines.size()][];
        for (int i = 0; i < events.length; i++) {
            events[i] = new String(lines.get(i), StandardCharsets.UTF_8)
                    .replace("{\"ts\":", "{\"" + timeField + "\":").getBytes(StandardCharsets.UTF_8);
        }
        CompiledTarget target = CompiledTarget.dataset("web", null, new EventChecks.Limits(1 << 20, 1000));
        EventOrigin origin = new EventOrigin(Dialect.AXIOM, "token-1", null);
        Instant received = Instant.parse("2026-12-05T02:00:00Z");
        AlternatingCpu.Result r = AlternatingCpu.measure(100, rounds, PER_ROUND, perRound -> {
            long bytes = 0;
            for (int n = 0; n < perRound; n++) {
                byte[] e = events[n & 1023];
                ObjectNode event = (ObjectNode) MAPPER.readTree(e, 0, e.length);
                Outcome.Output out = (Outcome.Output) target.apply(event, e.length).get(0);
                bytes += EventEnvelopeSerde.value(new EventEnvelope("b-" + n, "web",
                        out.time() == null ? received : out.time(), out.event(), origin), WRITE_LIMIT).length;
            }
            return bytes;
        }, perRound -> {
            long bytes = 0;
            for (int n = 0; n < perRound; n++) {
                byte[] e = events[n & 1023];
                bytes += ((PassThrough.Written) target.passThrough().write(e, 0, e.length, "b-" + n, received,
                        WRITE_LIMIT)).value().length;
            }
            return bytes;
        });
        System.out.printf("%s: tree path median %.0f ns/event (lowest %.0f), stream path median %.0f ns/event (lowest"
                + " %.0f); %d bytes written%n", timeField, r.aMedian(), r.aLowest(), r.bMedian(), r.bLowest(),
                r.bytes());
    }
}
