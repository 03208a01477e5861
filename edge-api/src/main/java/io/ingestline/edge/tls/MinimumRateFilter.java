package io.ingestline.edge.tls;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.io.IOException;
import java.time.Duration;
import org.eclipse.jetty.http.BadMessageException;

/**
 * Cuts off a request body that arrives slower than a minimum rate, averaged since its first read, once it has been
 * arriving for a grace period: 408. Jetty's own minimum rate has no grace, so a small body whose reads span a few
 * milliseconds (a pause, a busy machine) fails it; a stalled body is the idle timeout's to cut off.
 */
final class MinimumRateFilter implements Filter {
    private final long bytesPerSecond;
    private final long graceNanos;

    MinimumRateFilter(long bytesPerSecond, Duration grace) {
        this.bytesPerSecond = bytesPerSecond;
        this.graceNanos = grace.toNanos();
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        chain.doFilter(new HttpServletRequestWrapper((HttpServletRequest) request) {
            private ServletInputStream metered;

            @Override
            public ServletInputStream getInputStream() throws IOException {
                if (metered == null) {
                    metered = new Metered(super.getInputStream());
                }
                return metered;
            }
        }, response);
    }

    private final class Metered extends ServletInputStream {
        private final ServletInputStream in;
        private long start = -1;
        private long bytes;

        Metered(ServletInputStream in) {
            this.in = in;
        }

        @Override
        public int read() throws IOException {
            int b = in.read();
            count(b < 0 ? -1 : 1);
            return b;
        }

        @Override
        public int read(byte[] buf, int off, int len) throws IOException {
            int n = in.read(buf, off, len);
            count(n);
            return n;
        }

        private void count(int n) {
            long now = System.nanoTime();
            if (start < 0) {
                start = now;
            }
            if (n <= 0) {
                return;
            }
            bytes += n;
            long elapsed = now - start;
            if (elapsed > graceNanos && bytes < bytesPerSecond * (elapsed / 1_000_000) / 1000) {
                throw new BadMessageException(408, "the request body arrived slower than " + bytesPerSecond
                        + " bytes a second");
            }
        }

        @Override
        public boolean isFinished() {
            return in.isFinished();
        }

        @Override
        public boolean isReady() {
            return in.isReady();
        }

        @Override
        public void setReadListener(ReadListener listener) {
            in.setReadListener(listener);
        }

        @Override
        public int available() throws IOException {
            return in.available();
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
