package io.ingestline.bench.jmh;

import io.ingestline.bench.Payloads;
import io.ingestline.edge.ingest.BodyFormat;
import io.ingestline.edge.ingest.EventOptions;
import io.ingestline.edge.ingest.InFlightBytes;
import io.ingestline.edge.ingest.IngestOutcome;
import io.ingestline.edge.ingest.IngestRequest;
import io.ingestline.edge.ingest.Ingestor;
import io.ingestline.edge.kafka.RawBatchPublisher;
import io.ingestline.model.BatchContext;
import io.ingestline.model.BatchTarget;
import io.ingestline.model.Dialect;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The edge's work on one request body, without HTTP and without the broker: decode, check every event, build the raw
 * batches, hand them to a producer (Kafka's {@link MockProducer}, which acknowledges at once). This is the CPU the edge
 * spends per event on top of Jetty and the Kafka client, measured free of the broker's and the load generator's noise.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar org.openjdk.jmh.Main BodyPathBenchmark</pre>
 *
 * Scores are microseconds per request; divide by {@code events} for the cost of one event.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 4, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
public class BodyPathBenchmark {
    /** Events per request. */
    @Param({"100", "500"})
    public int events;

    /** Body format: NDJSON, or one JSON array. */
    @Param({"ndjson", "json"})
    public String format;

    /** Content-Encoding: none or gzip. */
    @Param({"none", "gzip"})
    public String encoding;

    private MockProducer<byte[], byte[]> producer;
    private Ingestor ingestor;
    private byte[] body;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        List<byte[]> lines = Payloads.load(Payloads.sharedFile(), 5000);
        byte[] ndjson = Payloads.ndjsonBodies(lines, events, 1).get(0);
        byte[] plain = format.equals("json") ? toArray(ndjson) : ndjson;
        body = encoding.equals("gzip") ? Payloads.gzip(plain) : plain;
        producer = new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
        RawBatchPublisher publisher = new RawBatchPublisher(producer, "ingest.raw", nanos -> { });
        ingestor = new Ingestor(publisher, new InFlightBytes(1L << 40), 16L << 20, 900_000, Duration.ofSeconds(10));
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        producer.close();
    }

    @Benchmark
    public IngestOutcome ingest() {
        BatchContext context = new BatchContext(Dialect.AXIOM, new BatchTarget.Dataset("bench"), "bench", null,
                Instant.now());
        IngestRequest request = new IngestRequest(context, new ByteArrayInputStream(body), body.length,
                encoding.equals("gzip") ? "gzip" : null,
                format.equals("json") ? BodyFormat.JSON : BodyFormat.NDJSON, EventOptions.defaults(899_999), null, ',');
        IngestOutcome outcome = ingestor.ingest(request).join();
        producer.clear();
        if (outcome.ingested() != events) {
            throw new IllegalStateException("took " + outcome.ingested() + " of " + events + " events");
        }
        return outcome;
    }

    private static byte[] toArray(byte[] ndjson) {
        String[] lines = new String(ndjson, StandardCharsets.UTF_8).split("\n");
        List<String> items = new ArrayList<>(List.of(lines));
        return ("[" + String.join(",", items) + "]").getBytes(StandardCharsets.UTF_8);
    }
}
