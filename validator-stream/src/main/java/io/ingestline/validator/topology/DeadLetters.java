package io.ingestline.validator.topology;

import io.ingestline.model.IngestHeaders;
import io.ingestline.model.rules.RuleRef;
import io.ingestline.rules.Outcome;
import java.util.Arrays;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * Builds dead-letter headers: the failed record's own headers, plus the stage, the error's class and message, the
 * rule and its version when one was involved ({@code ingest.rule}, {@code ingest.rule.version}; a rule that could not
 * be compiled has no version), and where the record came from.
 */
final class DeadLetters {
    static final String STAGE_CONTRACT = "contract";
    static final String STAGE_PARSE = "parse";
    static final String STAGE_VALIDATE = Outcome.STAGE_VALIDATE;
    static final String STAGE_ROUTE = "route";
    static final String STAGE_TRANSFORM = Outcome.STAGE_TRANSFORM;
    /** The output record could not be written (over the record limit, or refused by the producer). */
    static final String STAGE_STORE = "store";

    private static final int MAX_MESSAGE = 1000;

    private DeadLetters() {
    }

    static Headers headers(Headers original, String stage, String errorClass, String message, RuleRef rule,
            RecordMetadata source, int eventIndex) {
        Headers h = new RecordHeaders(original.toArray());
        IngestHeaders.put(h, IngestHeaders.DLQ_STAGE, stage);
        IngestHeaders.put(h, IngestHeaders.DLQ_ERROR_CLASS, errorClass);
        IngestHeaders.put(h, IngestHeaders.DLQ_ERROR_MESSAGE,
                message.length() > MAX_MESSAGE ? message.substring(0, MAX_MESSAGE) + "..." : message);
        IngestHeaders.put(h, IngestHeaders.DLQ_SOURCE, source.topic() + "/" + source.partition() + "/" + source.offset());
        if (rule != null) {
            IngestHeaders.put(h, IngestHeaders.RULE, rule.key());
            if (rule.version() >= 0) {
                IngestHeaders.put(h, IngestHeaders.RULE_VERSION, Long.toString(rule.version()));
            }
        }
        if (eventIndex >= 0) {
            IngestHeaders.put(h, IngestHeaders.DLQ_EVENT_INDEX, Integer.toString(eventIndex));
        }
        return h;
    }

    /**
     * The value of a dead letter cut so that its record fits in {@code maxRecordBytes}, with
     * {@code ingest.dlq.truncated-from} added to the headers when it had to be cut: a dead letter that cannot be
     * written would stop the stream, so a very large one keeps its head and its size instead.
     */
    static byte[] fit(byte[] key, byte[] value, Headers headers, int maxRecordBytes) {
        if (value == null) {
            return null;
        }
        int over = RecordSize.of(key, value, headers) - maxRecordBytes;
        if (over <= 0) {
            return value;
        }
        IngestHeaders.put(headers, IngestHeaders.DLQ_TRUNCATED_FROM, Integer.toString(value.length));
        over = RecordSize.of(key, value, headers) - maxRecordBytes;
        return Arrays.copyOf(value, Math.max(0, value.length - over));
    }
}
