package io.ingestline.local;

import com.fasterxml.jackson.databind.JsonNode;
import io.ingestline.model.Json;
import java.io.IOException;
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
            for (Path f : files.filter(p -> p.toString().endsWith(".ndjson")).sorted().toList()) {
                for (String line : Files.readAllLines(f)) {
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
