package io.ingestline.model.status;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * The status endpoints of a service without an HTTP API of its own (validator, sink), on the JDK's small HTTP
 * server: {@code GET /metrics} (Prometheus text), {@code GET /health} (200 while the service can work, else 503)
 * and {@code GET /ready} (200 while it is working, else 503), each answering a small JSON document.
 */
public final class StatusServer implements AutoCloseable {
    /** An answer of {@code /health} or {@code /ready}: its status and a JSON body. */
    public record Status(boolean ok, String json) {
    }

    private final HttpServer server;
    private final ExecutorService executor;

    private StatusServer(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    public static StatusServer start(String host, int port, Supplier<String> metrics, Supplier<Status> health,
            Supplier<Status> ready) {
        try {
            HttpServer s = HttpServer.create(new InetSocketAddress(host, port), 16);
            s.createContext("/metrics", ex -> answer(ex, 200, "text/plain; version=0.0.4", metrics.get()));
            s.createContext("/health", ex -> status(ex, health.get()));
            s.createContext("/ready", ex -> status(ex, ready.get()));
            ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "status-http");
                t.setDaemon(true);
                return t;
            });
            s.setExecutor(executor);
            s.start();
            return new StatusServer(s, executor);
        } catch (IOException e) {
            throw new IllegalStateException("cannot listen on " + host + ":" + port + ": " + e.getMessage(), e);
        }
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private static void status(HttpExchange ex, Status s) throws IOException {
        answer(ex, s.ok() ? 200 : 503, "application/json", s.json());
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
        executor.shutdownNow();
    }
}
