package io.ingestline.sink.storage;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import org.junit.jupiter.api.Test;

class CompressorTest {

    /**
     * After one file's write failed (a full disk), every later write of every file is skipped: a drain must keep
     * failing, or a later commit of another partition would make a file with missing chunks visible. (Before, the
     * first drain, such as a discarded partition's, cleared the failure and the next commit went through.)
     */
    @Test
    void a_failed_write_fails_every_later_drain_so_no_file_with_missing_chunks_is_committed() throws IOException {
        try (Compressor c = new Compressor(8 << 20)) {
            OutputStream full = new OutputStream() {
                @Override
                public void write(int b) throws IOException {
                    throw new IOException("No space left on device");
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    throw new IOException("No space left on device");
                }
            };
            c.write(full, new byte[16], 16);
            assertThatThrownBy(c::drain).hasMessageContaining("No space left on device");

            ByteArrayOutputStream other = new ByteArrayOutputStream();
            c.write(other, new byte[16], 16);
            assertThatThrownBy(c::drain).hasMessageContaining("No space left on device");
        }
    }
}
