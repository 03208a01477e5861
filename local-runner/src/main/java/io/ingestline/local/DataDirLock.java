package io.ingestline.local;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Local mode's claim on its data directory, held for the life of the process: two brokers on one log destroy it (the
 * second truncates the metadata log the first is writing). The operating system drops the lock when the process
 * ends, however it ends, so a crash leaves nothing to clean up; the file's content (the holder's pid and start time)
 * only names the holder for the message a second instance prints.
 */
public final class DataDirLock implements AutoCloseable {
    /** The lock file's name in the data directory. */
    public static final String FILE = "local.lock";

    /**
     * Directories this JVM holds. Checked before the lock file is opened: closing any channel of a locked file drops
     * the process's lock on it (POSIX locks), so a second attempt in this JVM must not even open the file.
     */
    private static final Set<Path> HELD = ConcurrentHashMap.newKeySet();

    private final Path dir;
    private final FileChannel channel;
    private final FileLock lock;

    private DataDirLock(Path dir, FileChannel channel, FileLock lock) {
        this.dir = dir;
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Takes the directory (creating it if needed), or fails at once naming the process that holds it.
     *
     * @throws DataDirInUseException when another process (or this one) holds it
     */
    public static DataDirLock acquire(Path dataDir) throws IOException {
        Path dir = dataDir.toAbsolutePath().normalize();
        Files.createDirectories(dir);
        Path file = dir.resolve(FILE);
        if (!HELD.add(dir)) {
            throw new DataDirInUseException(dir, holder(file));
        }
        try {
            return lock(dir, file);
        } catch (IOException | RuntimeException e) {
            HELD.remove(dir);
            throw e;
        }
    }

    private static DataDirLock lock(Path dir, Path file) throws IOException {
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        if (lock == null) {
            channel.close();
            throw new DataDirInUseException(dir, holder(file));
        }
        try {
            ProcessHandle self = ProcessHandle.current();
            String holder = "pid " + self.pid() + ", started "
                    + self.info().startInstant().map(Instant::toString).orElse("at an unknown time") + "\n";
            channel.truncate(0);
            channel.write(ByteBuffer.wrap(holder.getBytes(StandardCharsets.UTF_8)), 0);
            channel.force(true);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        return new DataDirLock(dir, channel, lock);
    }

    /** What the lock file says about its holder; the lock is advisory, so it can be read while held. */
    private static String holder(Path file) {
        try {
            String s = Files.readString(file, StandardCharsets.UTF_8).strip();
            return s.isEmpty() ? "a process that has not yet written its pid" : s;
        } catch (IOException e) {
            return "a process whose pid cannot be read (" + e.getMessage() + ")";
        }
    }

    /** Releases the directory; the process ending does the same. */
    @Override
    public void close() throws IOException {
        try {
            lock.release();
        } finally {
            channel.close();
            HELD.remove(dir);
        }
    }

    /** The data directory is held by another running local mode. */
    public static final class DataDirInUseException extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        DataDirInUseException(Path dir, String holder) {
            super("the data directory " + dir + " is in use by another local mode (" + holder + "; lock file "
                    + dir.resolve(FILE) + "): stop that one, or set " + LocalConfig.DATA_DIR.env() + " to another directory");
        }
    }
}
