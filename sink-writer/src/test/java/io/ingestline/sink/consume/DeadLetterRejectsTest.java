package io.ingestline.sink.consume;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.ingestline.model.IngestHeaders;
import io.ingestline.model.Topics;
import io.ingestline.sink.storage.SinkRecord;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

class DeadLetterRejectsTest {
    private final MockProducer<byte[], byte[]> producer = new MockProducer<>(true, null, new ByteArraySerializer(),
            new ByteArraySerializer());
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final DeadLetterRejects rejects = new DeadLetterRejects(producer, new Topics("acme."),
            new SinkMetrics(registry));

    @Test
    void an_event_storage_refuses_goes_to_the_dead_letter_topic_with_stage_store() {
        rejects.reject(new SinkRecord("web", 1, 7, 1000, "id-1", "{\"a\":1}".getBytes(UTF_8)), "refused");
        rejects.flush();
        assertThat(producer.history()).hasSize(1);
        assertThat(producer.history().get(0).topic()).isEqualTo("acme.deadletter");
        assertThat(IngestHeaders.get(producer.history().get(0).headers(), IngestHeaders.DLQ_STAGE)).isEqualTo("store");
        assertThat(IngestHeaders.get(producer.history().get(0).headers(), IngestHeaders.DLQ_SOURCE))
                .isEqualTo("acme.ds.web/1/7");
    }

    @Test
    void a_dead_letter_storage_refuses_is_counted_and_never_sent_to_the_dead_letters_again() {
        rejects.reject(new SinkRecord("_deadletter", 0, 3, 1000, "acme.deadletter-0-3", "{}".getBytes(UTF_8)),
                "PostgreSQL refused the event");
        rejects.flush();
        assertThat(producer.history()).as("no loop").isEmpty();
        assertThat(registry.get("sink.dead.letters.unstored").counter().count()).isEqualTo(1.0);
    }
}
