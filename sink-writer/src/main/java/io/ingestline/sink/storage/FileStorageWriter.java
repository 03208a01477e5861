package io.ingestline.sink.storage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ingestline.model.Json;
import com.github.luben.zstd.ZstdOutputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compressed NDJSON files (zstd, or gzip), partitioned the way query engines read them, each event in exactly one visible file
 * whatever crashes:
 *
 * <pre>
 * &lt;root&gt;/dataset=&lt;d&gt;/date=YYYY-MM-DD/hour=HH/part-&lt;partition&gt;-&lt;first&gt;-&lt;last&gt;.ndjson.zst   visible
 * &lt;root&gt;/dataset=&lt;d&gt;/_sink/part-&lt;partition&gt;.commit                                     the partition's last commit
 * &lt;root&gt;/dataset=&lt;d&gt;/_sink/staging/&lt;partition&gt;/...                                    files being written
 * </pre>
 *
 * A partition's events since its last commit (a segment: offsets {@code first..last}) are written to staging files,
 * one per hour of event time (compressed on a thread of its own, {@link Compressor}). A commit (on age, on size, on revocation, at shutdown) finishes and syncs them, writes
 * the commit record (offsets and file names; written to a temporary name, synced, renamed), commits the offsets to
 * Kafka (which fails if the worker lost the partition: then nothing becomes visible), and renames the staging files
 * into place. Opening a partition reads its commit record, finishes the renames a crash interrupted (a record whose
 * files are neither staged nor in place was never committed: reading resumes at its first offset), deletes what else
 * is staged, and resumes after the record's last offset. Directories and file names starting with {@code _} or
 * {@code .} are ignored by Hive-style readers (Spark, Trino, DuckDB).
 */
public final class FileStorageWriter implements StorageWriter {
    private static final Logger LOG = LoggerFactory.getLogger(FileStorageWriter.class);
    private static final String SINK_DIR = "_sink";

    private final Path root;
    private final long maxFileBytes;
    private final Compression compression;
    private final Fsync fsync;
    private final String writerId = UUID.randomUUID().toString().substring(0, 8);
    private final Map<DatasetPartition, Segment> segments = new HashMap<>();
    private final Map<Long, String> hourDirs = new HashMap<>();
    private final Compressor compressor = new Compressor();
    private static final byte[] NEWLINE = {'\n'};

    /**
     * @param root         where datasets go
     * @param maxFileBytes uncompressed size at which a partition's segment asks to be committed
     * @param compression  how files are compressed
     */
    public FileStorageWriter(Path root, long maxFileBytes, long bufferBytes, Compression compression) {
        this(root, maxFileBytes, bufferBytes, compression, Fsync.DISK);
    }

    FileStorageWriter(Path root, long maxFileBytes, long bufferBytes, Compression compression, Fsync fsync) {
        this.root = root;
        this.maxFileBytes = maxFileBytes;
        this.compression = compression;
        this.fsync = fsync;
    }

    /** How files are compressed, and the name they end in. */
    public enum Compression {
        /** zstd level 1: several times faster than gzip, and smaller; read by DuckDB, Spark, Trino, ClickHouse. */
        ZSTD(".ndjson.zst"),
        /** gzip at deflate's fastest level: read by everything ({@code zcat}); the slower choice (SinkBenchmark). */
        GZIP(".ndjson.gz");

        private final String suffix;

        Compression(String suffix) {
            this.suffix = suffix;
        }

        public String suffix() {
            return suffix;
        }

        OutputStream wrap(OutputStream out) throws IOException {
            return this == ZSTD ? new ZstdOutputStream(new BufferedOutputStream(out, 64 * 1024), 1) : new FastGzip(out);
        }
    }

    /** A partition's files since its last commit. */
    private static final class Segment {
        long first;
        long last = -1;
        final Map<String, Staged> files = new LinkedHashMap<>();

        Segment(long first) {
            this.first = first;
        }
    }

    /** A staged file: its compressing stream (written by the compressor) and the chunk being filled. */
    private static final class Staged {
        final Path staging;
        final String hourDir;
        final OutputStream out;
        byte[] chunk;
        int used;
        long bytes;

        Staged(Path staging, String hourDir, Compression compression) throws IOException {
            this.staging = staging;
            this.hourDir = hourDir;
            this.out = compression.wrap(Channels.newOutputStream(
                    FileChannel.open(staging, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)));
        }
    }

    /**
     * Gzip at deflate's fastest level: the default level (6) compresses log lines only a little better but at a
     * third of the speed, which made compression the file sink's bottleneck (SinkBenchmark).
     */
    private static final class FastGzip extends GZIPOutputStream {
        FastGzip(OutputStream out) throws IOException {
            super(out, 64 * 1024);
            def.setLevel(Deflater.BEST_SPEED);
        }
    }

