package io.ingestline.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Posts realistic log events ({@link LogEvents}) to an edge through one of its dialects ({@link LoadDialect}), on {@code connections}
 * threads, at a target rate (0: as fast as acknowledgements come), for a given time. Records each request's latency
 * (HdrHistogram), the events acknowledged in each second, each second's p99, and when each request was acknowledged
 * (so that the delay to storage can be measured per event).
 */
final class LoadGenerator {
    record Settings(URI edge, String token, LoadDialect dialect, int connections, int batch, int eventsPerSecond,
            boolean gzip) {
        Settings paced(int rate) {
            return new Settings(edge, token, dialect, connections, batch, rate, gzip);
        }
    }

    record Result(long acked, long ackedBytes, long failed, double seconds, Histogram latencyMicros, long[] perSecond, double[] p99PerSecond) {
    }

    private final Settings s;
    private final String run;
    private final AtomicLong nextSeq;
    /** First sequence number of each acknowledged request to the time (epoch ms) of its acknowledgement. */
    final Map<Long, Long> ackedAt = new ConcurrentHashMap<>();

    LoadGenerator(Settings settings, String run, AtomicLong nextSeq) {
        this.s = settings;
        this.run = run;
        this.nextSeq = nextSeq;
    }

    Result run(Duration duration) throws InterruptedException {
        int seconds = (int) duration.toSeconds();
        AtomicLongArray perSecond = new AtomicLongArray(seconds + 1);
        Recorder[] secondRecorders = new Recorder[seconds + 1];
        for (int i = 0; i <= seconds; i++) {
            secondRecorders[i] = new Recorder(3);
        }
        Recorder all = new Recorder(3);
        AtomicLong failed = new AtomicLong();
        AtomicLong bytes = new AtomicLong();
        long start = System.nanoTime();
        long end = start + duration.toNanos();
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        // paced: each connection sends its share of the rate on a fixed schedule (no coordinated omission: latency
        // is measured from when the request was due)
        double perConnection = s.eventsPerSecond() <= 0 ? 0 : s.eventsPerSecond() / (double) s.connections();
        long intervalNanos = perConnection <= 0 ? 0 : (long) (s.batch() * 1e9 / perConnection);
        Thread[] threads = new Thread[s.connections()];
        for (int c = 0; c < threads.length; c++) {
            long phase = intervalNanos * c / Math.max(1, threads.length);
            threads[c] = new Thread(() -> {
                long due = start + phase;
                while (true) {
                    long now = System.nanoTime();
                    if (intervalNanos > 0) {
                        if (due > now) {
                            try {
                                TimeUnit.NANOSECONDS.sleep(due - now);
                            } catch (InterruptedException e) {
                                return;
                            }
                        }
                    } else {
                        due = now;
                    }
                    if (due >= end) {
                        return;
                    }
                    long first = nextSeq.getAndAdd(s.batch());
                    byte[] body = s.dialect().body(run, first, s.batch());
                    int plainBytes = body.length;
                    HttpRequest.Builder rb = s.dialect().request(s.edge(), s.token()).timeout(Duration.ofSeconds(30));
                    if (s.gzip()) {
                        rb.header("Content-Encoding", "gzip");
                        body = Payloads.gzip(body);
                    }
                    try {
                        HttpResponse<Void> r = http.send(rb.POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                                HttpResponse.BodyHandlers.discarding());
                        long done = System.nanoTime();
                        if (r.statusCode() / 100 == 2) {
                            ackedAt.put(first, System.currentTimeMillis());
                            long micros = Math.max(1, (done - due) / 1000);
                            all.recordValue(micros);
                            int second = (int) Math.min(seconds, (done - start) / 1_000_000_000L);
                            perSecond.addAndGet(second, s.batch());
                            bytes.addAndGet(plainBytes);
                            secondRecorders[second].recordValue(micros);
                        } else {
                            failed.incrementAndGet();
                        }
                    } catch (Exception e) {
                        failed.incrementAndGet();
                    }
                    due += intervalNanos;
                }
            }, "load-" + c);
            threads[c].start();
        }
        for (Thread t : threads) {
            t.join();
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        long[] counts = new long[seconds];
        double[] p99 = new double[seconds];
        long acked = 0;
        for (int i = 0; i < seconds; i++) {
            counts[i] = perSecond.get(i);
            Histogram h = secondRecorders[i].getIntervalHistogram();
            p99[i] = h.getTotalCount() == 0 ? 0 : h.getValueAtPercentile(99) / 1000.0;
        }
        for (int i = 0; i <= seconds; i++) {
            acked += perSecond.get(i);
        }
        return new Result(acked, bytes.get(), failed.get(), Math.min(elapsed, duration.toSeconds()), all.getIntervalHistogram(),
                counts, p99);
    }
}
