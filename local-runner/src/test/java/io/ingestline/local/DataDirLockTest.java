package io.ingestline.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(30)
class DataDirLockTest {
    @TempDir
    Path dir;

    @Test
    void a_held_directory_is_refused_naming_it_and_the_holders_pid() throws Exception {
        Path data = dir.resolve("data");
        DataDirLock held = DataDirLock.acquire(data);
        try {
            assertThat(Files.readString(data.resolve(DataDirLock.FILE)))
                    .startsWith("pid " + ProcessHandle.current().pid() + ", started ");
            assertThatThrownBy(() -> DataDirLock.acquire(data))
                    .isInstanceOf(DataDirLock.DataDirInUseException.class)
                    .hasMessageContaining(data.toAbsolutePath().normalize().toString())
                    .hasMessageContaining("pid " + ProcessHandle.current().pid())
                    .hasMessageContaining("INGEST_DATA_DIR");
        } finally {
            held.close();
        }
    }

    @Test
    void a_released_directory_or_one_left_by_a_dead_process_is_taken_again() throws Exception {
        DataDirLock.acquire(dir).close();
        // What a killed holder leaves: the file, but no lock (the operating system dropped it with the process).
        Files.writeString(dir.resolve(DataDirLock.FILE), "pid 999999999, started 2026-01-01T00:00:00Z\n");
        DataDirLock again = DataDirLock.acquire(dir);
        String holder = Files.readString(dir.resolve(DataDirLock.FILE));
        again.close();
        assertThat(holder).doesNotContain("999999999").startsWith("pid " + ProcessHandle.current().pid() + ",");
    }
}