    @Override
    public Map<DatasetPartition, Long> open(Collection<DatasetPartition> partitions, int generation) {
        Map<DatasetPartition, Long> resume = new HashMap<>();
        for (DatasetPartition dp : partitions) {
            try {
                long next = recover(dp);
                deleteStaging(dp);
                segments.put(dp, new Segment(next));
                if (next >= 0) {
                    resume.put(dp, next);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot recover " + dp + " under " + root, e);
            }
        }
        return resume;
    }

    /** Finishes the partition's last commit if a crash interrupted it; the next offset to read, or -1 if unknown. */
    private long recover(DatasetPartition dp) throws IOException {
        Path record = commitRecord(dp);
        if (!Files.exists(record)) {
            return -1;
        }
        JsonNode c = Json.mapper().readTree(Files.readAllBytes(record));
        long first = c.get("first").asLong();
        long last = c.get("last").asLong();
        Path datasetDir = datasetDir(dp.dataset());
        List<Path[]> pending = new ArrayList<>();
        for (JsonNode f : c.path("files")) {
            Path staged = datasetDir.resolve(f.get(0).asText());
            Path target = datasetDir.resolve(f.get(1).asText());
            if (Files.exists(target)) {
                continue;
            }
            if (!Files.exists(staged)) {
                LOG.warn("{}: commit of offsets {}-{} was never completed; reading again from {}", dp, first, last,
                        first);
                return first;
            }
            pending.add(new Path[] {staged, target});
        }
        for (Path[] p : pending) {
            moveIntoPlace(p[0], p[1]);
            LOG.info("{}: finished an interrupted commit: {}", dp, p[1].getFileName());
        }
        return last + 1;
    }

    @Override
    public void write(SinkRecord r) {
        DatasetPartition dp = r.datasetPartition();
        Segment seg = segments.get(dp);
        if (seg == null) {
            throw new IllegalStateException("partition " + dp + " is not open");
        }
        if (seg.first < 0) {
            seg.first = r.offset(); // no commit record: the segment starts at the first offset read
        }
        String hour = hourDir(r.eventTimeMs());
        try {
            Staged f = seg.files.get(hour);
            if (f == null) {
                Path dir = stagingDir(dp);
                Files.createDirectories(dir);
                f = new Staged(dir.resolve(hour.replace('/', '_') + "." + writerId + "." + seg.files.size()
                        + compression.suffix()), hour, compression);
                seg.files.put(hour, f);
            }
            append(f, r.value());
            append(f, NEWLINE);
            f.bytes += r.value().length + 1;
            seg.last = r.offset();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + dp + " under " + root, e);
        }
    }

    /** Copies bytes into the file's chunk, handing full chunks to the compressor. */
    private void append(Staged f, byte[] bytes) {
        int at = 0;
        while (at < bytes.length) {
            if (f.chunk == null) {
                f.chunk = compressor.chunk();
                f.used = 0;
            }
            int n = Math.min(bytes.length - at, f.chunk.length - f.used);
            System.arraycopy(bytes, at, f.chunk, f.used, n);
            f.used += n;
            at += n;
            if (f.used == f.chunk.length) {
                handOver(f);
            }
        }
    }

    private void handOver(Staged f) {
        if (f.chunk != null) {
            compressor.write(f.out, f.chunk, f.used);
            f.chunk = null;
            f.used = 0;
        }
    }

    @Override
    public boolean commitDue() {
        for (Segment s : segments.values()) {
            for (Staged f : s.files.values()) {
                if (f.bytes >= maxFileBytes) {
                    return true;
                }
            }
        }
        return false;
    }

