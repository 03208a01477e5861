package io.ingestline.edge.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Fuzzes the decompressors ({@link BodyDecoder}: gzip, zstd, deflate, chains) with a {@code Content-Encoding} (the
 * input's first line) and a body (the rest): decoding gives bytes within the limit, or an
 * {@link UnreadableBodyException} of kind {@code BAD_ENCODING} (400), a {@link BodyTooLargeException} (413) or an
 * unknown coding (415), never another exception (a 500). Seeds: {@code BodyDecoderFuzzTestInputs}, compressed
 * samples among them.
 */
class BodyDecoderFuzzTest {
    private static final long LIMIT = 64 * 1024;

    @FuzzTest
    void any_body_decodes_or_is_refused_as_a_client_error(byte[] input) throws IOException {
        int nl = indexOf(input, (byte) '\n');
        String encoding = new String(input, 0, nl < 0 ? input.length : nl, StandardCharsets.ISO_8859_1);
        byte[] body = nl < 0 ? new byte[0] : Arrays.copyOfRange(input, nl + 1, input.length);
        try (InputStream in = BodyDecoder.decode(new ByteArrayInputStream(body), encoding, LIMIT)) {
            assertThat(in.readAllBytes().length).isLessThanOrEqualTo((int) LIMIT);
        } catch (BodyDecoder.UnsupportedCodingException | BodyTooLargeException refused) {
            // a 415 or a 413
        } catch (UnreadableBodyException unreadable) {
            // a 400: bytes that are not what their encoding says (the framing cannot break: the body is in memory)
            assertThat(unreadable.kind()).isEqualTo(UnreadableBodyException.Kind.BAD_ENCODING);
        }
    }

    private static int indexOf(byte[] b, byte c) {
        for (int i = 0; i < b.length; i++) {
            if (b[i] == c) {
                return i;
            }
        }
        return -1;
    }
}
