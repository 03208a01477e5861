package io.ingestline.sink.storage;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The file backend holds many files open at once (datasets x partitions x hours of event time) and never waits on
 * its own buffers: its memory is bounded by bytes, and reaching the bound asks for a commit.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class FileStorageWriterBoundsTest {
    private static final long HOUR = 3_600_000L;
    private static final long BUFFER = 16L << 20;

    @TempDir
    Path root;

    @Test
    void many_datasets_partitions_and_hours_at_once_never_block_and_are_all_stored() {
        long seed = System.nanoTime();
        System.out.println("FileStorageWriterBoundsTest seed " + seed);
        Random random = new Random(seed);
        long start = 1_764_000_000_000L;
        List<SinkRecord> records = new ArrayList<>();
        Map<DatasetPartition, Long> offsets = new LinkedHashMap<>();
        // 4 datasets x 3 partitions x 10 hours, round robin: 120 files open before any is full
        for (int round = 0; round < 6; round++) {
            for (int d = 0; d < 4; d++) {
                for (int p = 0; p < 3; p++) {
                    for (int h = 0; h < 10; h++) {
                        records.add(next(offsets, new DatasetPartition("ds" + d, p), start + h * HOUR, size(random),
                                random));
                    }
                }
            }
        }
        // one partition backfilling 150 hours at once
        for (int i = 0; i < 600; i++) {
            records.add(next(offsets, new DatasetPartition("backfill", 0), start - (i % 150) * HOUR, size(random),
                    random));
        }
        Map<DatasetPartition, Long> next = new HashMap<>();
        int commits = 0;
        try (FileStorageWriter w = new FileStorageWriter(root, 64L << 20, BUFFER, FileStorageWriter.Compression.ZSTD)) {
            w.open(offsets.keySet(), 1);
            for (SinkRecord r : records) {
                w.write(r);
                next.put(r.datasetPartition(), r.offset() + 1);
                // past the bound by at most what one event adds: a new file's compressor, two chunks
                assertThat(w.buffered()).as("seed %d", seed).isLessThanOrEqualTo(BUFFER + (4L << 20));
                if (w.commitDue()) {
                    w.commit(Map.copyOf(next), x -> { });
                    next.clear();
                    commits++;
                }
            }
            w.commit(Map.copyOf(next), x -> { });
        }
        Map<String, Integer> expected = new HashMap<>();
        for (SinkRecord r : records) {
            expected.merge(new String(r.value(), UTF_8), 1, Integer::sum);
        }
        Map<String, Integer> stored = new HashMap<>();
        VisibleFiles.lines(root).forEach(l -> stored.merge(l.text(), 1, Integer::sum));
        assertThat(stored).as("seed %d", seed).isEqualTo(expected);
        assertThat(commits).as("commits forced by the buffer bound (seed %d)", seed).isPositive();
        assertThat(VisibleFiles.staged(root)).isEmpty();
    }

    /** From 1 byte to about 1 MiB, mostly small. */
    private static int size(Random random) {
        int k = random.nextInt(100);
        return k < 60 ? 1 + random.nextInt(300) : k < 95 ? 300 + random.nextInt(20_000) : 1 + random.nextInt(1 << 20);
    }

    private static SinkRecord next(Map<DatasetPartition, Long> offsets, DatasetPartition dp, long time, int size,
            Random random) {
        long offset = offsets.merge(dp, 1L, Long::sum) - 1;
        String id = dp + "@" + offset;
        byte[] value;
        if (size <= id.length()) {
            value = new byte[size];
            Arrays.fill(value, (byte) ('a' + random.nextInt(26)));
        } else {
            value = (id + "x".repeat(size - id.length())).getBytes(UTF_8);
        }
        return new SinkRecord(dp.dataset(), dp.partition(), offset, time + random.nextInt(3_600_000), id, value);
    }
}
