package io.ingestline.sink.storage;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Traffic as it comes: many datasets and partitions, event times spread over 30 days back and minutes ahead, sizes
 * from 1 byte to about 1 MiB, written by a succession of workers that crash at random points (between commits, in the
 * middle of a commit's syncs, after Kafka took the offsets, when Kafka refuses them) and by one at the end that reads
 * everything left. Every event must then be visible exactly once, in its dataset, partition and hour. Replay a run
 * with {@code -Dsink.seed=<seed>}.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class FileStorageWriterRandomizedTest {
    private static final long DAY = 86_400_000L;

    @TempDir
    Path root;

    private static final class Crash extends RuntimeException {
        private static final long serialVersionUID = 1L;
    }

    @Test
    void every_event_is_visible_exactly_once_whatever_the_crashes() {
        long seed = Long.getLong("sink.seed", System.nanoTime());
        System.out.println("FileStorageWriterRandomizedTest seed " + seed + " (replay: -Dsink.seed=" + seed + ")");
        Random random = new Random(seed);
        long now = System.currentTimeMillis();
        Map<DatasetPartition, List<SinkRecord>> topics = new HashMap<>();
        int datasets = 6 + random.nextInt(6);
        for (int d = 0; d < datasets; d++) {
            for (int p = 0; p < 3; p++) {
                DatasetPartition dp = new DatasetPartition("ds" + d, p);
                List<SinkRecord> events = new ArrayList<>();
                int n = 20 + random.nextInt(150);
                for (long o = 0; o < n; o++) {
                    long time = now - (long) (random.nextDouble() * 30 * DAY) + random.nextInt(300_000);
                    events.add(event(dp, o, time, size(random), random));
                }
                topics.put(dp, events);
            }
        }
        List<DatasetPartition> all = List.copyOf(topics.keySet());
        Map<DatasetPartition, Long> kafka = new HashMap<>();
        int generation = 0;
        for (int round = 0; round < 30; round++) {
            int crashAt = random.nextInt(3) == 0 ? random.nextInt(400) : -1;
            int[] syncs = {0};
            Fsync fsync = dir -> {
                if (syncs[0]++ == crashAt) {
                    throw new Crash();
                }
                Fsync.DISK.directory(dir);
            };
            FileStorageWriter w = new FileStorageWriter(root, 1024 + random.nextInt(1 << 20),
                    (2L << 20) + random.nextInt(8 << 20), compression(random), fsync);
            try {
                Map<DatasetPartition, Long> pos = new HashMap<>();
                Map<DatasetPartition, Long> resume = w.open(all, generation += 1 + random.nextInt(2));
                all.forEach(dp -> pos.put(dp, resume.getOrDefault(dp, kafka.getOrDefault(dp, 0L))));
                Map<DatasetPartition, Long> next = new HashMap<>();
                int steps = random.nextInt(600);
                for (int s = 0; s < steps; s++) {
                    DatasetPartition dp = all.get(random.nextInt(all.size()));
                    long o = pos.get(dp);
                    if (o >= topics.get(dp).size()) {
                        continue;
                    }
                    w.write(topics.get(dp).get((int) o));
                    pos.put(dp, o + 1);
                    next.put(dp, o + 1);
                    if (w.commitDue() || random.nextInt(80) == 0) {
                        w.commit(Map.copyOf(next), kafka::putAll);
                        next.clear();
                    }
                }
                switch (random.nextInt(4)) {
                    case 0 -> {
                        w.commit(Map.copyOf(next), kafka::putAll);
                        w.close(); // a clean shutdown
                    }
                    case 1 -> w.commit(Map.copyOf(next), n -> {
                        kafka.putAll(n);
                        throw new Crash(); // dies once Kafka has the offsets, before the renames
                    });
                    case 2 -> w.commit(Map.copyOf(next), n -> {
                        throw new Crash(); // Kafka refuses: the partitions moved on
                    });
                    default -> { } // dies between commits
                }
            } catch (Crash c) {
                // the process is gone: nothing is closed
            }
        }
        try (FileStorageWriter last = new FileStorageWriter(root, 1 << 20, 16L << 20,
                FileStorageWriter.Compression.ZSTD)) {
            Map<DatasetPartition, Long> resume = last.open(all, generation + 1);
            Map<DatasetPartition, Long> next = new HashMap<>();
            for (DatasetPartition dp : all) {
                List<SinkRecord> events = topics.get(dp);
                for (long o = resume.getOrDefault(dp, kafka.getOrDefault(dp, 0L)); o < events.size(); o++) {
                    last.write(events.get((int) o));
                    next.put(dp, o + 1);
                    if (last.commitDue()) {
                        last.commit(Map.copyOf(next), kafka::putAll);
                        next.clear();
                    }
                }
            }
            last.commit(Map.copyOf(next), kafka::putAll);
        }
        Map<String, Integer> expected = new HashMap<>();
        topics.values().forEach(events -> events.forEach(r -> expected.merge(place(r) + " " + new String(r.value(),
                UTF_8), 1, Integer::sum)));
        Map<String, Integer> stored = new HashMap<>();
        VisibleFiles.lines(root).forEach(l -> stored.merge(l.place() + " " + l.text(), 1, Integer::sum));
        assertThat(stored).as("visible events (seed %d)", seed).isEqualTo(expected);
        assertThat(VisibleFiles.staged(root)).as("seed %d", seed).isEmpty();
    }

    private static FileStorageWriter.Compression compression(Random random) {
        return random.nextBoolean() ? FileStorageWriter.Compression.ZSTD : FileStorageWriter.Compression.GZIP;
    }

    /** From 1 byte to about 1 MiB, mostly small. */
    private static int size(Random random) {
        int k = random.nextInt(200);
        return k < 120 ? 1 + random.nextInt(300) : k < 197 ? 300 + random.nextInt(20_000) : 1 + random.nextInt(1 << 20);
    }

    private static SinkRecord event(DatasetPartition dp, long offset, long time, int size, Random random) {
        String id = dp + "@" + offset;
        byte[] value;
        if (size <= id.length()) {
            value = new byte[size];
            Arrays.fill(value, (byte) ('a' + random.nextInt(26)));
        } else {
            value = (id + "y".repeat(size - id.length())).getBytes(UTF_8);
        }
        return new SinkRecord(dp.dataset(), dp.partition(), offset, time, id, value);
    }

    private static String place(SinkRecord r) {
        ZonedDateTime t = Instant.ofEpochMilli(r.eventTimeMs()).atZone(ZoneOffset.UTC);
        return String.format("dataset=%s/date=%04d-%02d-%02d/hour=%02d %d", r.dataset(), t.getYear(),
                t.getMonthValue(), t.getDayOfMonth(), t.getHour(), r.partition());
    }
}
