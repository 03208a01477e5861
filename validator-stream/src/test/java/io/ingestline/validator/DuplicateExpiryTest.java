package io.ingestline.validator;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.ingestline.model.BatchContext;
import io.ingestline.model.BatchTarget;
import io.ingestline.model.Dialect;
import io.ingestline.model.RawBatch;
import io.ingestline.model.RawBatchCodec;
import io.ingestline.model.Topics;
import io.ingestline.model.kafka.KafkaSettings;
import io.ingestline.rules.EventChecks;
import io.ingestline.validator.topology.BatchProgress;
import io.ingestline.validator.topology.DatasetTopics;
import io.ingestline.validator.topology.ValidatorMetrics;
import io.ingestline.validator.topology.ValidatorTopology;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The duplicate filter's window with many request ids: expiry by time, whatever the order they came in. */
@Timeout(120)
class DuplicateExpiryTest {
    private static final Duration WINDOW = Duration.ofMinutes(10);

    @TempDir
    Path stateDir;

    @Test
    void expires_exactly_the_request_ids_older_than_the_window_among_many_seen_out_of_order() {
        long seed = System.nanoTime();
        System.out.println("DuplicateExpiryTest seed " + seed);
        Random random = new Random(seed);
        Topics topics = Topics.defaults();
        ValidatorConfig config = new ValidatorConfig(KafkaSettings.defaults("unused:9092", topics), "test", stateDir,
                "127.0.0.1", -1, new EventChecks.Limits(2000, 20), WINDOW, ValidatorConfig.Output.defaults(),
                Map.of());
        long start = 1_900_000_000_000L;
        try (TopologyTestDriver driver = new TopologyTestDriver(ValidatorTopology.build(Validator.settings(config),
                (dataset, wait) -> DatasetTopics.READY, new ValidatorMetrics(new SimpleMeterRegistry()),
                new BatchProgress()), Validator.streamsProperties(config), Instant.ofEpochMilli(start))) {
            TestInputTopic<byte[], byte[]> raw = driver.createInputTopic(topics.raw(), new ByteArraySerializer(),
                    new ByteArraySerializer());
            // the last time each request id was stored: a retry within the window is dropped and keeps the first
            Map<String, Long> expected = new HashMap<>();
            int keys = 3_000;
            for (int i = 0; i < keys; i++) {
                String request = "r" + random.nextInt(keys * 2 / 3); // some ids come back
                long t = start - random.nextLong(2 * WINDOW.toMillis()) + random.nextLong(WINDOW.toMillis() / 2);
                Long first = expected.get(request);
                if (first == null || t - first > WINDOW.toMillis()) {
                    expected.put(request, t);
                }
                pipe(raw, request, t);
            }
            for (int step = 1; step <= 12; step++) {
                driver.advanceWallClockTime(Duration.ofMinutes(1));
                long oldest = start + Duration.ofMinutes(step).toMillis() - WINDOW.toMillis();
                Set<String> kept = new TreeSet<>();
                expected.forEach((request, t) -> {
                    if (t >= oldest) {
                        kept.add(request);
                    }
                });
                assertThat(requests(driver.getKeyValueStore("request-ids"))).as("step %d", step).isEqualTo(kept);
                KeyValueStore<Object, Object> byTime = driver.getKeyValueStore("request-ids-by-time");
                assertThat(count(byTime)).as("time index at step %d", step).isEqualTo(kept.size());
            }
        }
    }

    private static void pipe(TestInputTopic<byte[], byte[]> raw, String request, long timestamp) {
        BatchContext c = new BatchContext(Dialect.AXIOM, new BatchTarget.Dataset("web"), "tok", request,
                Instant.ofEpochMilli(timestamp));
        byte[] payload = "{\"n\":1}\n".getBytes(UTF_8);
        RawBatch b = new RawBatch("b-" + request + "-" + timestamp, 0, 1, c, 1, payload);
        RecordHeaders headers = new RecordHeaders();
        RawBatchCodec.writeHeaders(b, headers);
        raw.pipeInput(new TestRecord<>(b.key().getBytes(UTF_8), payload, headers, timestamp));
    }

    private static Set<String> requests(KeyValueStore<String, Long> store) {
        Set<String> out = new TreeSet<>();
        try (KeyValueIterator<String, Long> it = store.all()) {
            while (it.hasNext()) {
                KeyValue<String, Long> e = it.next();
                out.add(e.key.split("\n")[1]);
            }
        }
        return out;
    }

    private static int count(KeyValueStore<Object, Object> store) {
        int n = 0;
        try (KeyValueIterator<Object, Object> it = store.all()) {
            while (it.hasNext()) {
                it.next();
                n++;
            }
        }
        return n;
    }
}
