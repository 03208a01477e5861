package io.ingestline.bench;

import com.github.luben.zstd.ZstdInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Watches the file sink's visible files of one dataset and, for each event of the run, records the delay from its
 * request's acknowledgement to the moment its file was seen (polled every 100 ms, so the figure is at most 100 ms
 * high). It finds an event by the text {@code "run":"<run>","seq":} wherever it is: at the top level for the JSON
 * dialects, under {@code metadata} for AstraLog and under {@code attributes} for OTLP ({@link OtlpLogEvents} makes
 * them the first two attributes, and the edge keeps their order), so one scan serves every dialect.
 */
final class StoredWatcher implements AutoCloseable {
    private final Path datasetDir;
    private final String runField;
    private final int batch;
    private final Map<Long, Long> ackedAt;
    private final Set<Path> seen = new HashSet<>();
    private final Delays delays = new Delays();
    private final Thread thread;
    private volatile boolean closing;

    StoredWatcher(Path datasetDir, String run, int batch, Map<Long, Long> ackedAt) {
        this.datasetDir = datasetDir;
        this.runField = "\"run\":\"" + run + "\",\"seq\":";
        this.batch = batch;
        this.ackedAt = ackedAt;
        // Files already visible hold earlier runs' events only (a visible file never changes): skip them without
        // reading. Reading them (gigabytes after a few runs) made the first poll last seconds, so events stored
        // meanwhile were seen late, and took CPU from the pipeline on the same cores.
        try {
            seen.addAll(visibleFiles());
        } catch (IOException | java.io.UncheckedIOException e) {
            throw new IllegalStateException("cannot list " + datasetDir, e);
        }
        this.thread = new Thread(this::watch, "stored-watcher");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    private void watch() {
        while (!closing) {
            try {
                poll();
                Thread.sleep(100);
            } catch (InterruptedException e) {
                return;
            } catch (IOException | java.io.UncheckedIOException e) {
                // a file renamed or removed while listing (the sink's staging and commit records): seen next time
            }
        }
    }

    /** The dataset's visible files: compressed NDJSON outside the sink's own {@code _sink} directory. */
    private List<Path> visibleFiles() throws IOException {
        if (!Files.isDirectory(datasetDir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(datasetDir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".ndjson.zst"))
                    .filter(p -> !datasetDir.relativize(p).startsWith("_sink")).toList();
        }
    }

    private void poll() throws IOException {
        long now = System.currentTimeMillis();
        for (Path f : visibleFiles()) {
            if (!seen.add(f)) {
                continue;
            }
            String text;
            try (InputStream in = new ZstdInputStream(Files.newInputStream(f))) {
                text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            int at = 0;
            while ((at = text.indexOf(runField, at)) >= 0) {
                int from = at + runField.length();
                int to = from;
                while (Character.isDigit(text.charAt(to))) {
                    to++;
                }
                long seq = Long.parseLong(text, from, to, 10);
                Long acked = ackedAt.get(seq - seq % batch);
                if (acked != null) {
                    delays.record(seq, now, acked);
                }
                at = to;
            }
        }
    }

    Delays delays() {
        return delays;
    }

    @Override
    public void close() {
        closing = true;
        thread.interrupt();
    }
}
