package io.ingestline.sink.storage;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileStorageWriterTest {
    @TempDir
    Path root;

    private static SinkRecord record(String dataset, int partition, long offset, String time, String json) {
        return new SinkRecord(dataset, partition, offset, Instant.parse(time).toEpochMilli(), json.getBytes(UTF_8));
    }

    @Test
    void writes_one_line_per_event_partitioned_by_dataset_date_hour_and_kafka_partition() throws Exception {
        try (FileStorageWriter w = new FileStorageWriter(root)) {
            w.write(record("web", 0, 0, "2026-11-23T10:59:59.999Z", "{\"a\":1}"));
            w.write(record("web", 0, 1, "2026-11-23T11:00:00Z", "{\"a\":2}"));
            w.write(record("web", 2, 0, "2026-11-23T11:30:00Z", "{\"a\":3}"));
            w.write(record("api", 0, 0, "2026-11-23T10:00:00Z", "{\"b\":1}"));
            w.flush();
        }

        assertThat(Files.readAllLines(root.resolve("dataset=web/date=2026-11-23/hour=10/part-0.ndjson")))
                .containsExactly("{\"a\":1}");
        assertThat(Files.readAllLines(root.resolve("dataset=web/date=2026-11-23/hour=11/part-0.ndjson")))
                .containsExactly("{\"a\":2}");
        assertThat(Files.readAllLines(root.resolve("dataset=web/date=2026-11-23/hour=11/part-2.ndjson")))
                .containsExactly("{\"a\":3}");
        assertThat(Files.readAllLines(root.resolve("dataset=api/date=2026-11-23/hour=10/part-0.ndjson")))
                .containsExactly("{\"b\":1}");
    }

    @Test
    void appends_to_existing_files_after_a_release_or_a_restart() throws Exception {
        try (FileStorageWriter w = new FileStorageWriter(root)) {
            w.write(record("web", 1, 0, "2026-11-23T10:00:00Z", "{\"n\":1}"));
            w.flush();
            w.release("web", List.of(1));
            w.write(record("web", 1, 1, "2026-11-23T10:00:01Z", "{\"n\":2}"));
            w.flush();
        }
        try (FileStorageWriter w = new FileStorageWriter(root)) {
            w.write(record("web", 1, 2, "2026-11-23T10:00:02Z", "{\"n\":3}"));
            w.flush();
        }
        assertThat(Files.readAllLines(root.resolve("dataset=web/date=2026-11-23/hour=10/part-1.ndjson")))
                .containsExactly("{\"n\":1}", "{\"n\":2}", "{\"n\":3}");
    }

    @Test
    void partitions_events_before_1970_correctly() throws Exception {
        try (FileStorageWriter w = new FileStorageWriter(root)) {
            w.write(record("old", 0, 0, "1969-12-31T23:30:00Z", "{}"));
            w.flush();
        }
        assertThat(root.resolve("dataset=old/date=1969-12-31/hour=23/part-0.ndjson")).exists();
    }
}
