package io.ingestline.edge.kafka;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.ingestline.model.BatchContext;
import io.ingestline.model.BatchTarget;
import io.ingestline.model.Dialect;
import io.ingestline.model.RawBatch;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

class RawBatchPublisherTest {
    /** A request's raw batches, each with its own batch id {@code <id>-<i>} (the record key). */
    private static List<RawBatch> request(String id, int records) {
        BatchContext c = new BatchContext(Dialect.AXIOM, new BatchTarget.Dataset("web"), "tok", null, Instant.now());
        return IntStream.range(0, records)
                .mapToObj(i -> new RawBatch(id + "-" + i, 0, 1, c, 1, "{\"a\":1}\n".getBytes(UTF_8))).toList();
    }

    private static MockProducer<byte[], byte[]> producer() {
        return new MockProducer<>(false, null, new ByteArraySerializer(), new ByteArraySerializer());
    }

    @Test
    void requests_take_the_producers_in_turn_and_a_request_stays_on_one() {
        MockProducer<byte[], byte[]> first = producer();
        MockProducer<byte[], byte[]> second = producer();
        RawBatchPublisher publisher = new RawBatchPublisher(List.of(first, second), "raw", nanos -> { });

        CompletableFuture<Void> a = publisher.publish(request("a", 2));
        CompletableFuture<Void> b = publisher.publish(request("b", 1));
        CompletableFuture<Void> c = publisher.publish(request("c", 1));

        assertThat(first.history()).extracting(r -> new String(r.key(), UTF_8)).containsExactly("a-0", "a-1", "c-0");
        assertThat(second.history()).extracting(r -> new String(r.key(), UTF_8)).containsExactly("b-0");
        first.completeNext();
        assertThat(a).isNotDone();
        first.completeNext();
        assertThat(a).isCompleted();
        assertThat(b).isNotDone();
        second.completeNext();
        assertThat(b).isCompleted();
        first.errorNext(new RuntimeException("broker said no"));
        assertThat(c).isCompletedExceptionally();
    }
}
