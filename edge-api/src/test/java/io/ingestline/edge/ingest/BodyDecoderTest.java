package io.ingestline.edge.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.luben.zstd.Zstd;
import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class BodyDecoderTest {
    /** A body that notes whether it was closed. */
    private static final class Tracked extends FilterInputStream {
        boolean closed;

        Tracked(byte[] b) {
            super(new ByteArrayInputStream(b));
        }

        @Override
        public void close() throws java.io.IOException {
            closed = true;
            super.close();
        }
    }

    @Test
    void a_chain_that_fails_part_way_closes_the_decoders_already_built() {
        // applied zstd, then an unknown coding: zstd's decoder is built first, then the unknown one is refused
        Tracked unknown = new Tracked(Zstd.compress("{}".getBytes(StandardCharsets.UTF_8)));
        assertThatThrownBy(() -> BodyDecoder.decode(unknown, "br, zstd", 1 << 20))
                .isInstanceOf(BodyDecoder.UnsupportedCodingException.class).hasMessageContaining("br");
        assertThat(unknown.closed).as("zstd's decoder (native memory) closed").isTrue();

        // applied gzip, then zstd: the zstd stream holds no gzip header
        Tracked notGzip = new Tracked(Zstd.compress("not gzip".getBytes(StandardCharsets.UTF_8)));
        assertThatThrownBy(() -> BodyDecoder.decode(notGzip, "gzip, zstd", 1 << 20))
                .isInstanceOf(UnreadableBodyException.class);
        assertThat(notGzip.closed).isTrue();
    }

    @Test
    void a_chain_that_works_decodes_in_reverse_order() throws Exception {
        byte[] body = Zstd.compress("{\"a\":1}".getBytes(StandardCharsets.UTF_8));
        try (InputStream in = BodyDecoder.decode(new ByteArrayInputStream(body), "identity, zstd", 1 << 20)) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("{\"a\":1}");
        }
    }
}
