package io.ingestline.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.ingestline.model.BatchContext;
import io.ingestline.model.BatchTarget;
import io.ingestline.model.ConfigKeys;
import io.ingestline.model.Dialect;
import io.ingestline.model.Json;
import io.ingestline.model.RawBatch;
import io.ingestline.model.RawBatchCodec;
import io.ingestline.model.Topics;
import io.ingestline.model.rules.DataCollectionRule;
import io.ingestline.validator.Validator;
import io.ingestline.validator.ValidatorConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * The validator's throughput beside Kafka Streams' own floor on the same data, in one run on one machine: a broker
 * in its own JVM holds raw batches (100 events of ~300 bytes each, the peer benchmark's events, sent as one data
 * collection rule stream); then, alternately, (a) a plain Kafka Streams pass-through that splits each batch, parses
 * each event with Jackson and writes it to a topic, and (b) the validator itself (duplicate check, parse, checks
 * against the stream's declared columns, a typical five-step transformation, route to the dataset topic, the rule
 * and version on each event), both with {@code exactly_once_v2} and the same number of stream threads, each under a
 * fresh application id over the same input. Throughput is taken from the committed input offsets (the transactions
 * that committed), from the first commit to the last, so start-up and rebalancing are left out.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar io.ingestline.bench.ValidatorBenchmark</pre>
 *
 * Environment: {@code BENCH_VALIDATOR_EVENTS} (1000000), {@code BENCH_ROUNDS} (2), {@code BENCH_STREAM_THREADS} (1),
 * {@code BENCH_RESULTS} (benchmarks/target/results).
 */
public final class ValidatorBenchmark {
    static final String DCR = "bench-dcr";
    static final String STREAM = "Custom-AppLogs";
    static final String RULE = """
            {"properties":{"streamDeclarations":{"Custom-AppLogs":{"columns":[
              {"name":"ts","type":"datetime"},{"name":"level","type":"string"},{"name":"service","type":"string"},
              {"name":"host","type":"string"},{"name":"trace_id","type":"string"},{"name":"span_id","type":"string"},
              {"name":"method","type":"string"},{"name":"path","type":"string"},{"name":"status","type":"int"},
              {"name":"latency_ms","type":"long"},{"name":"msg","type":"string"},{"name":"ua","type":"string"}]}},
             "dataFlows":[{"streams":["Custom-AppLogs"],"destinations":["ws"],"outputStream":"Custom-AppLogs_CL",
               "transformKql":"source | where level != 'DEBUG' | extend TimeGenerated = ts, Slow = latency_ms > 250, Class = iif(status >= 400, 'error', 'ok') | project-rename Host = host | project-away ua, ts"}]}}""";
    private static final int PER_BATCH = 100;

    private final Report report;
    private final Path results;

    private ValidatorBenchmark(Report report) {
        this.report = report;
        this.results = report.dir;
    }

    public static void main(String[] args) throws Exception {
        new ValidatorBenchmark(new Report("validator")).run();
        System.exit(0);
    }

