package io.ingestline.sink.storage;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Makes a directory's entries durable; a seam so that a test can see which directories are synced, and when. */
@FunctionalInterface
interface Fsync {
    Fsync DISK = dir -> {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    };

    void directory(Path dir) throws IOException;
}
