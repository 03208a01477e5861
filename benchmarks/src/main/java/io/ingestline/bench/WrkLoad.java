package io.ingestline.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * HTTP load with wrk, the tool the peer benchmark uses, so that both are measured the same way: two threads,
 * {@code connections} keep-alive connections, each posting the same body again as soon as the answer came. A warm-up
 * run is discarded, then one run is measured.
 */
final class WrkLoad {
    private static final Pattern RESULT = Pattern.compile("WRK_RESULT requests=(\\d+) duration_us=(\\d+) non2xx=(\\d+) "
            + "connect_err=(\\d+) read_err=(\\d+) write_err=(\\d+) timeouts=(\\d+) p50_us=(\\d+) p99_us=(\\d+) p999_us=(\\d+)");

    /** A measured run. */
    record Result(long requests, double seconds, long non2xx, long errors, double p50ms, double p99ms, double p999ms) {
        double okPerSecond() {
            return (requests - non2xx) / seconds;
        }
    }

    private WrkLoad() {
    }

    static boolean available() {
        try {
            Process p = new ProcessBuilder("wrk", "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            p.waitFor();
            return true;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    static Result run(String url, Path body, String token, String encoding, int connections, Duration warmup,
            Duration measured, Path work) throws Exception {
        return run(url, body, token, encoding, connections, 0, warmup, measured, work);
    }

    /** The same with another Content-Type (an OTLP protobuf body), no Content-Encoding. */
    static Result runTyped(String url, Path body, String contentType, String token, int connections, Duration warmup,
            Duration measured, Path work) throws Exception {
        return run(url, body, token, null, contentType, connections, 0, warmup, measured, work);
    }

    /** @param delayMs pause of each connection before each request; 0 for none (closed loop at full speed) */
    static Result run(String url, Path body, String token, String encoding, int connections, long delayMs,
            Duration warmup, Duration measured, Path work) throws Exception {
        return run(url, body, token, encoding, null, connections, delayMs, warmup, measured, work);
    }

    private static Result run(String url, Path body, String token, String encoding, String contentType,
            int connections, long delayMs, Duration warmup, Duration measured, Path work) throws Exception {
        Path script = work.resolve("post-body.lua");
        if (!Files.exists(script)) {
            try (InputStream in = WrkLoad.class.getResourceAsStream("/post-body.lua")) {
                Files.copy(in, script, StandardCopyOption.REPLACE_EXISTING);
            }
        }
        Map<String, String> env = new HashMap<>(Map.of("BODY_FILE", body.toString(), "TOKEN", token,
                "CONTENT_ENCODING", encoding == null ? "" : encoding, "DELAY_MS", Long.toString(delayMs),
                "CONTENT_TYPE", contentType == null ? "" : contentType));
        once(url, script, env, connections, warmup);
        return once(url, script, env, connections, measured);
    }

    private static Result once(String url, Path script, Map<String, String> env, int connections, Duration d)
            throws Exception {
        ProcessBuilder pb = new ProcessBuilder("timeout", Long.toString(d.toSeconds() + 30), "wrk", "-t2",
                "-c" + connections, "-d" + d.toSeconds() + "s", "--timeout", "30s", "-s", script.toString(), url)
                .redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        p.waitFor();
        Matcher m = RESULT.matcher(out);
        if (!m.find()) {
            throw new UncheckedIOException(new IOException("wrk printed no result: " + out));
        }
        long errors = 0;
        for (int g : List.of(4, 5, 6, 7)) {
            errors += Long.parseLong(m.group(g));
        }
        return new Result(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)) / 1e6, Long.parseLong(m.group(3)),
                errors, Long.parseLong(m.group(8)) / 1000.0, Long.parseLong(m.group(9)) / 1000.0,
                Long.parseLong(m.group(10)) / 1000.0);
    }
}
