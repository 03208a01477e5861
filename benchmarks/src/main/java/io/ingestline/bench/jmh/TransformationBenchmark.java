package io.ingestline.bench.jmh;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ingestline.kql.Transformation;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A typical five-step data collection rule ({@code where}, {@code extend} with a {@code parse_json} member,
 * {@code project-rename}, {@code project-away}, an {@code iif}) on already-parsed events of 20 fields, one thread:
 * events per second through {@link Transformation#apply}, from the parsed JSON in to the JSON object out.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar org.openjdk.jmh.Main TransformationBenchmark</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 4, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
@Threads(1)
public class TransformationBenchmark {
    static final String RULE = """
            source
            | where Level >= 2
            | extend d = parse_json(Context)
            | extend User = tostring(d.user), Severity = iif(Level >= 4, 'high', 'low')
            | project-rename Host = Computer
            | project-away d, Context""";

    private Transformation transformation;
    private final List<JsonNode> events = new ArrayList<>();
    private int next;

    @Setup
    public void setUp() throws Exception {
        Map<String, String> columns = new LinkedHashMap<>();
        columns.put("TimeGenerated", "datetime");
        columns.put("Computer", "string");
        columns.put("Level", "int");
        columns.put("Context", "string");
        for (int i = 0; i < 16; i++) {
            columns.put("F" + i, i % 3 == 0 ? "long" : i % 3 == 1 ? "real" : "string");
        }
        transformation = Transformation.compile(RULE, columns);
        ObjectMapper json = new ObjectMapper();
        for (int n = 0; n < 1024; n++) {
            ObjectNode e = json.createObjectNode();
            e.put("TimeGenerated", "2026-12-02T14:00:00." + (100 + n % 900) + "Z");
            e.put("Computer", "web-" + (n % 17));
            e.put("Level", 1 + n % 5);
            e.put("Context", "{\"user\":\"u" + n + "\",\"session\":" + n + "}");
            for (int i = 0; i < 16; i++) {
                if (i % 3 == 0) {
                    e.put("F" + i, (long) n * i);
                } else if (i % 3 == 1) {
                    e.put("F" + i, n / (i + 1.0));
                } else {
                    e.put("F" + i, "value-" + i + "-" + n);
                }
            }
            events.add(e);
        }
        if (!(transformation.apply(events.get(1)) instanceof Transformation.Row)) {
            throw new IllegalStateException("the rule does not keep a level-2 event");
        }
    }

    @Benchmark
    public Transformation.Result apply() {
        JsonNode e = events.get(next++ & 1023);
        return transformation.apply(e);
    }
}
