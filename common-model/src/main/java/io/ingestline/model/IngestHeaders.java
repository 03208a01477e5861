package io.ingestline.model;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * Names of the Kafka record headers the services exchange. Every value is a UTF-8 string. Numbers are decimal,
 * times are epoch milliseconds.
 */
public final class IngestHeaders {
    /** Contract version of a raw batch: {@value #CONTRACT_VERSION}. */
    public static final String VERSION = "ingest.v";
    public static final String CONTRACT_VERSION = "1";
    /** Payload format of a raw batch: {@value #FORMAT_NDJSON}, one compact JSON object per line. */
    public static final String FORMAT = "ingest.format";
    public static final String FORMAT_NDJSON = "ndjson";
    /** Unique id of one raw batch record; event ids derive from it. */
    public static final String BATCH = "ingest.batch";
    /** Which part of its request a raw batch is, as {@code index/count}, from {@code 0/1}. */
    public static final String PART = "ingest.part";
    /** Number of events in a raw batch. */
    public static final String COUNT = "ingest.count";
    /** The ingest API the request used ({@link Dialect#wireName()}). */
    public static final String DIALECT = "ingest.dialect";
    /** Target dataset (dataset-path dialects), or the output dataset of an event. */
    public static final String DATASET = "ingest.dataset";
    /** Target data collection rule immutable id and stream (Azure dialect). */
    public static final String DCR = "ingest.dcr";
    public static final String STREAM = "ingest.stream";
    /** Id of the token that authenticated the request (never the secret). */
    public static final String TOKEN = "ingest.token";
    /** Client-given request id ({@code Idempotency-Key}, {@code x-ms-client-request-id}), when there was one. */
    public static final String REQUEST = "ingest.request";
    /** When the edge received the request. */
    public static final String RECEIVED = "ingest.received";
    /** An event's time, on dataset topics: lets a sink partition by hour without parsing the event. */
    public static final String EVENT_TIME = "ingest.event-time";
    /** The rule that made an event, or failed on it ({@code dcr/<id>}, {@code dataset/<name>}), and its version. */
    public static final String RULE = "ingest.rule";
    public static final String RULE_VERSION = "ingest.rule.version";

    /**
     * Dead letters: the stage that failed ({@code contract}, {@code parse}, {@code validate}, {@code route},
     * {@code transform}, {@code store}); with {@link #RULE} and {@link #RULE_VERSION} when a rule was involved.
     */
    public static final String DLQ_STAGE = "ingest.dlq.stage";
    public static final String DLQ_ERROR_CLASS = "ingest.dlq.error.class";
    public static final String DLQ_ERROR_MESSAGE = "ingest.dlq.error.message";
    /** Dead letters: where the failed record came from, as {@code topic/partition/offset}, and its event index. */
    public static final String DLQ_SOURCE = "ingest.dlq.source";
    public static final String DLQ_EVENT_INDEX = "ingest.dlq.event-index";
    /** Dead letters: the size in bytes of the output record that was over the writer's record limit. */
    public static final String DLQ_RECORD_BYTES = "ingest.dlq.record-bytes";
    /** Dead letters: the value was cut to fit the record limit; this is its size in bytes before the cut. */
    public static final String DLQ_TRUNCATED_FROM = "ingest.dlq.truncated-from";

    private IngestHeaders() {
    }

    public static void put(Headers headers, String name, String value) {
        headers.remove(name);
        headers.add(name, value.getBytes(StandardCharsets.UTF_8));
    }

    /** The last value of a header, or null. */
    public static String get(Headers headers, String name) {
        Header h = headers.lastHeader(name);
        return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
