package io.ingestline.query.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The files of the hours a time range touches, found by naming their {@code date=}/{@code hour=} directories: no
 * other hour's directory is listed and no other file is opened. The sink's {@code _sink/} and staged files are never
 * seen (they are not under a {@code date=} directory), nor anything but {@code .ndjson.zst} and {@code .ndjson.gz}.
 */
final class RangeFiles {
    private RangeFiles() {
    }

    /** The files of [from, until)'s hours under {@code datasetDir}, sorted by name. */
    static List<DataFile> of(Path datasetDir, Instant from, Instant until) {
        List<DataFile> files = new ArrayList<>();
        ZonedDateTime hour = from.atZone(ZoneOffset.UTC).truncatedTo(ChronoUnit.HOURS);
        LocalDate listedDate = null;
        boolean dateExists = false;
        for (; hour.toInstant().isBefore(until); hour = hour.plusHours(1)) {
            LocalDate date = hour.toLocalDate();
            if (!date.equals(listedDate)) {
                listedDate = date;
                dateExists = Files.isDirectory(datasetDir.resolve("date=" + date));
            }
            if (dateExists) {
                addFiles(datasetDir, "date=" + date + "/hour=" + String.format("%02d", hour.getHour()), files);
            }
        }
        return files;
    }

    private static void addFiles(Path datasetDir, String hourDir, List<DataFile> out) {
        Path dir = datasetDir.resolve(hourDir);
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (Stream<Path> entries = Files.list(dir)) {
            entries.map(path -> dataFile(hourDir, path)).filter(f -> f != null)
                    .sorted((a, b) -> a.name().compareTo(b.name())).forEach(out::add);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
    }

    private static DataFile dataFile(String hourDir, Path path) {
        String name = path.getFileName().toString();
        if (!name.startsWith("part-") || !Files.isRegularFile(path)) {
            return null;
        }
        return name.endsWith(".ndjson.zst") || name.endsWith(".ndjson.gz") ? new DataFile(hourDir + "/" + name, path)
                : null;
    }
}
