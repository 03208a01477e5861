package io.ingestline.sink.storage;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileStorageWriterTest {
    private static final DatasetPartition WEB0 = new DatasetPartition("web", 0);
    private static final StorageWriter.Fence OK = next -> { };

    @TempDir
    Path root;

    private static SinkRecord record(String dataset, int partition, long offset, String time, String json) {
        return new SinkRecord(dataset, partition, offset, Instant.parse(time).toEpochMilli(), "id-" + offset,
                json.getBytes(UTF_8));
    }

    /** Every visible file's lines, by the file's path relative to the root. */
    private List<String> visible() {
        List<String> out = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path f : files.filter(p -> p.getFileName().toString().endsWith(".ndjson.gz"))
                    .filter(p -> !root.relativize(p).toString().contains("_sink")).sorted().toList()) {
                try (InputStream in = new GZIPInputStream(Files.newInputStream(f))) {
                    for (String line : new String(in.readAllBytes(), UTF_8).split("\n")) {
                        out.add(root.relativize(f) + " " + line);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /**
     * A record's events written at once (runs of one hour copied as they are) make the same files as the same events
     * written one by one; seeded: records of 1 to 60 events, times spread over a few hours, in and out of order.
     */
    @Test
    void a_records_events_written_at_once_make_the_same_files_as_written_one_by_one(@TempDir Path other) {
        long seed = new java.util.Random().nextLong();
        System.out.println("a_records_events_written_at_once seed=" + seed);
        java.util.Random random = new java.util.Random(seed);
        List<io.ingestline.model.DatasetRecord.Events> records = new ArrayList<>();
        long base = Instant.parse("2026-11-23T10:00:00Z").toEpochMilli();
        int next = 0;
        for (int r = 0; r < 200; r++) {
            io.ingestline.model.DatasetRecord.Builder b = new io.ingestline.model.DatasetRecord.Builder();
            int n = 1 + random.nextInt(60);
            for (int k = 0; k < n; k++, next++) {
                long time = base + (long) (random.nextGaussian() * 3_600_000L * (random.nextBoolean() ? 0.2 : 3));
                byte[] e = ("{\"_time\":" + time + ",\"_id\":\"b-" + next + "\",\"pad\":\""
                        + "p".repeat(random.nextInt(random.nextInt(10) == 0 ? 5_000 : 100)) + "\"}").getBytes(UTF_8);
                b.add("b-" + next, next, time, e, 0, e.length);
            }
            org.apache.kafka.common.header.internals.RecordHeaders h =
                    new org.apache.kafka.common.header.internals.RecordHeaders();
            b.putHeaders(h, "b");
            records.add(io.ingestline.model.DatasetRecord.Events.of(null, b.value(), h, 0));
        }
        try (FileStorageWriter atOnce = new FileStorageWriter(root, 1 << 20, 64 << 20,
                FileStorageWriter.Compression.GZIP);
                FileStorageWriter oneByOne = new FileStorageWriter(other, 1 << 20, 64 << 20,
                        FileStorageWriter.Compression.GZIP)) {
            atOnce.open(List.of(WEB0), 1);
            oneByOne.open(List.of(WEB0), 1);
            for (int offset = 0; offset < records.size(); offset++) {
                io.ingestline.model.DatasetRecord.Events events = records.get(offset);
                atOnce.write(WEB0, offset, events);
                for (int i = 0; i < events.count(); i++) {
                    oneByOne.write(new SinkRecord("web", 0, offset, i, events.time(i), events.id(i).getBytes(UTF_8),
                            java.util.Arrays.copyOfRange(events.value(), events.start(i), events.end(i))));
                }
                if (random.nextInt(20) == 0) {
                    atOnce.commit(Map.of(WEB0, offset + 1L), OK);
                    oneByOne.commit(Map.of(WEB0, offset + 1L), OK);
                }
            }
            atOnce.commit(Map.of(WEB0, (long) records.size()), OK);
            oneByOne.commit(Map.of(WEB0, (long) records.size()), OK);
        }
        List<String> written = visible();
        Path saved = root;
        root = other;
        List<String> expected = visible();
        root = saved;
        assertThat(written).as("seed %d", seed).hasSize(next).isEqualTo(expected);
    }

    @Test
    void commits_gzip_files_named_by_their_offsets_in_dataset_date_hour_directories() {
        try (FileStorageWriter w = new FileStorageWriter(root, 1 << 20, 64 << 20, FileStorageWriter.Compression.GZIP)) {
            assertThat(w.open(List.of(WEB0, new DatasetPartition("api", 2)), 1)).isEmpty();
            w.write(record("web", 0, 5, "2026-11-23T10:59:59.999Z", "{\"a\":1}"));
            w.write(record("web", 0, 6, "2026-11-23T11:00:00Z", "{\"a\":2}"));
            w.write(record("api", 2, 0, "1969-12-31T23:30:00Z", "{\"b\":1}"));
            assertThat(visible()).isEmpty();
            w.commit(Map.of(WEB0, 7L, new DatasetPartition("api", 2), 1L), OK);
        }
        assertThat(visible()).containsExactly(
                "dataset=api/date=1969-12-31/hour=23/part-2-0-0.ndjson.gz {\"b\":1}",
                "dataset=web/date=2026-11-23/hour=10/part-0-5-6.ndjson.gz {\"a\":1}",
                "dataset=web/date=2026-11-23/hour=11/part-0-5-6.ndjson.gz {\"a\":2}");
        try (FileStorageWriter w = new FileStorageWriter(root, 1 << 20, 64 << 20, FileStorageWriter.Compression.GZIP)) {
            assertThat(w.open(List.of(WEB0), 1)).containsEntry(WEB0, 7L);
        }
    }

    @Test
    void what_was_written_but_not_committed_is_discarded_and_read_again() {
        try (FileStorageWriter w = new FileStorageWriter(root, 1 << 20, 64 << 20, FileStorageWriter.Compression.GZIP)) {
            w.open(List.of(WEB0), 1);
            w.write(record("web", 0, 0, "2026-11-23T10:00:00Z", "{\"n\":0}"));
            w.commit(Map.of(WEB0, 1L), OK);
            w.write(record("web", 0, 1, "2026-11-23T10:00:01Z", "{\"n\":1}"));
            // the process dies here: nothing is closed
        }
        try (FileStorageWriter w = new FileStorageWriter(root, 1 << 20, 64 << 20, FileStorageWriter.Compression.GZIP)) {
            assertThat(w.open(List.of(WEB0), 1)).containsEntry(WEB0, 1L);
            w.write(record("web", 0, 1, "2026-11-23T10:00:01Z", "{\"n\":1}"));
            w.commit(Map.of(WEB0, 2L), OK);
        }
        assertThat(visible()).containsExactly(
                "dataset=web/date=2026-11-23/hour=10/part-0-0-0.ndjson.gz {\"n\":0}",
                "dataset=web/date=2026-11-23/hour=10/part-0-1-1.ndjson.gz {\"n\":1}");
        assertThat(VisibleFiles.staged(root)).isEmpty();
    }

    @Test
    void a_commit_whose_fence_threw_after_its_record_is_finished_by_the_next_owner() {
        try (FileStorageWriter w = new FileStorageWriter(root, 1 << 20, 64 << 20, FileStorageWriter.Compression.GZIP)) {
            w.open(List.of(WEB0), 1);
            w.write(record("web", 0, 0, "2026-11-23T10:00:00Z", "{\"n\":0}"));
            w.write(record("web", 0, 1, "2026-11-23T12:00:00Z", "{\"n\":1}"));
            // the process dies once the commit record is written and Kafka has the offsets, before the renames
            assertThatThrownBy(() -> w.commit(Map.of(WEB0, 2L), next -> {
                throw new Crash();
            })).isInstanceOf(Crash.class);
        }
        assertThat(visible()).isEmpty();
        // The record and its staged files stay: the next owner cannot tell whether Kafka took the offsets, and one
        // that opened the partition meanwhile may be finishing them already. It finishes them and resumes after.
        try (FileStorageWriter w = new FileStorageWriter(root, 1 << 20, 64 << 20, FileStorageWriter.Compression.GZIP)) {
            assertThat(w.open(List.of(WEB0), 2)).containsEntry(WEB0, 2L);
        }
        assertThat(visible()).containsExactly(
                "dataset=web/date=2026-11-23/hour=10/part-0-0-1.ndjson.gz {\"n\":0}",
                "dataset=web/date=2026-11-23/hour=12/part-0-0-1.ndjson.gz {\"n\":1}");
    }

    @Test
    void staged_files_listed_in_the_commit_record_are_moved_into_place_on_open() throws Exception {
        Path staging;
        try (FileStorageWriter w = new FileStorageWriter(root, 1 << 20, 64 << 20, FileStorageWriter.Compression.GZIP)) {
            w.open(List.of(WEB0), 1);
            w.write(record("web", 0, 3, "2026-11-23T10:00:00Z", "{\"n\":3}"));
            w.write(record("web", 0, 4, "2026-11-23T12:00:00Z", "{\"n\":4}"));
            w.commit(Map.of(WEB0, 5L), OK);
            // undo one rename, as if the process had died between the two
            Path placed = root.resolve("dataset=web/date=2026-11-23/hour=12/part-0-3-4.ndjson.gz");
            staging = root.resolve("dataset=web/_sink/staging/0/moved-back.ndjson.gz");
            Files.move(placed, staging);
            Path recordFile;
            try (Stream<Path> records = Files.list(root.resolve("dataset=web/_sink"))) {
                recordFile = records.filter(p -> p.getFileName().toString().endsWith(".commit")).findFirst().orElseThrow();
            }
            String record = Files.readString(recordFile);
            String staged = root.resolve("dataset=web").relativize(staging).toString();
            Files.writeString(recordFile, record.replaceFirst(
                    "\"[^\"]*hour=12[^\"]*\",\"date=2026-11-23/hour=12", "\"" + staged + "\",\"date=2026-11-23/hour=12"));
        }
        assertThat(visible()).hasSize(1);
        try (FileStorageWriter w = new FileStorageWriter(root, 1 << 20, 64 << 20, FileStorageWriter.Compression.GZIP)) {
            assertThat(w.open(List.of(WEB0), 1)).containsEntry(WEB0, 5L);
        }
        assertThat(visible()).containsExactly(
                "dataset=web/date=2026-11-23/hour=10/part-0-3-4.ndjson.gz {\"n\":3}",
                "dataset=web/date=2026-11-23/hour=12/part-0-3-4.ndjson.gz {\"n\":4}");
        assertThat(staging).doesNotExist();
    }

    @Test
    void asks_for_a_commit_once_a_file_reaches_its_size_and_discards_a_released_partition() {
        try (FileStorageWriter w = new FileStorageWriter(root, 1024, 64 << 20, FileStorageWriter.Compression.GZIP)) {
            w.open(List.of(WEB0), 1);
            w.write(record("web", 0, 0, "2026-11-23T10:00:00Z", "{\"x\":\"" + "y".repeat(900) + "\"}"));
            assertThat(w.commitDue()).isFalse();
            w.write(record("web", 0, 1, "2026-11-23T10:00:00Z", "{\"x\":\"" + "y".repeat(900) + "\"}"));
            assertThat(w.commitDue()).isTrue();
            w.release(List.of(WEB0));
            assertThat(w.commitDue()).isFalse();
        }
        assertThat(visible()).isEmpty();
    }

    @Test
    void zstd_files_hold_the_same_lines() throws Exception {
        try (FileStorageWriter w = new FileStorageWriter(root, 1 << 20, 64 << 20, FileStorageWriter.Compression.ZSTD)) {
            w.open(List.of(WEB0), 1);
            w.write(record("web", 0, 0, "2026-11-23T10:00:00Z", "{\"n\":0}"));
            w.write(record("web", 0, 1, "2026-11-23T10:00:00Z", "{\"n\":1}"));
            w.commit(Map.of(WEB0, 2L), OK);
        }
        Path file = root.resolve("dataset=web/date=2026-11-23/hour=10/part-0-0-1.ndjson.zst");
        try (InputStream in = new com.github.luben.zstd.ZstdInputStream(Files.newInputStream(file))) {
            assertThat(new String(in.readAllBytes(), UTF_8)).isEqualTo("{\"n\":0}\n{\"n\":1}\n");
        }
    }

    private static final class Crash extends RuntimeException {
        private static final long serialVersionUID = 1L;
    }
}
