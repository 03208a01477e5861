package io.ingestline.local.traffic;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntSupplier;

/**
 * Polls each service's {@code /ready} a few times a second and keeps what it answered, so that a test can ask when
 * a service first said it was not ready after a fault, and whether it said so again once the fault was gone.
 */
final class ReadyProbe implements AutoCloseable {
    /** One answer: when (ms since the probe started), and the status (-1: no answer). */
    record Sample(long atMs, int status) {
    }

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    private final Map<String, IntSupplier> ports = new ConcurrentHashMap<>();
    private final Map<String, List<Sample>> samples = new ConcurrentHashMap<>();
    private final long start = System.nanoTime();
    private final Thread thread = new Thread(this::run, "ready-probe");
    private volatile boolean stopped;

    ReadyProbe() {
        thread.setDaemon(true);
        thread.start();
    }

    /** Probes a service whose status port may change (a restarted service): the supplier gives the current one. */
    void watch(String service, IntSupplier port) {
        ports.put(service, port);
    }

    long nowMs() {
        return (System.nanoTime() - start) / 1_000_000;
    }

    private void run() {
        while (!stopped) {
            ports.forEach((service, port) -> {
                int status;
                try {
                    int p = port.getAsInt();
                    status = p <= 0 ? -1 : http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + p + "/ready"))
                            .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
                } catch (Exception e) {
                    status = -1;
                }
                synchronized (samples) {
                    samples.computeIfAbsent(service, s -> new ArrayList<>()).add(new Sample(nowMs(), status));
                }
            });
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** The first time at or after {@code fromMs} the service answered other than 200, or -1. */
    long firstNotReady(String service, long fromMs) {
        synchronized (samples) {
            for (Sample s : samples.getOrDefault(service, List.of())) {
                if (s.atMs() >= fromMs && s.status() != 200) {
                    return s.atMs();
                }
            }
        }
        return -1;
    }

    /** The first time at or after {@code fromMs} the service answered 200, or -1. */
    long firstReady(String service, long fromMs) {
        synchronized (samples) {
            for (Sample s : samples.getOrDefault(service, List.of())) {
                if (s.atMs() >= fromMs && s.status() == 200) {
                    return s.atMs();
                }
            }
        }
        return -1;
    }

    /** The statuses answered since {@code fromMs}, compressed into runs, for messages. */
    String timeline(String service, long fromMs) {
        StringBuilder out = new StringBuilder();
        int last = Integer.MIN_VALUE;
        synchronized (samples) {
            for (Sample s : samples.getOrDefault(service, List.of())) {
                if (s.atMs() >= fromMs && s.status() != last) {
                    out.append(s.atMs()).append("ms:").append(s.status()).append(' ');
                    last = s.status();
                }
            }
        }
        return out.toString();
    }

    @Override
    public void close() {
        stopped = true;
        thread.interrupt();
    }
}
