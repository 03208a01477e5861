package io.ingestline.edge.ingest;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.function.LongConsumer;

/** Tells a meter how many bytes each read returned; the meter may throw to stop reading (a limit, a budget). */
final class MeteredInputStream extends FilterInputStream {
    private final LongConsumer meter;

    MeteredInputStream(InputStream in, LongConsumer meter) {
        super(in);
        this.meter = meter;
    }

    /** A meter that throws {@link BodyTooLargeException} once more than {@code limit} bytes went through. */
    static LongConsumer limit(long limit) {
        long[] total = {0};
        return n -> {
            total[0] += n;
            if (total[0] > limit) {
                throw new BodyTooLargeException(limit);
            }
        };
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
            meter.accept(1);
        }
        return b;
    }

    @Override
    public int read(byte[] buf, int off, int len) throws IOException {
        int n = super.read(buf, off, len);
        if (n > 0) {
            meter.accept(n);
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        long skipped = super.skip(n);
        meter.accept(skipped);
        return skipped;
    }

    @Override
    public boolean markSupported() {
        return false;
    }
}
