package io.ingestline.bench;

import io.ingestline.sink.storage.CopyTextPaths;
import io.ingestline.sink.storage.SinkRecord;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The PostgreSQL backend's {@code COPY} data (the {@code sink.encode} step), two ways at a time in this thread's CPU
 * time, rounds of the two alternating (so both see the same conditions on shared cores), after warm-up rounds: text
 * against binary {@code COPY}, and the former text path against the text. The events are the pipeline benchmark's
 * ({@link LogEvents}, about 330 bytes) as the sink receives them from the validator under the benchmark dataset's
 * rule ({@code _time} and {@code _id} first, {@code slow} and {@code failed} added); with the rule's six typed columns and with none. Prints the median and the lowest round,
 * nanoseconds per event, of each way and their ratio (the first's over the second's).
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar io.ingestline.bench.CopyTextCpu [rounds]</pre>
 */
public final class CopyTextCpu {
    private static final int PER_ROUND = 4096;
    private static final int WARM_UP = 100;

    private CopyTextCpu() {
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 300;
        List<SinkRecord> records = records();
        Map<String, String> typed = new LinkedHashMap<>();
        typed.put("status", "int");
        typed.put("latency_ms", "real");
        typed.put("bytes", "long");
        typed.put("level", "string");
        typed.put("slow", "bool");
        typed.put("failed", "bool");
        double bytes = records.stream().mapToInt(r -> r.value().length).average().orElse(0);
        System.out.printf(Locale.ROOT, "%,d events of %.0f bytes a round, %d rounds after %d warm-up, Java %s%n",
                PER_ROUND, bytes, rounds, WARM_UP, System.getProperty("java.version"));
        CopyTextPaths six = new CopyTextPaths(typed);
        CopyTextPaths none = new CopyTextPaths(Map.of());
        measure("6 typed columns (the benchmark dataset's rule): text / binary", six, () -> six.now(records),
                () -> six.binary(records), rounds);
        measure("no typed column: text / binary", none, () -> none.now(records), () -> none.binary(records), rounds);
        measure("6 typed columns: the former text / text", six, () -> six.before(records), () -> six.now(records),
                rounds);
        measure("no typed column: the former text / text", none, () -> none.before(records), () -> none.now(records),
                rounds);
    }

    private static void measure(String what, CopyTextPaths paths, Runnable a, Runnable b, int rounds)
            throws Exception {
        AlternatingCpu.Result r = AlternatingCpu.measure(WARM_UP, rounds, PER_ROUND, n -> {
            a.run();
            return 0;
        }, n -> {
            b.run();
            return 0;
        });
        System.out.printf(Locale.ROOT, "%s: median %.0f / %.0f ns/event (lowest %.0f / %.0f); ratio %.2f (lowest "
                + "%.2f) [%d]%n", what, r.aMedian(), r.bMedian(), r.aLowest(), r.bLowest(), r.ratio(),
                r.lowestRatio(), paths.sent() & 1);
    }

    /** A COPY's worth of events as the sink receives them under the benchmark dataset's rule. */
    private static List<SinkRecord> records() {
        List<SinkRecord> out = new ArrayList<>();
        Instant now = Instant.parse("2026-12-05T06:00:00Z");
        StringBuilder b = new StringBuilder(400);
        for (int i = 0; i < PER_ROUND; i++) {
            b.setLength(0);
            LogEvents.append(b, "run-1", i, "_time", now);
            String id = "b" + (i / 100) + "-" + i;
            int run = b.indexOf("\",\"run\":");
            b.insert(run + 2, "\"_id\":\"" + id + "\",");
            b.setLength(b.length() - 1);
            b.append(",\"slow\":").append(i % 5 == 0).append(",\"failed\":").append(i % 7 == 0)
                    .append('}');
            long time = now.toEpochMilli() - i % 2000;
            out.add(new SinkRecord("web", i % 3, 1000 + i / 100, i % 100, time, id.getBytes(StandardCharsets.UTF_8),
                    b.toString().getBytes(StandardCharsets.UTF_8)));
        }
        return out;
    }
}
