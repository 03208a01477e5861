package io.ingestline.edge.ingest;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads a request body through its {@code Content-Encoding}, refusing it as soon as the decoded bytes pass the
 * limit: a small gzip bomb costs at most {@code limit} bytes of memory.
 */
public final class RequestBody {
    private RequestBody() {
    }

    /**
     * The decoded body.
     *
     * @throws BodyTooLargeException past {@code limit} decoded bytes
     * @throws BadBodyException      for an unsupported encoding or a corrupt compressed stream
     */
    public static byte[] read(InputStream raw, String contentEncoding, int limit) {
        try (InputStream in = decoder(raw, contentEncoding)) {
            ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(limit, 64 * 1024));
            byte[] buf = new byte[16 * 1024];
            int n;
            while ((n = in.read(buf)) > 0) {
                if (out.size() + (long) n > limit) {
                    throw new BodyTooLargeException(limit);
                }
                out.write(buf, 0, n);
            }
            return out.toByteArray();
        } catch (ZipException e) {
            throw new BadBodyException("request body is not valid gzip: " + e.getMessage());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read request body", e);
        }
    }

    private static InputStream decoder(InputStream raw, String contentEncoding) throws IOException {
        String enc = contentEncoding == null ? "" : contentEncoding.trim().toLowerCase(Locale.ROOT);
        switch (enc) {
            case "", "identity":
                return raw;
            case "gzip", "x-gzip":
                try {
                    return new GZIPInputStream(raw, 16 * 1024);
                } catch (ZipException e) {
                    throw new BadBodyException("request body is not valid gzip: " + e.getMessage());
                }
            default:
                throw new BadBodyException("unsupported Content-Encoding: " + contentEncoding);
        }
    }
}
