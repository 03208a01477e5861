package io.ingestline.kafka.testkit;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Official Node.js clients for the integration tests that run them against the pipeline: installed from a committed
 * lock file with {@code npm ci} into a directory under {@code target/} (once per build), and run with a time limit.
 * Shared so that a module can run another module's client directory (local mode runs the edge's OTLP clients)
 * without a copy. Needs Node.js and npm, and the npm registry or a warm npm cache; fails without them.
 */
public final class NodeClients {
    private NodeClients() {
    }

    /**
     * Copies the files of {@code source} (not its directories) into {@code dir} and runs {@code npm ci} there unless
     * {@code node_modules/<installed>} is already there; returns {@code dir} as an absolute path.
     */
    public static Path install(Path source, Path dir, String installed) throws IOException, InterruptedException {
        Path target = dir.toAbsolutePath();
        Files.createDirectories(target);
        List<Path> files;
        try (Stream<Path> listed = Files.list(source)) {
            files = listed.filter(Files::isRegularFile).toList();
        }
        if (files.isEmpty()) {
            throw new IllegalStateException("no client files in " + source.toAbsolutePath());
        }
        for (Path f : files) {
            Files.copy(f, target.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
        }
        if (!Files.isDirectory(target.resolve("node_modules").resolve(installed))) {
            run(new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund", "--loglevel=error")
                    .directory(target.toFile()).redirectErrorStream(true), Duration.ofSeconds(180));
        }
        return target;
    }

    /**
     * Runs the process to its end, its output and errors to a file: the output, or an {@link AssertionError} with it
     * when the process ran past {@code limit} or exited other than 0.
     */
    public static String run(ProcessBuilder pb, Duration limit) throws IOException, InterruptedException {
        File log = Files.createTempFile("node", ".log").toFile();
        Process p = pb.redirectErrorStream(true).redirectOutput(log).start();
        if (!p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(pb.command() + " ran past " + limit + ":\n" + Files.readString(log.toPath()));
        }
        String out = Files.readString(log.toPath());
        if (p.exitValue() != 0) {
            throw new AssertionError(pb.command() + " exited " + p.exitValue() + ":\n" + out);
        }
        return out;
    }
}
