package io.ingestline.sink.consume;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ingestline.model.DatasetName;
import io.ingestline.model.EventEnvelope;
import io.ingestline.model.EventTime;
import io.ingestline.model.IngestHeaders;
import io.ingestline.model.Json;
import io.ingestline.sink.storage.SinkRecord;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * A record of the dead-letter topic as an event of the dataset {@link DatasetName#DEAD_LETTERS}: the reason from its
 * headers as fields, and its value (the original bytes) as text in {@code original}, or in {@code original_base64}
 * when it is not UTF-8 text (or escaping it as JSON would more than double it). {@code _time} is the record's
 * timestamp; {@code _id} is {@code <topic>-<partition>-<offset>}, so reading the record again gives the same event.
 * A header that is absent leaves its field out. Strings never hold U+0000 (PostgreSQL's {@code jsonb} refuses it: a
 * dead letter that cannot be stored is not sent to the dead letters again, so the mapping avoids making one).
 */
public final class DeadLetterEvent {
    /** Headers stored as text, each with its field (most are the original record's, kept by whoever dead-lettered it). */
    private static final String[][] TEXT_FIELDS = {
        {IngestHeaders.DLQ_STAGE, "stage"},
        {IngestHeaders.DLQ_ERROR_MESSAGE, "reason"},
        {IngestHeaders.DLQ_ERROR_CLASS, "error_class"},
        {IngestHeaders.DATASET, "dataset"},
        {IngestHeaders.RULE, "rule"},
        {IngestHeaders.DIALECT, "dialect"},
        {IngestHeaders.TOKEN, "token"},
        {IngestHeaders.DCR, "dcr"},
        {IngestHeaders.STREAM, "stream"},
        {IngestHeaders.REQUEST, "request"},
        {IngestHeaders.BATCH, "batch"},
        {IngestHeaders.DLQ_SOURCE, "source"},
    };
    private static final String[][] NUMBER_FIELDS = {
        {IngestHeaders.RULE_VERSION, "rule_version"},
        {IngestHeaders.DLQ_EVENT_INDEX, "event_index"},
        {IngestHeaders.DLQ_RECORD_BYTES, "record_bytes"},
    };

    private DeadLetterEvent() {
    }

    /** The event a dead letter is stored as. */
    public static SinkRecord of(ConsumerRecord<byte[], byte[]> r) {
        long time = Math.max(0, r.timestamp());
        String id = r.topic() + "-" + r.partition() + "-" + r.offset();
        ObjectNode e = Json.mapper().createObjectNode();
        e.put(EventEnvelope.TIME, EventTime.format(Instant.ofEpochMilli(time)));
        e.put(EventEnvelope.ID, id);
        for (String[] f : TEXT_FIELDS) {
            String v = header(r, f[0]);
            if (v != null) {
                e.put(f[1], v);
            }
        }
        for (String[] f : NUMBER_FIELDS) {
            putNumber(e, f[1], header(r, f[0]));
        }
        String received = header(r, IngestHeaders.RECEIVED);
        if (received != null) {
            Long ms = number(received);
            e.put("received", ms == null ? received : EventTime.format(Instant.ofEpochMilli(ms)));
        }
        String truncatedFrom = header(r, IngestHeaders.DLQ_TRUNCATED_FROM);
        e.put("truncated", truncatedFrom != null);
        putNumber(e, "truncated_from", truncatedFrom);
        putOriginal(e, r.value() == null ? new byte[0] : r.value(), truncatedFrom != null);
        try {
            return new SinkRecord(DatasetName.DEAD_LETTERS, r.partition(), r.offset(), time, id,
                    Json.mapper().writeValueAsBytes(e));
        } catch (JsonProcessingException ex) {
            throw new UncheckedIOException("cannot write the dead letter " + id + " as JSON", ex);
        }
    }

    /** A header's value as text without U+0000 (bytes that are not UTF-8 become U+FFFD), or null when absent. */
    private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        String v = IngestHeaders.get(r.headers(), name);
        return v == null ? null : v.replace('\u0000', '\uFFFD');
    }

    private static void putNumber(ObjectNode e, String field, String value) {
        if (value != null) {
            Long n = number(value);
            if (n != null) {
                e.put(field, n.longValue());
            } else {
                e.put(field, value);
            }
        }
    }

    private static Long number(String s) {
        try {
            return Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static void putOriginal(ObjectNode e, byte[] value, boolean truncated) {
        // a cut may end inside a character: the text is what comes before it
        byte[] bytes = truncated ? Arrays.copyOf(value, wholeCharacters(value)) : value;
        String text = text(bytes);
        if (text != null && escapes(text) <= bytes.length) {
            e.put("original", text);
        } else {
            e.put("original_base64", Base64.getEncoder().encodeToString(value));
        }
    }

    /** The bytes as text when they are UTF-8 without U+0000, else null. */
    private static String text(byte[] bytes) {
        try {
            String s = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
            return s.indexOf('\u0000') >= 0 ? null : s;
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    /** Bytes JSON's escapes add to the text: 1 for a quote, a backslash or \n \t \r \b \f, 5 for another control. */
    private static long escapes(String s) {
        long extra = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\' || c == '\n' || c == '\t' || c == '\r' || c == '\b' || c == '\f') {
                extra++;
            } else if (c < 0x20) {
                extra += 5;
            }
        }
        return extra;
    }

    /** The length of the longest prefix that does not end inside a UTF-8 sequence. */
    static int wholeCharacters(byte[] b) {
        int n = b.length;
        // look back over at most 3 continuation bytes for the lead byte of the last sequence
        for (int i = n - 1; i >= 0 && i >= n - 4; i--) {
            int v = b[i] & 0xFF;
            if (v < 0x80) {
                return n; // ASCII: complete
            }
            if (v >= 0xC0) {
                int len = v >= 0xF0 ? 4 : v >= 0xE0 ? 3 : 2;
                return n - i >= len ? n : i;
            }
        }
        return n;
    }
}
