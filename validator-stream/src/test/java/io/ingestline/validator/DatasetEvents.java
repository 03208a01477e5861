package io.ingestline.validator;

import io.ingestline.model.DatasetRecord;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.test.TestRecord;

/**
 * A dataset topic of a {@code TopologyTestDriver} read event by event: each {@link DatasetRecord} opened into one
 * test record per event, keyed by the event's id, with the record's headers and the event's own
 * {@code ingest.event-time}.
 */
final class DatasetEvents {
    private final TestOutputTopic<String, byte[]> topic;
    private final List<TestRecord<String, byte[]>> read = new ArrayList<>();

    DatasetEvents(TestOutputTopic<String, byte[]> topic) {
        this.topic = topic;
    }

    /** The events not read yet. */
    List<TestRecord<String, byte[]>> readRecordsToList() {
        fill();
        List<TestRecord<String, byte[]>> out = new ArrayList<>(read);
        read.clear();
        return out;
    }

    /** The values of the events not read yet. */
    List<byte[]> readValuesToList() {
        return readRecordsToList().stream().map(TestRecord::value).toList();
    }

    TestRecord<String, byte[]> readRecord() {
        fill();
        if (read.isEmpty()) {
            throw new java.util.NoSuchElementException("no event on " + topic);
        }
        return read.remove(0);
    }

    byte[] readValue() {
        return readRecord().value();
    }

    boolean isEmpty() {
        fill();
        return read.isEmpty();
    }

    private void fill() {
        for (TestRecord<String, byte[]> r : topic.readRecordsToList()) {
            read.addAll(events(r));
        }
    }

    static List<TestRecord<String, byte[]>> events(TestRecord<String, byte[]> r) {
        List<TestRecord<String, byte[]>> out = new ArrayList<>();
        byte[] key = r.key() == null ? null : r.key().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        DatasetRecord.read(key, r.value(), r.headers(), r.timestamp(), (i, id, time, buf, off, len) -> {
            out.add(new TestRecord<>(id, Arrays.copyOfRange(buf, off, off + len),
                    DatasetRecord.eventHeaders(r.headers(), time), r.timestamp()));
        });
        return out;
    }
}
