package io.ingestline.sink.storage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Appends events as NDJSON to files partitioned the way query engines read them:
 * {@code <root>/dataset=<d>/date=YYYY-MM-DD/hour=HH/part-<kafka partition>.ndjson}, one line per event. Only the
 * worker that owns a Kafka partition writes that partition's files. {@link #flush()} forces the data, and the
 * directory entries of new files, to disk.
 */
public final class FileStorageWriter implements StorageWriter {
    /** Files not written for this many flushes are closed; they are reopened for append if needed. */
    private static final int IDLE_FLUSHES_BEFORE_CLOSE = 30;

    private final Path root;
    private final Map<Path, OpenFile> open = new HashMap<>();
    private final Set<Path> newDirectories = new HashSet<>();
    private final Map<Long, String> hourDirs = new HashMap<>();

    public FileStorageWriter(Path root) {
        this.root = root;
    }

    @Override
    public void write(SinkRecord r) {
        Path file = root.resolve("dataset=" + r.dataset()).resolve(hourDir(r.eventTimeMs()))
                .resolve("part-" + r.partition() + ".ndjson");
        OpenFile f = open.get(file);
        try {
            if (f == null) {
                f = openFile(file, r.dataset(), r.partition());
                open.put(file, f);
            }
            ByteBuffer buf = ByteBuffer.allocate(r.value().length + 1).put(r.value()).put((byte) '\n').flip();
            while (buf.hasRemaining()) {
                f.channel.write(buf);
            }
            f.dirty = true;
            f.idleFlushes = 0;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write to " + file, e);
        }
    }

    @Override
    public void flush() {
        try {
            for (OpenFile f : open.values()) {
                if (f.dirty) {
                    f.channel.force(false);
                    f.dirty = false;
                }
            }
            for (Path dir : newDirectories) {
                syncDirectory(dir);
            }
            newDirectories.clear();
            closeIdle();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot sync data files under " + root, e);
        }
    }

    @Override
    public void release(String dataset, Collection<Integer> partitions) {
        closeWhere(f -> f.dataset.equals(dataset) && partitions.contains(f.partition));
    }

    @Override
    public void close() {
        closeWhere(f -> true);
    }

    private OpenFile openFile(Path file, String dataset, int partition) throws IOException {
        Path dir = file.getParent();
        if (!Files.isDirectory(dir)) {
            List<Path> created = new ArrayList<>();
            for (Path p = dir; p != null && !Files.exists(p); p = p.getParent()) {
                created.add(p);
            }
            Files.createDirectories(dir);
            for (Path p : created) {
                newDirectories.add(p.getParent());
            }
        }
        if (!Files.exists(file)) {
            newDirectories.add(dir);
        }
        FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        return new OpenFile(ch, dataset, partition);
    }

    private String hourDir(long epochMs) {
        long hour = Math.floorDiv(epochMs, 3_600_000L);
        return hourDirs.computeIfAbsent(hour, h -> {
            ZonedDateTime t = Instant.ofEpochMilli(h * 3_600_000L).atZone(ZoneOffset.UTC);
            return String.format("date=%04d-%02d-%02d/hour=%02d", t.getYear(), t.getMonthValue(), t.getDayOfMonth(),
                    t.getHour());
        });
    }

    private void closeIdle() {
        closeWhere(f -> !f.dirty && ++f.idleFlushes > IDLE_FLUSHES_BEFORE_CLOSE);
        if (hourDirs.size() > 10_000) {
            hourDirs.clear();
        }
    }

    private void closeWhere(java.util.function.Predicate<OpenFile> which) {
        Iterator<OpenFile> it = open.values().iterator();
        IOException first = null;
        while (it.hasNext()) {
            OpenFile f = it.next();
            if (which.test(f)) {
                try {
                    if (f.dirty) {
                        f.channel.force(false);
                    }
                    f.channel.close();
                } catch (IOException e) {
                    first = first == null ? e : first;
                }
                it.remove();
            }
        }
        if (first != null) {
            throw new UncheckedIOException("cannot close data files under " + root, first);
        }
    }

    private static void syncDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }

    private static final class OpenFile {
        final FileChannel channel;
        final String dataset;
        final int partition;
        boolean dirty;
        int idleFlushes;

        OpenFile(FileChannel channel, String dataset, int partition) {
            this.channel = channel;
            this.dataset = dataset;
            this.partition = partition;
        }
    }
}
