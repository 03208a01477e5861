package io.ingestline.bench.jmh;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ingestline.bench.Payloads;
import io.ingestline.model.Dialect;
import io.ingestline.model.EventEnvelope;
import io.ingestline.model.EventEnvelopeSerde;
import io.ingestline.model.EventOrigin;
import io.ingestline.model.Json;
import io.ingestline.rules.CompiledTarget;
import io.ingestline.rules.EventChecks;
import io.ingestline.rules.Outcome;
import io.ingestline.rules.PassThrough;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The validator's work on one event of a dataset without a rule, both ways, one thread: the tree path
 * ({@code readTree}, {@link CompiledTarget#apply}, {@link EventEnvelopeSerde#value(EventEnvelope, int)}) against
 * the one streaming pass of {@link PassThrough}, from the event's bytes to the envelope's value. Events: 1,024 of
 * {@link Payloads#generate} (12 fields, about 330 bytes), their time in {@code ts} (so stamped with the receive time)
 * or renamed {@code _time} (parsed and written first).
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar org.openjdk.jmh.Main PassThroughBenchmark</pre>
 *
 * Scores are nanoseconds per event.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 4, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
@Threads(1)
public class PassThroughBenchmark {
    private static final ObjectMapper MAPPER = Json.mapper();
    private static final int WRITE_LIMIT = 4 * 1024 * 1024;
    private static final Instant RECEIVED = Instant.parse("2026-12-05T02:00:00Z");
    private static final EventOrigin ORIGIN = new EventOrigin(Dialect.AXIOM, "token-1", null);

    /** The events' time field: {@code ts} (not the event time: the receive time applies) or {@code _time}. */
    @Param({"ts", "_time"})
    public String timeField;

    private final CompiledTarget target = CompiledTarget.dataset("web", null, new EventChecks.Limits(1 << 20, 1000));
    private byte[][] events;
    private int next;

    @Setup
    public void setUp() throws IOException {
        List<byte[]> lines = Payloads.generate(1024);
        events = new byte[lines.size()][];
        for (int i = 0; i < events.length; i++) {
            String e = new String(lines.get(i), StandardCharsets.UTF_8);
            events[i] = e.replace("{\"ts\":", "{\"" + timeField + "\":").getBytes(StandardCharsets.UTF_8);
        }
        byte[] e = events[1];
        if (!(target.passThrough().write(e, 0, e.length, "b-1", RECEIVED, WRITE_LIMIT)
                instanceof PassThrough.Written w) || !Arrays.equals(w.value(), tree(e, "b-1"))) {
            throw new IllegalStateException("the two paths differ on " + new String(e, StandardCharsets.UTF_8));
        }
    }

    @Benchmark
    public byte[] tree() throws IOException {
        int i = next++ & 1023;
        return tree(events[i], "b-" + i);
    }

    @Benchmark
    public PassThrough.Result stream() {
        int i = next++ & 1023;
        byte[] e = events[i];
        return target.passThrough().write(e, 0, e.length, "b-" + i, RECEIVED, WRITE_LIMIT);
    }

    private byte[] tree(byte[] e, String id) throws IOException {
        JsonNode node = MAPPER.readTree(e, 0, e.length);
        Outcome.Output out = (Outcome.Output) target.apply((ObjectNode) node, e.length).get(0);
        EventEnvelope envelope = new EventEnvelope(id, out.dataset(), out.time() == null ? RECEIVED : out.time(),
                out.event(), ORIGIN);
        return EventEnvelopeSerde.value(envelope, WRITE_LIMIT);
    }
}
