package io.ingestline.sink.storage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ingestline.model.DatasetRecord;
import io.ingestline.model.Json;
import com.github.luben.zstd.ZstdOutputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
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
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
 * one per hour of event time (compressed on a thread of its own, {@link Compressor}). A commit (on age, on size, when
 * the open files hold the memory bound, on revocation, at shutdown) finishes and syncs them, writes the commit record
 * (offsets and file names), commits the offsets to Kafka, and renames the staging files into place. Every directory
 * on the way to a staged file, a record or a visible file is synced in its parent before Kafka gets the offsets.
 *
 * <p>Owners are told apart by an epoch ({@link SinkFiles}): each has its own record and staging files, and the record
 * of the highest epoch is the partition's, so a worker that lost the partition without knowing it can never replace
 * the new owner's record. Opening a partition takes the record of the highest epoch, finishes the renames it lists (a
 * record whose files are neither staged nor in place was never committed: reading resumes at its first offset),
 * writes this owner's claim at a higher epoch, deletes what lower epochs left, and resumes after the record's last
 * offset. When Kafka refuses a commit the record and its staged files stay: whoever opens the partition next either
 * owns a higher epoch and ignores them, or finishes them (it may be finishing them already, so deleting them here
 * could make a commit half visible).
 *
 * <p>Memory is bounded by bytes: each open file counts its compressor's state and the chunk it fills, and the chunks
 * handed to the compressor count until written; at the bound {@link #commitDue()} asks for a commit, however many
 * datasets, partitions and hours are open. Directories and file names starting with {@code _} or {@code .} are
 * ignored by Hive-style readers (Spark, Trino, DuckDB).
 */
public final class FileStorageWriter implements StorageWriter {
    private static final Logger LOG = LoggerFactory.getLogger(FileStorageWriter.class);
    private static final String SINK_DIR = "_sink";
    private static final byte[] NEWLINE = {'\n'};
    /** A file's first chunk: most files of a backfill spread over many hours stay small. */
    private static final int FIRST_CHUNK = 64 * 1024;

    private final Path root;
    private final long maxFileBytes;
    private final long bufferBytes;
    private final Compression compression;
    private final Fsync fsync;
    private final String writerId = UUID.randomUUID().toString().substring(0, 8);
    private final Map<DatasetPartition, Segment> segments = new HashMap<>();
    private final Map<Long, String> hourDirs = new HashMap<>();
    /** Directories this writer made durable in their parents, up to the root. */
    private final Set<Path> durableDirs = new HashSet<>();
    private final Compressor compressor;
    /** Bytes the open files hold: their compressors' state and the chunks being filled. */
    private long held;
    private boolean fileFull;

    /**
     * @param root         where datasets go
     * @param maxFileBytes uncompressed size at which a partition's segment asks to be committed
     * @param bufferBytes  memory the open files may hold before they ask to be committed
     * @param compression  how files are compressed
     */
    public FileStorageWriter(Path root, long maxFileBytes, long bufferBytes, Compression compression) {
        this(root, maxFileBytes, bufferBytes, compression, Fsync.DISK);
    }

    FileStorageWriter(Path root, long maxFileBytes, long bufferBytes, Compression compression, Fsync fsync) {
        this.root = root;
        this.maxFileBytes = maxFileBytes;
        this.bufferBytes = bufferBytes;
        this.compression = compression;
        this.fsync = fsync;
        // compression may fall behind by 8 chunks (as the fixed pool allowed), or a quarter of the bound if less
        this.compressor = new Compressor(Math.min(8L * Compressor.CHUNK, bufferBytes / 4));
    }

    /** How files are compressed, and the name they end in. */
    public enum Compression {
        /** zstd level 1: several times faster than gzip, and smaller; read by DuckDB, Spark, Trino, ClickHouse. */
        ZSTD(".ndjson.zst", 1_600_000),
        /** gzip at deflate's fastest level: read by everything ({@code zcat}); the slower choice (SinkBenchmark). */
        GZIP(".ndjson.gz", 400_000);

        private final String suffix;
        /** Memory of one open file's compressing stream (estimated: level 1's context and window, the stream buffer). */
        private final long streamBytes;

        Compression(String suffix, long streamBytes) {
            this.suffix = suffix;
            this.streamBytes = streamBytes;
        }

        public String suffix() {
            return suffix;
        }

        OutputStream wrap(OutputStream out) throws IOException {
            return this == ZSTD ? new ZstdOutputStream(new BufferedOutputStream(out, 64 * 1024), 1) : new FastGzip(out);
        }
    }

    /** A partition's files since its last commit, under its owner epoch. */
    private static final class Segment {
        final long epoch;
        final Path staging;
        long first;
        long last = -1;
        final Map<String, Staged> files = new LinkedHashMap<>();

        Segment(long epoch, Path staging, long first) {
            this.epoch = epoch;
            this.staging = staging;
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
        boolean handedOver;

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
            Segment stale = segments.remove(dp);
            if (stale != null) {
                discard(dp, stale); // opened again without a release: what it wrote since its commit is read again
            }
            try {
                Path sink = sinkDir(dp.dataset());
                SinkFiles.Record latest = SinkFiles.latest(sink, dp.partition());
                long next = latest == null ? -1 : recover(dp, latest.path());
                long epoch = Math.max(generation, latest == null ? 1 : latest.epoch() + 1);
                durableDir(sink);
                ObjectNode claim = Json.mapper().createObjectNode().put("epoch", epoch).put("writer", writerId);
                if (next >= 0) {
                    claim.put("next", next);
                }
                SinkFiles.write(SinkFiles.record(sink, dp.partition(), epoch, writerId),
                        Json.mapper().writeValueAsBytes(claim), fsync);
                SinkFiles.deleteBelow(sink, dp.partition(), epoch);
                segments.put(dp, new Segment(epoch, SinkFiles.staging(sink, dp.partition(), epoch, writerId), next));
                if (next >= 0) {
                    resume.put(dp, next);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot recover " + dp + " under " + root, e);
            }
        }
        return resume;
    }

    /** Finishes the commit a record lists if a crash interrupted it; the next offset to read, or -1 if unknown. */
    private long recover(DatasetPartition dp, Path record) throws IOException {
        JsonNode c = Json.mapper().readTree(Files.readAllBytes(record));
        if (!c.has("last")) {
            return c.has("next") ? c.get("next").asLong() : -1; // a claim: its owner committed nothing
        }
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
            durableDir(p[1].getParent());
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
        try {
            Staged f = staged(seg, hourDir(r.eventTimeMs()));
            append(f, r.value());
            append(f, NEWLINE);
            f.bytes += r.value().length + 1;
            fileFull |= f.bytes >= maxFileBytes;
            seg.last = r.offset();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + dp + " under " + root, e);
        }
    }

    /**
     * A record's envelopes copied as they are, each run of events of one hour in one go (they are NDJSON already:
     * {@link DatasetRecord}), without a copy or an id per event.
     */
    @Override
    public void write(DatasetPartition dp, long offset, DatasetRecord.Events events) {
        if (!events.lines()) {
            StorageWriter.super.write(dp, offset, events);
            return;
        }
        Segment seg = segments.get(dp);
        if (seg == null) {
            throw new IllegalStateException("partition " + dp + " is not open");
        }
        if (seg.first < 0) {
            seg.first = offset;
        }
        try {
            int n = events.count();
            int i = 0;
            while (i < n) {
                long hour = Math.floorDiv(events.time(i), 3_600_000L);
                int j = i + 1;
                while (j < n && Math.floorDiv(events.time(j), 3_600_000L) == hour) {
                    j++;
                }
                Staged f = staged(seg, hourDir(events.time(i)));
                int from = events.start(i);
                int to = events.end(j - 1) + 1; // with its line feed
                append(f, events.value(), from, to - from);
                f.bytes += to - from;
                fileFull |= f.bytes >= maxFileBytes;
                i = j;
            }
            seg.last = offset;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + dp + " under " + root, e);
        }
    }

    /** The segment's staged file of an hour, made when it is the hour's first event. */
    private Staged staged(Segment seg, String hour) throws IOException {
        Staged f = seg.files.get(hour);
        if (f == null) {
            durableDir(seg.staging);
            f = new Staged(seg.staging.resolve(hour.replace('/', '_') + "." + seg.files.size()
                    + compression.suffix()), hour, compression);
            seg.files.put(hour, f);
            held += compression.streamBytes;
        }
        return f;
    }

    /** Copies bytes into the file's chunk, handing full chunks to the compressor. */
    private void append(Staged f, byte[] bytes) throws IOException {
        append(f, bytes, 0, bytes.length);
    }

    private void append(Staged f, byte[] bytes, int off, int len) throws IOException {
        int at = off;
        int stop = off + len;
        while (at < stop) {
            if (f.chunk == null) {
                f.chunk = compressor.chunk(f.handedOver ? Compressor.CHUNK : FIRST_CHUNK);
                f.used = 0;
                held += f.chunk.length;
            }
            int n = Math.min(stop - at, f.chunk.length - f.used);
            System.arraycopy(bytes, at, f.chunk, f.used, n);
            f.used += n;
            at += n;
            if (f.used == f.chunk.length) {
                handOver(f);
            }
        }
    }

    /** Gives the file's chunk to the compressor, which counts it from then on. */
    private void handOver(Staged f) throws IOException {
        if (f.chunk != null) {
            compressor.write(f.out, f.chunk, f.used);
            held -= f.chunk.length;
            f.chunk = null;
            f.used = 0;
            f.handedOver = true;
        }
    }

    /** Hands over what the files hold and finishes their streams; they no longer count against the bound. */
    private void finish(Segment s) throws IOException {
        IOException failed = null;
        for (Staged f : s.files.values()) {
            if (failed == null) {
                try {
                    handOver(f);
                    compressor.close(f.out);
                } catch (IOException e) {
                    failed = e; // the compressor is stuck or broken: this writer is done, count nothing as held
                }
            }
            if (f.chunk != null) {
                held -= f.chunk.length;
                f.chunk = null;
            }
            held -= compression.streamBytes;
        }
        if (failed != null) {
            throw failed;
        }
    }

    @Override
    public boolean commitDue() {
        return fileFull || held + compressor.queued() >= bufferBytes;
    }

    /** Bytes the open files hold, with what the compressor has yet to write. */
    long buffered() {
        return held + compressor.queued();
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
        // Out of the open segments from here on: a failure leaves their files to the next owner, never deletes them.
        committing.keySet().forEach(segments::remove);
        try {
            for (Segment seg : committing.values()) {
                finish(seg);
            }
            compressor.drain();
            for (Map.Entry<DatasetPartition, Segment> e : committing.entrySet()) {
                Segment s = e.getValue();
                syncFiles(s);
                long last = next.get(e.getKey()) - 1;
                for (Staged f : s.files.values()) {
                    durableDir(target(e.getKey(), f.hourDir, s.first, last).getParent());
                }
                writeCommitRecord(e.getKey(), s, last);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot commit files under " + root, e);
        } finally {
            refreshFileFull();
        }
        fence.commit(next);
        try {
            for (Map.Entry<DatasetPartition, Segment> e : committing.entrySet()) {
                DatasetPartition dp = e.getKey();
                Segment s = e.getValue();
                long last = next.get(dp) - 1;
                for (Staged f : s.files.values()) {
                    moveIntoPlace(f.staging, target(dp, f.hourDir, s.first, last));
                }
                segments.put(dp, new Segment(s.epoch, s.staging, last + 1));
                SinkFiles.deleteBelow(sinkDir(dp.dataset()), dp.partition(), s.epoch);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot move committed files into place under " + root, e);
        }
    }

    private void refreshFileFull() {
        fileFull = segments.values().stream().flatMap(s -> s.files.values().stream())
                .anyMatch(f -> f.bytes >= maxFileBytes);
    }

    private void syncFiles(Segment s) throws IOException {
        for (Staged f : s.files.values()) {
            try (FileChannel ch = FileChannel.open(f.staging, StandardOpenOption.WRITE)) {
                ch.force(true);
            }
        }
        fsync.directory(s.staging);
    }

    private void writeCommitRecord(DatasetPartition dp, Segment s, long last) throws IOException {
        Path datasetDir = datasetDir(dp.dataset());
        ObjectNode c = Json.mapper().createObjectNode().put("epoch", s.epoch).put("writer", writerId)
                .put("first", s.first).put("last", last);
        ArrayNode files = c.putArray("files");
        for (Staged f : s.files.values()) {
            files.addArray().add(datasetDir.relativize(f.staging).toString())
                    .add(datasetDir.relativize(target(dp, f.hourDir, s.first, last)).toString());
        }
        SinkFiles.write(SinkFiles.record(sinkDir(dp.dataset()), dp.partition(), s.epoch, writerId),
                Json.mapper().writeValueAsBytes(c), fsync);
    }

    private Path target(DatasetPartition dp, String hourDir, long first, long last) {
        return datasetDir(dp.dataset()).resolve(hourDir)
                .resolve("part-" + dp.partition() + "-" + first + "-" + last + compression.suffix());
    }

    /** Renames a staged file into its (durable) directory, and syncs that, before a later record can replace this one. */
    private void moveIntoPlace(Path staged, Path target) throws IOException {
        try {
            Files.move(staged, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (NoSuchFileException e) {
            if (!Files.exists(target)) {
                throw e;
            }
        }
        fsync.directory(target.getParent());
    }

    /**
     * Creates a directory and makes it durable: each directory from it up to the root is synced in its parent, once
     * per writer (another writer may have created it and not synced it yet).
     */
    private void durableDir(Path dir) throws IOException {
        Files.createDirectories(dir);
        if (durableDirs.size() > 100_000) {
            durableDirs.clear();
        }
        for (Path p = dir; p != null && durableDirs.add(p); p = p.getParent()) {
            if (p.getParent() != null) {
                fsync.directory(p.getParent());
            }
            if (p.equals(root)) {
                break;
            }
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
        refreshFileFull();
    }

    /** Deletes a segment no record names: what was written since the partition's last commit. */
    private void discard(DatasetPartition dp, Segment s) {
        try {
            finish(s);
            compressor.drain();
        } catch (IOException e) {
            LOG.warn("{}: closing discarded files: {}", dp, e.getMessage());
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

    private Path datasetDir(String dataset) {
        return root.resolve("dataset=" + dataset);
    }

    private Path sinkDir(String dataset) {
        return datasetDir(dataset).resolve(SINK_DIR);
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
}
