package io.ingestline.sink.storage;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Two owners of one partition at once, as a rebalance makes them, and what must be durable before a commit counts. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FileStorageWriterFencingTest {
    private static final DatasetPartition WEB0 = new DatasetPartition("web", 0);
    private static final StorageWriter.Fence OK = next -> { };

    @TempDir
    Path root;

    private FileStorageWriter writer() {
        return new FileStorageWriter(root, 1 << 20, 16 << 20, FileStorageWriter.Compression.GZIP);
    }

    private static SinkRecord record(long offset) {
        return new SinkRecord("web", 0, offset, Instant.parse("2026-11-23T10:00:00Z").toEpochMilli() + offset,
                "id-" + offset, ("{\"n\":" + offset + "}").getBytes(UTF_8));
    }

    @Test
    void a_worker_that_lost_its_partition_never_replaces_the_new_owners_commit_record() {
        FileStorageWriter stale = writer();
        FileStorageWriter owner = writer();
        stale.open(List.of(WEB0), 1);
        owner.open(List.of(WEB0), 2); // the partition moved in a rebalance; the stale worker does not know yet
        for (long o = 0; o < 5; o++) {
            owner.write(record(o));
        }
        owner.commit(Map.of(WEB0, 5L), OK);
        for (long o = 0; o < 3; o++) {
            stale.write(record(o));
        }
        // the stale worker writes its record, then Kafka fences it
        assertThatThrownBy(() -> stale.commit(Map.of(WEB0, 3L), next -> {
            throw new IllegalStateException("fenced: the group has a newer generation");
        })).hasMessageContaining("fenced");
        owner.write(record(5));
        owner.write(record(6));
        // the owner dies before its next commit: nothing is closed

        try (FileStorageWriter next = writer()) {
            assertThat(next.open(List.of(WEB0), 3)).containsEntry(WEB0, 5L);
            for (long o = 5; o < 8; o++) {
                next.write(record(o));
            }
            next.commit(Map.of(WEB0, 8L), OK);
        }
        List<String> lines = VisibleFiles.lines(root).stream().map(VisibleFiles.Line::text).sorted().toList();
        List<String> expected = new ArrayList<>();
        for (long o = 0; o < 8; o++) {
            expected.add("{\"n\":" + o + "}");
        }
        Collections.sort(expected);
        assertThat(lines).isEqualTo(expected);
        stale.close();
    }

    @Test
    void every_directory_on_the_way_to_a_file_or_record_is_synced_in_its_parent_before_the_fence() throws IOException {
        List<String> events = Collections.synchronizedList(new ArrayList<>());
        Fsync recording = dir -> {
            events.add("sync " + root.relativize(dir));
            Fsync.DISK.directory(dir);
        };
        try (FileStorageWriter w = new FileStorageWriter(root, 1 << 20, 16 << 20, FileStorageWriter.Compression.GZIP,
                recording)) {
            w.open(List.of(WEB0), 1);
            w.write(record(0));
            w.write(new SinkRecord("web", 0, 1, Instant.parse("2026-11-24T03:00:00Z").toEpochMilli(), "id-1",
                    "{\"n\":1}".getBytes(UTF_8)));
            w.commit(Map.of(WEB0, 2L), next -> events.add("fence"));
        }
        List<String> beforeFence = events.subList(0, events.indexOf("fence"));
        List<String> missing = new ArrayList<>();
        try (Stream<Path> dirs = Files.walk(root)) {
            for (Path d : dirs.filter(Files::isDirectory).filter(d -> !d.equals(root)).toList()) {
                String parent = "sync " + root.relativize(d.getParent());
                if (!beforeFence.contains(parent)) {
                    missing.add(root.relativize(d) + " (needs " + parent + ")");
                }
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        assertThat(missing).as("directories whose entry was not durable before the fence; syncs: %s", events)
                .isEmpty();
    }
}
