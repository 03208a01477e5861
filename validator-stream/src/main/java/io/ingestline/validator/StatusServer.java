package io.ingestline.validator;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.apache.kafka.streams.KafkaStreams;

/**
 * A validator instance's status endpoints, on their own small HTTP server (the JDK's): {@code GET /metrics}
 * (Prometheus text), {@code GET /health} (200 unless the instance stopped on an error), {@code GET /ready} (200 while
 * it is processing: Kafka Streams is RUNNING).
 */
final class StatusServer implements AutoCloseable {
    private final HttpServer server;

    private StatusServer(HttpServer server) {
        this.server = server;
    }

    static StatusServer start(String host, int port, PrometheusMeterRegistry registry,
            Supplier<KafkaStreams.State> state) {
        try {
            HttpServer s = HttpServer.create(new InetSocketAddress(host, port), 16);
            s.createContext("/metrics", ex -> answer(ex, 200, "text/plain; version=0.0.4", registry.scrape()));
            s.createContext("/health", ex -> {
                KafkaStreams.State now = state.get();
                boolean failed = now == KafkaStreams.State.ERROR || now == KafkaStreams.State.PENDING_ERROR;
                answer(ex, failed ? 503 : 200, "application/json", "{\"status\":\"" + (failed ? "down" : "up")
                        + "\",\"state\":\"" + now + "\"}");
            });
            s.createContext("/ready", ex -> {
                KafkaStreams.State now = state.get();
                boolean ready = now == KafkaStreams.State.RUNNING;
                answer(ex, ready ? 200 : 503, "application/json", "{\"ready\":" + ready + ",\"state\":\"" + now + "\"}");
            });
            s.setExecutor(Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "validator-status");
                t.setDaemon(true);
                return t;
            }));
            s.start();
            return new StatusServer(s);
        } catch (IOException e) {
            throw new IllegalStateException("cannot listen on " + host + ":" + port + ": " + e.getMessage(), e);
        }
    }

    int port() {
        return server.getAddress().getPort();
    }

    private static void answer(HttpExchange ex, int status, String type, String body) throws IOException {
        try (ex) {
            if (!"GET".equals(ex.getRequestMethod()) && !"HEAD".equals(ex.getRequestMethod())) {
                ex.sendResponseHeaders(405, -1);
                return;
            }
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", type);
            ex.sendResponseHeaders(status, bytes.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }
}
