package io.ingestline.sink.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the owners of a dataset partition keep under {@code dataset=<d>/_sink}, one set per owner epoch, so that no
 * owner ever writes a file another one writes:
 *
 * <pre>
 * _sink/part-&lt;p&gt;.&lt;epoch&gt;.&lt;writer&gt;.commit      an owner's last commit record (its claim until its first commit)
 * _sink/staging/&lt;p&gt;/&lt;epoch&gt;-&lt;writer&gt;/...      its staged files
 * </pre>
 *
 * The record of the highest epoch is the partition's: an owner's epoch is above every epoch on disk when it opens
 * the partition (and above the group generation), and it writes its claim at once, so a worker that lost the
 * partition writes only records of a lower epoch, which are ignored and deleted. {@code part-<p>.commit} (the layout
 * before epochs) counts as epoch 0.
 */
final class SinkFiles {
    private static final Pattern NAME = Pattern.compile("part-(\\d+)(?:\\.(\\d+)\\.([0-9a-f]+))?\\.commit(?:\\.tmp)?");
    private static final Pattern STAGING = Pattern.compile("(\\d+)-[0-9a-f]+");

    private SinkFiles() {
    }

    /** A commit record on disk and its epoch. */
    record Record(Path path, long epoch) {
    }

    static Path record(Path sinkDir, int partition, long epoch, String writer) {
        return sinkDir.resolve("part-" + partition + "." + epoch + "." + writer + ".commit");
    }

    static Path staging(Path sinkDir, int partition, long epoch, String writer) {
        return sinkDir.resolve("staging").resolve(Integer.toString(partition)).resolve(epoch + "-" + writer);
    }

    /** The partition's record of the highest epoch (ties: the greatest name), or null when it has none. */
    static Record latest(Path sinkDir, int partition) throws IOException {
        Record best = null;
        if (!Files.isDirectory(sinkDir)) {
            return null;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(sinkDir, "part-" + partition + ".*commit")) {
            for (Path f : files) {
                Matcher m = NAME.matcher(f.getFileName().toString());
                if (!m.matches() || Integer.parseInt(m.group(1)) != partition) {
                    continue;
                }
                long epoch = m.group(2) == null ? 0 : Long.parseLong(m.group(2));
                if (best == null || epoch > best.epoch() || epoch == best.epoch()
                        && f.getFileName().toString().compareTo(best.path().getFileName().toString()) > 0) {
                    best = new Record(f, epoch);
                }
            }
        }
        return best;
    }

    /** Writes a record durably under a name of the writer's own: a temporary file, synced, renamed, the directory synced. */
    static void write(Path record, byte[] content, Fsync fsync) throws IOException {
        Path tmp = record.resolveSibling(record.getFileName() + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer b = ByteBuffer.wrap(content);
            while (b.hasRemaining()) {
                ch.write(b);
            }
            ch.force(true);
        }
        Files.move(tmp, record, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        fsync.directory(record.getParent());
    }

    /**
     * Deletes what owners of epochs below {@code epoch} left of the partition: their records (once a record of this
     * epoch is durable, none of theirs can count again) and their staged files (no record that counts names them).
     */
    static void deleteBelow(Path sinkDir, int partition, long epoch) throws IOException {
        if (!Files.isDirectory(sinkDir)) {
            return;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(sinkDir, "part-" + partition + ".*")) {
            for (Path f : files) {
                Matcher m = NAME.matcher(f.getFileName().toString());
                if (m.matches() && Integer.parseInt(m.group(1)) == partition
                        && (m.group(2) == null || Long.parseLong(m.group(2)) < epoch)) {
                    Files.deleteIfExists(f);
                }
            }
        }
        Path dir = sinkDir.resolve("staging").resolve(Integer.toString(partition));
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path e : entries) {
                Matcher m = STAGING.matcher(e.getFileName().toString());
                if (!m.matches()) {
                    deleteTree(e); // the layout before epochs: files straight in staging/<p>
                } else if (Long.parseLong(m.group(1)) < epoch) {
                    deleteTree(e);
                }
            }
        }
    }

    private static void deleteTree(Path p) throws IOException {
        if (Files.isDirectory(p)) {
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(p)) {
                for (Path e : entries) {
                    deleteTree(e);
                }
            }
        }
        Files.deleteIfExists(p);
    }
}
