package io.ingestline.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A benchmark run's results directory ({@code BENCH_RESULTS}, default {@code benchmarks/target/results}, then
 * {@code <kind>-<time>}) and its printed report, saved there as {@code results.md}.
 */
final class Report {
    final Path dir;
    private final List<String> lines = new ArrayList<>();

    Report(String kind) throws IOException {
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT));
        this.dir = Path.of(System.getenv().getOrDefault("BENCH_RESULTS", "benchmarks/target/results"),
                kind + "-" + stamp);
        Files.createDirectories(dir);
    }

    /** Prints a line and keeps it for the saved report. */
    void line(String s) {
        System.out.println(s);
        lines.add(s);
    }

    void save() throws IOException {
        line("");
        line("Results in " + dir);
        Files.write(dir.resolve("results.md"), lines);
    }

    /** Deletes a directory tree (a broker's or a pipeline's data: gigabytes after a run, and nothing to read). */
    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (java.util.stream.Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    static int env(String name, int fallback) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? fallback : Integer.parseInt(v.trim());
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