    @Override
    public void commit(Map<DatasetPartition, Long> next, Fence fence) {
        Map<DatasetPartition, Segment> committing = new LinkedHashMap<>();
        next.forEach((dp, n) -> {
            Segment s = segments.get(dp);
            if (s != null && !s.files.isEmpty()) {
                committing.put(dp, s);
            }
        });
        try {
            for (Segment seg : committing.values()) {
                for (Staged f : seg.files.values()) {
                    handOver(f);
                    compressor.close(f.out); // finishes the compressed stream
                }
            }
            compressor.drain();
            for (Map.Entry<DatasetPartition, Segment> e : committing.entrySet()) {
                syncFiles(e.getValue());
                writeCommitRecord(e.getKey(), e.getValue(), next.get(e.getKey()) - 1);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot commit files under " + root, e);
        }
        try {
            fence.commit(next);
        } catch (RuntimeException lost) {
            // not ours any more: delete the staged files, so the commit record just written can never be finished
            committing.forEach((dp, seg) -> {
                segments.remove(dp);
                discard(dp, seg);
            });
            throw lost;
        }
        try {
            for (Map.Entry<DatasetPartition, Segment> e : committing.entrySet()) {
                Segment s = e.getValue();
                long last = next.get(e.getKey()) - 1;
                for (Staged f : s.files.values()) {
                    moveIntoPlace(f.staging, target(e.getKey(), f.hourDir, s.first, last));
                }
                segments.put(e.getKey(), new Segment(last + 1));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot move committed files into place under " + root, e);
        }
    }

    private void syncFiles(Segment s) throws IOException {
        for (Staged f : s.files.values()) {
            try (FileChannel ch = FileChannel.open(f.staging, StandardOpenOption.WRITE)) {
                ch.force(true);
            }
        }
        if (!s.files.isEmpty()) {
            syncDirectory(s.files.values().iterator().next().staging.getParent());
        }
    }

    private void writeCommitRecord(DatasetPartition dp, Segment s, long last) throws IOException {
        Path datasetDir = datasetDir(dp.dataset());
        ObjectNode c = Json.mapper().createObjectNode().put("first", s.first).put("last", last);
        ArrayNode files = c.putArray("files");
        for (Staged f : s.files.values()) {
            files.addArray().add(datasetDir.relativize(f.staging).toString())
                    .add(datasetDir.relativize(target(dp, f.hourDir, s.first, last)).toString());
        }
        Path record = commitRecord(dp);
        Path tmp = record.resolveSibling(record.getFileName() + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ch.write(java.nio.ByteBuffer.wrap(Json.mapper().writeValueAsBytes(c)));
            ch.force(true);
        }
        Files.move(tmp, record, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        syncDirectory(record.getParent());
    }

    private Path target(DatasetPartition dp, String hourDir, long first, long last) {
        return datasetDir(dp.dataset()).resolve(hourDir)
                .resolve("part-" + dp.partition() + "-" + first + "-" + last + compression.suffix());
    }

    private void moveIntoPlace(Path staged, Path target) throws IOException {
        Path dir = target.getParent();
        List<Path> created = new ArrayList<>();
        for (Path p = dir; p != null && !Files.exists(p); p = p.getParent()) {
            created.add(p);
        }
        Files.createDirectories(dir);
        try {
            Files.move(staged, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (NoSuchFileException e) {
            if (!Files.exists(target)) {
                throw e;
            }
        }
        syncDirectory(dir);
        for (Path p : created) {
            syncDirectory(p.getParent());
        }
    }

    @Override
    public void release(Collection<DatasetPartition> partitions) {
        for (DatasetPartition dp : partitions) {
            Segment s = segments.remove(dp);
            if (s != null) {
                discard(dp, s);
            }
        }
    }

    private void discard(DatasetPartition dp, Segment s) {
        for (Staged f : s.files.values()) {
            handOver(f);
            compressor.close(f.out);
        }
        try {
            compressor.drain();
        } catch (IOException e) {
            LOG.debug("{}: closing discarded files: {}", dp, e.getMessage());
        }
        for (Staged f : s.files.values()) {
            try {
                Files.deleteIfExists(f.staging);
            } catch (IOException e) {
                LOG.warn("{}: cannot delete {}: {}", dp, f.staging, e.getMessage());
            }
        }
    }

    @Override
    public void close() {
        segments.forEach(this::discard);
        segments.clear();
        compressor.close();
    }

    private void deleteStaging(DatasetPartition dp) throws IOException {
        Path dir = stagingDir(dp);
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path f : files) {
                Files.deleteIfExists(f);
            }
        }
    }

    private Path datasetDir(String dataset) {
        return root.resolve("dataset=" + dataset);
    }

    private Path commitRecord(DatasetPartition dp) throws IOException {
        Path dir = datasetDir(dp.dataset()).resolve(SINK_DIR);
        Files.createDirectories(dir);
        return dir.resolve("part-" + dp.partition() + ".commit");
    }

    private Path stagingDir(DatasetPartition dp) {
        return datasetDir(dp.dataset()).resolve(SINK_DIR).resolve("staging").resolve(Integer.toString(dp.partition()));
    }

    private String hourDir(long epochMs) {
        long hour = Math.floorDiv(epochMs, 3_600_000L);
        if (hourDirs.size() > 10_000) {
            hourDirs.clear();
        }
        return hourDirs.computeIfAbsent(hour, h -> {
            ZonedDateTime t = Instant.ofEpochMilli(h * 3_600_000L).atZone(ZoneOffset.UTC);
            return String.format("date=%04d-%02d-%02d/hour=%02d", t.getYear(), t.getMonthValue(), t.getDayOfMonth(),
                    t.getHour());
        });
    }

    private void syncDirectory(Path dir) throws IOException {
        fsync.directory(dir);
    }
}