    private void run() throws Exception {
        int total = Report.env("BENCH_VALIDATOR_EVENTS", 1_000_000);
        int rounds = Report.env("BENCH_ROUNDS", 2);
        int threads = Report.env("BENCH_STREAM_THREADS", 1);
        Path shared = Payloads.sharedFile();
        List<byte[]> events = Payloads.load(shared, 5000);
        double avg = events.stream().mapToInt(e -> e.length).average().orElse(0);
        line("# Validator benchmark, " + LocalDateTime.now().withNano(0));
        line("");
        line(String.format(Locale.ROOT, "%,d events in raw batches of %d (%d distinct, %.0f bytes on average, %s), "
                        + "6 raw partitions; exactly_once_v2, %d stream thread(s); %d cores, Java %s. Broker in its own "
                        + "JVM on the same machine.", total, PER_BATCH, events.size(), avg,
                Files.isRegularFile(shared) ? shared.toString() : "generated", threads,
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version")));
        line("");
        try (ChildProcess broker = ChildProcess.start(BrokerProcess.class.getName(), List.of("-Xms1g", "-Xmx1g"),
                List.of(results.resolve("kafka").toString(), Integer.toString(Report.freePort()), Integer.toString(Report.freePort())),
                Map.of(), results.resolve("broker.log"), l -> l.startsWith("READY"))) {
            String bootstrap = broker.await(120).substring("READY ".length()).trim();
            Topics topics = new Topics("bench.");
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
                admin.createTopics(List.of(new NewTopic(topics.raw(), 6, (short) 1),
                        new NewTopic(topics.config(), 1, (short) 1).configs(Map.of("cleanup.policy", "compact")),
                        new NewTopic(topics.dataset("AppLogs_CL"), 3, (short) 1),
                        new NewTopic("bench.passthrough", 3, (short) 1),
                        new NewTopic(topics.deadLetters(), 3, (short) 1))).all().get(60, TimeUnit.SECONDS);
                preload(bootstrap, topics, events, total);
                line("| run | what | events/s | MiB/s in | JVM cores | vs pass-through |");
                line("|---|---|---|---|---|---|");
                for (int round = 1; round <= rounds; round++) {
                    String plain = "passthrough-" + round;
                    String ours = "validator-" + round;
                    double floor = measure(admin, topics, plain, () -> passThrough(bootstrap, topics, threads, plain),
                            avg, round, "Kafka Streams pass-through: split, parse, write", 0);
                    measure(admin, topics, ours, () -> validator(bootstrap, topics, threads, ours), avg, round,
                            "validator: dedup, parse, check, rule, route", floor);
                }
            }
        }
        report.save();
    }

    private void preload(String bootstrap, Topics topics, List<byte[]> events, int total) throws Exception {
        Map<String, Object> p = new HashMap<>();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, 1 << 20);
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 4 << 20);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(),
                new ByteArraySerializer()); KafkaProducer<String, byte[]> config = new KafkaProducer<>(Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap), new StringSerializer(),
                new ByteArraySerializer())) {
            DataCollectionRule rule = DataCollectionRule.parse(DCR, Json.mapper().readTree(RULE)).withVersion(1);
            config.send(new ProducerRecord<>(topics.config(), ConfigKeys.dcr(DCR), rule.toJson())).get();
            Instant received = Instant.now();
            int e = 0;
            for (int b = 0; b < total / PER_BATCH; b++) {
                ByteArrayOutputStream payload = new ByteArrayOutputStream(PER_BATCH * 320);
                for (int i = 0; i < PER_BATCH; i++) {
                    payload.write(events.get(e++ % events.size()));
                    payload.write('\n');
                }
                RawBatch batch = new RawBatch(UUID.randomUUID().toString(), 0, 1, new BatchContext(Dialect.AZURE,
                        new BatchTarget.Stream(DCR, STREAM), "bench", null, received), PER_BATCH, payload.toByteArray());
                RecordHeaders headers = new RecordHeaders();
                RawBatchCodec.writeHeaders(batch, headers);
                producer.send(new ProducerRecord<>(topics.raw(), null, batch.key().getBytes(StandardCharsets.UTF_8),
                        batch.payload(), headers));
            }
            producer.flush();
        }
    }

    /** Runs one app over the whole raw topic: events/s between its first and its last committed offsets. */
    private double measure(Admin admin, Topics topics, String appId, StartApp start, double avgBytes, int round,
            String what, double floor) throws Exception {
        List<TopicPartition> raw = new ArrayList<>();
        for (int p = 0; p < 6; p++) {
            raw.add(new TopicPartition(topics.raw(), p));
        }
        try (AutoCloseable app = start.start()) {
            GroupProgress.Rate rate = GroupProgress.measure(admin, appId, raw, 600);
            // the raw topic is written without transactions: one offset per batch
            double eventsPerSec = rate.recordsPerSecond() * PER_BATCH;
            line(String.format(Locale.ROOT, "| %d | %s | %,.0f | %.1f | %.2f | %s |", round, what, eventsPerSec,
                    eventsPerSec * avgBytes / (1 << 20), rate.cores(),
                    floor == 0 ? "" : String.format(Locale.ROOT, "%.2fx", eventsPerSec / floor)));
            return eventsPerSec;
        }
    }

    @FunctionalInterface
    private interface StartApp {
        AutoCloseable start() throws Exception;
    }

    private AutoCloseable validator(String bootstrap, Topics topics, int threads, String appId) {
        Map<String, String> env = new HashMap<>();
        env.put("KAFKA_BOOTSTRAP_SERVERS", bootstrap);
        env.put("INGEST_TOPIC_PREFIX", topics.prefix());
        env.put("INGEST_VALIDATOR_APP_ID", appId);
        env.put("INGEST_VALIDATOR_STATE_DIR", results.resolve("state-" + appId).toString());
        env.put("INGEST_VALIDATOR_HTTP_PORT", "-1");
        env.put("KAFKA_STREAMS_NUM_STREAM_THREADS", Integer.toString(threads));
        env.put("KAFKA_STREAMS_CONSUMER_AUTO_OFFSET_RESET", "earliest");
        return Validator.start(ValidatorConfig.fromEnv(env));
    }

    private AutoCloseable passThrough(String bootstrap, Topics topics, int threads, String appId) {
        Properties p = new Properties();
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, appId);
        p.put(StreamsConfig.STATE_DIR_CONFIG, results.resolve("state-" + appId).toString());
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, threads);
        p.put(StreamsConfig.consumerPrefix("auto.offset.reset"), "earliest");
        // writes as the validator does by default, so that the two differ only in what they do per event
        p.put(StreamsConfig.producerPrefix(ProducerConfig.COMPRESSION_TYPE_CONFIG), "lz4");
        Topology t = new Topology();
        t.addSource("raw", new ByteArrayDeserializer(), new ByteArrayDeserializer(), topics.raw());
        t.addProcessor("split-parse", PassThrough::new, "raw");
        t.addSink("out", "bench.passthrough", new ByteArraySerializer(), new ByteArraySerializer(), "split-parse");
        KafkaStreams streams = new KafkaStreams(t, p);
        streams.start();
        return () -> streams.close(Duration.ofSeconds(30));
    }

    /** Splits a raw batch into lines, parses each (as the validator must), and writes each line on. */
    private static final class PassThrough implements Processor<byte[], byte[], byte[], byte[]> {
        private static final ObjectMapper MAPPER = Json.mapper();
        private ProcessorContext<byte[], byte[]> context;

        @Override
        public void init(ProcessorContext<byte[], byte[]> context) {
            this.context = context;
        }

        @Override
        public void process(Record<byte[], byte[]> record) {
            RawBatch.forEachLine(record.value(), (index, buf, off, len) -> {
                try {
                    MAPPER.readTree(buf, off, len);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                context.forward(new Record<>(record.key(), java.util.Arrays.copyOfRange(buf, off, off + len),
                        record.timestamp()));
            });
        }
    }

    private void line(String s) {
        report.line(s);
    }
}
