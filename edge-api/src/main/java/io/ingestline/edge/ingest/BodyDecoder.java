package io.ingestline.edge.ingest;

import com.github.luben.zstd.ZstdInputStream;
import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;

/**
 * Wraps a request body in the decoders its {@code Content-Encoding} names (gzip, zstd, deflate, identity, or a
 * comma-separated chain of them), metered on both sides: decoding is a stream, and it stops as soon as the bytes
 * pass the limit, so a small bomb costs at most the limit.
 */
public final class BodyDecoder {
    private static final int BUFFER = 16 * 1024;

    private BodyDecoder() {
    }

    /**
     * @throws UnsupportedCodingException for a content coding it does not know (415)
     * @throws UnreadableBodyException for a corrupt compressed header; reading the stream throws it too, where the
     *         framing or the encoding breaks further on
     */
    public static InputStream decode(InputStream raw, String contentEncoding, long decodedLimit) {
        InputStream in = new MeteredInputStream(new FailureNaming(raw, UnreadableBodyException.Kind.BAD_FRAMING,
                "the request body ended early or its HTTP framing is broken"), MeteredInputStream.limit(decodedLimit));
        if (contentEncoding == null || contentEncoding.isBlank()) {
            return new MeteredInputStream(in, MeteredInputStream.limit(decodedLimit));
        }
        String[] codings = contentEncoding.split(",");
        // Codings are listed in the order they were applied: undo them from last to first.
        for (int i = codings.length - 1; i >= 0; i--) {
            try {
                in = decoder(in, codings[i].trim().toLowerCase(Locale.ROOT));
            } catch (RuntimeException e) {
                closeQuietly(in); // the decoders built so far (zstd holds native memory until closed)
                throw e;
            }
        }
        // The framing's failures are already named below; what the decoders throw is the body's encoding.
        return new MeteredInputStream(new FailureNaming(in, UnreadableBodyException.Kind.BAD_ENCODING,
                "the request body is not valid " + contentEncoding.trim()), MeteredInputStream.limit(decodedLimit));
    }

    private static InputStream decoder(InputStream in, String coding) {
        try {
            return switch (coding) {
                case "", "identity" -> in;
                case "gzip", "x-gzip" -> new GZIPInputStream(in, BUFFER);
                case "zstd" -> new ZstdInputStream(in);
                case "deflate" -> deflate(in);
                default -> throw new UnsupportedCodingException(coding);
            };
        } catch (IOException e) {
            throw new UnreadableBodyException(UnreadableBodyException.Kind.BAD_ENCODING,
                    "the request body is not valid " + coding + ": " + e.getMessage(), e);
        }
    }

    /** The content codings a request body may have: the {@code Accept-Encoding} of a 415 answer. */
    public static final String CODINGS = "gzip, deflate, zstd";

    /** A content coding the edge does not decode: 415, as HTTP (RFC 9110, 15.5.16) answers it. */
    public static final class UnsupportedCodingException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UnsupportedCodingException(String coding) {
            super("unsupported Content-Encoding: " + coding + " (use " + CODINGS + " or identity)");
        }
    }

    private static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException | RuntimeException e) {
            // already failing: the first failure is the answer
        }
    }

    /** Turns a stream's read failures into {@link UnreadableBodyException}s of one kind. */
    private static final class FailureNaming extends FilterInputStream {
        private final UnreadableBodyException.Kind kind;
        private final String what;

        FailureNaming(InputStream in, UnreadableBodyException.Kind kind, String what) {
            super(in);
            this.kind = kind;
            this.what = what;
        }

        @Override
        public int read() throws IOException {
            try {
                return super.read();
            } catch (IOException e) {
                throw failure(e);
            }
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            try {
                return super.read(b, off, len);
            } catch (IOException e) {
                throw failure(e);
            }
        }

        @Override
        public long skip(long n) throws IOException {
            try {
                return super.skip(n);
            } catch (IOException e) {
                throw failure(e);
            }
        }

        private UnreadableBodyException failure(IOException e) {
            return new UnreadableBodyException(kind, what + ": " + e.getMessage(), e);
        }
    }

    /** HTTP's deflate is zlib-wrapped, but some clients send raw deflate: tell them apart by the zlib header. */
    private static InputStream deflate(InputStream in) throws IOException {
        BufferedInputStream b = new BufferedInputStream(in, BUFFER);
        b.mark(2);
        int cmf = b.read();
        int flg = b.read();
        b.reset();
        boolean zlib = cmf >= 0 && flg >= 0 && (cmf & 0x0f) == 8 && ((cmf << 8) | flg) % 31 == 0;
        return new InflaterInputStream(b, new Inflater(!zlib), BUFFER);
    }
}
