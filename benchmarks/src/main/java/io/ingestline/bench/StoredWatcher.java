package io.ingestline.bench;

import com.github.luben.zstd.ZstdInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

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
    /** A file's text, decompressed (reused: it grows to the largest file's size). */
    private byte[] text = new byte[1 << 20];
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
            } catch (IOException | java.io.UncheckedIOException | java.nio.file.DirectoryIteratorException e) {
                // a file renamed or removed while listing (the sink's staging and commit records): seen next time
            }
        }
    }

    /**
     * The dataset's visible files: compressed NDJSON in its {@code date=*}/{@code hour=*} directories (the sink's own
     * {@code _sink} directory left out). Listed a directory at a time by name, without reading each file's
     * attributes: walking the tree (a stat per file, thousands of files after a few runs, every 100 ms) took a third
     * of the watcher's CPU, on the cores the pipeline runs on.
     */
    private List<Path> visibleFiles() throws IOException {
        List<Path> files = new ArrayList<>();
        if (!Files.isDirectory(datasetDir)) {
            return files;
        }
        try (DirectoryStream<Path> dates = Files.newDirectoryStream(datasetDir, "date=*")) {
            for (Path date : dates) {
                try (DirectoryStream<Path> hours = Files.newDirectoryStream(date, "hour=*")) {
                    for (Path hour : hours) {
                        try (DirectoryStream<Path> in = Files.newDirectoryStream(hour, "*.ndjson.zst")) {
                            in.forEach(files::add);
                        }
                    }
                }
            }
        }
        return files;
    }

    private void poll() throws IOException {
        long now = System.currentTimeMillis();
        for (Path f : visibleFiles()) {
            if (seen.contains(f)) {
                continue;
            }
            int length = 0;
            try (InputStream in = new ZstdInputStream(Files.newInputStream(f))) {
                for (int n; (n = in.read(text, length, text.length - length)) >= 0; length += n) {
                    if (length + n == text.length) {
                        text = Arrays.copyOf(text, text.length * 2);
                    }
                }
            }
            seen.add(f); // once read whole: a file that failed to read is read again next time
            // ISO-8859-1: one char a byte, a plain copy (the pattern and the digits are ASCII whatever the rest is)
            String t = new String(text, 0, length, StandardCharsets.ISO_8859_1);
            for (int at = t.indexOf(runField); at >= 0; at = t.indexOf(runField, at)) {
                int to = at + runField.length();
                while (to < t.length() && Character.isDigit(t.charAt(to))) {
                    to++;
                }
                long seq = Long.parseLong(t, at + runField.length(), to, 10);
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
