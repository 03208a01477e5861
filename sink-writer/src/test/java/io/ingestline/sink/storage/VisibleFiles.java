package io.ingestline.sink.storage;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.github.luben.zstd.ZstdInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

/** What readers see of a file sink's root: the lines of every visible file (outside {@code _sink}). */
final class VisibleFiles {
    private VisibleFiles() {
    }

    /** One line of a visible file: the file's path relative to the root, and the line. */
    record Line(String file, String text) {
        /** The dataset, partition and hour directory the line is in: {@code dataset=d/date=../hour=.. p}. */
        String place() {
            String dir = file.substring(0, file.lastIndexOf('/'));
            String name = file.substring(file.lastIndexOf('/') + 1);
            return dir + " " + name.split("-")[1];
        }
    }

    static List<Line> lines(Path root) {
        List<Line> out = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path f : files.filter(Files::isRegularFile).filter(p -> !root.relativize(p).toString().contains("_sink"))
                    .sorted().toList()) {
                String name = f.getFileName().toString();
                if (!name.endsWith(".ndjson.gz") && !name.endsWith(".ndjson.zst")) {
                    continue;
                }
                try (InputStream in = name.endsWith(".gz") ? new GZIPInputStream(Files.newInputStream(f))
                        : new ZstdInputStream(Files.newInputStream(f))) {
                    ByteArrayOutputStream all = new ByteArrayOutputStream();
                    in.transferTo(all);
                    String text = all.toString(UTF_8);
                    int at = 0;
                    while (at < text.length()) {
                        int end = text.indexOf('\n', at);
                        out.add(new Line(root.relativize(f).toString(), text.substring(at, end)));
                        at = end + 1;
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /** Regular files left under the root's {@code _sink/staging} directories. */
    static List<Path> staged(Path root) {
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(Files::isRegularFile).filter(p -> root.relativize(p).toString().contains("_sink/staging"))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
