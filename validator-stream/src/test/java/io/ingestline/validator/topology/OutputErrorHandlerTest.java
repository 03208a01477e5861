package io.ingestline.validator.topology;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.ingestline.model.IngestHeaders;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.apache.kafka.streams.processor.TaskId;
import org.junit.jupiter.api.Test;

class OutputErrorHandlerTest {
    private static final String DLQ = "ingest.deadletter";
    private final OutputErrorHandler handler = new OutputErrorHandler();

    OutputErrorHandlerTest() {
        handler.configure(Map.of(OutputErrorHandler.DEAD_LETTER_TOPIC, DLQ, OutputErrorHandler.MAX_RECORD_BYTES, 2_000));
    }

    private static final ErrorHandlerContext CONTEXT = new ErrorHandlerContext() {
        @Override
        public String topic() {
            return "ingest.raw";
        }

        @Override
        public int partition() {
            return 4;
        }

        @Override
        public long offset() {
            return 42;
        }

        @Override
        public Headers headers() {
            return new RecordHeaders();
        }

        @Override
        public String processorNodeId() {
            return "dataset-events";
        }

        @Override
        public TaskId taskId() {
            return new TaskId(1, 4);
        }

        @Override
        public long timestamp() {
            return 0;
        }

        @Override
        public byte[] sourceRawKey() {
            return null;
        }

        @Override
        public byte[] sourceRawValue() {
            return "raw batch".getBytes(UTF_8);
        }
    };

    private static ProducerRecord<byte[], byte[]> record(String topic, int size) {
        return new ProducerRecord<>(topic, null, "id-1".getBytes(UTF_8), "v".repeat(size).getBytes(UTF_8),
                new RecordHeaders().add(IngestHeaders.DATASET, "web".getBytes(UTF_8)));
    }

    @Test
    void sends_a_record_the_broker_found_too_large_to_the_dead_letters_cut_to_fit_with_its_size() {
        ProductionExceptionHandler.Response r = handler.handleError(CONTEXT, record("ingest.ds.web", 5_000),
                new RecordTooLargeException("too large"));

        assertThat(r.result()).isEqualTo(ProductionExceptionHandler.Result.RESUME);
        assertThat(r.deadLetterQueueRecords()).hasSize(1);
        ProducerRecord<byte[], byte[]> dead = r.deadLetterQueueRecords().get(0);
        assertThat(dead.topic()).isEqualTo(DLQ);
        assertThat(IngestHeaders.get(dead.headers(), IngestHeaders.DLQ_STAGE)).isEqualTo("store");
        assertThat(IngestHeaders.get(dead.headers(), IngestHeaders.DLQ_SOURCE)).isEqualTo("ingest.raw/4/42");
        assertThat(IngestHeaders.get(dead.headers(), IngestHeaders.DATASET)).isEqualTo("web");
        assertThat(Integer.parseInt(IngestHeaders.get(dead.headers(), IngestHeaders.DLQ_RECORD_BYTES)))
                .isGreaterThan(5_000);
        assertThat(IngestHeaders.get(dead.headers(), IngestHeaders.DLQ_TRUNCATED_FROM)).isEqualTo("5000");
        assertThat(RecordSize.of(dead.key(), dead.value(), dead.headers())).isLessThanOrEqualTo(2_000);
    }

    @Test
    void fails_when_a_dead_letter_itself_is_too_large() {
        assertThat(handler.handleError(CONTEXT, record(DLQ, 5_000), new RecordTooLargeException("too large"))
                .result()).isEqualTo(ProductionExceptionHandler.Result.FAIL);
    }

    @Test
    void fails_on_any_other_error_instead_of_dropping_the_record() {
        ProductionExceptionHandler.Response r = handler.handleError(CONTEXT, record("ingest.ds.web", 10),
                new TopicAuthorizationException("no"));
        assertThat(r.result()).isEqualTo(ProductionExceptionHandler.Result.FAIL);
        assertThat(handler.handleError(CONTEXT, record("ingest.ds.web", 10), new IllegalStateException("?"))
                .result()).isEqualTo(ProductionExceptionHandler.Result.FAIL);
    }

    /**
     * A broker away for longer than the delivery timeout expires the sends in flight (a retriable
     * TimeoutException): the task must be retried from its last commit (RETRY makes Kafka Streams treat it as
     * corrupted: abort, reprocess), never the whole validator stopped for good, as FAIL did.
     */
    @Test
    void retries_the_task_when_a_send_expires_while_the_broker_is_away() {
        for (String topic : new String[] {"ingest.ds.web", DLQ}) {
            ProductionExceptionHandler.Response r = handler.handleError(CONTEXT, record(topic, 10),
                    new TimeoutException("Expiring 3 record(s) for " + topic + "-5:10001 ms has passed"));
            assertThat(r.result()).as(topic).isEqualTo(ProductionExceptionHandler.Result.RETRY);
            assertThat(r.deadLetterQueueRecords()).as(topic).isEmpty();
        }
        assertThat(handler.handleError(CONTEXT, record("ingest.ds.web", 10), new NotEnoughReplicasException("isr"))
                .result()).isEqualTo(ProductionExceptionHandler.Result.RETRY);
    }

    @Test
    void sends_what_cannot_be_serialized_to_the_dead_letters() {
        ProductionExceptionHandler.Response r = handler.handleSerializationError(CONTEXT,
                new ProducerRecord<>("ingest.ds.web", "id-2", new Object()), new SerializationException("bad"),
                ProductionExceptionHandler.SerializationExceptionOrigin.VALUE);
        assertThat(r.result()).isEqualTo(ProductionExceptionHandler.Result.RESUME);
        ProducerRecord<byte[], byte[]> dead = r.deadLetterQueueRecords().get(0);
        assertThat(new String(dead.value(), UTF_8)).isEqualTo("raw batch");
        assertThat(IngestHeaders.get(dead.headers(), IngestHeaders.DLQ_ERROR_CLASS))
                .isEqualTo(SerializationException.class.getName());
    }
}
