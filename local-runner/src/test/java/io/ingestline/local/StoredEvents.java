package io.ingestline.local;

import com.fasterxml.jackson.databind.JsonNode;
import io.ingestline.model.Json;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPInputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Reads back what the file sink stored for a dataset, for assertions. */
final class StoredEvents {
    private StoredEvents() {
    }

    static List<JsonNode> read(Path dataDir, String dataset) {
        Path dir = dataDir.resolve("datasets").resolve("dataset=" + dataset);
        List<JsonNode> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            // visible files only: not the sink's own directory (_sink: commit records and staged files)
            for (Path f : files.filter(p -> (p.getFileName().toString().endsWith(".ndjson.gz") || p.getFileName().toString().endsWith(".ndjson.zst")))
                    .filter(p -> !dir.relativize(p).startsWith("_sink")).sorted().toList()) {
                byte[] bytes;
                try (InputStream in = f.toString().endsWith(".zst")
                        ? new com.github.luben.zstd.ZstdInputStream(Files.newInputStream(f))
                        : new GZIPInputStream(Files.newInputStream(f))) {
                    bytes = in.readAllBytes();
                }
                for (String line : new String(bytes, StandardCharsets.UTF_8).split("\n")) {
                    if (!line.isBlank()) {
                        out.add(Json.mapper().readTree(line));
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }
}
