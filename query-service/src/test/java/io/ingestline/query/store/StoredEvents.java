package io.ingestline.query.store;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.luben.zstd.ZstdInputStream;
import io.ingestline.query.lang.Event;
import io.ingestline.query.lang.Matcher;
import io.ingestline.sink.storage.DatasetPartition;
import io.ingestline.sink.storage.FileStorageWriter;
import io.ingestline.sink.storage.SinkRecord;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

/** Writes events with the sink's real {@link FileStorageWriter}, and reads the files back without DuckDB. */
public final class StoredEvents {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One event read back: where it is, its time, its text, and the event {@code Matcher} sees. */
    record Row(long micros, String file, long line, String raw, Event event) {
        String key() {
            return micros + " " + file + ":" + line;
        }

        static final Comparator<Row> ORDER = Comparator.comparingLong(Row::micros).thenComparing(Row::file)
                .thenComparingLong(Row::line);
    }

    /** One event to write: its partition and its JSON (holding {@code _time}). */
    public record Input(int partition, String json) {
    }

    private StoredEvents() {
    }

    /** Writes the events in the given order, committing every {@code commitEvery}, as the sink does. */
    public static void write(Path datasetsDir, String dataset, List<Input> inputs, int commitEvery,
                      FileStorageWriter.Compression compression) {
        Map<DatasetPartition, Long> next = new HashMap<>();
        try (FileStorageWriter writer = new FileStorageWriter(datasetsDir, 1 << 20, 64 << 20, compression)) {
            List<DatasetPartition> partitions = inputs.stream().map(i -> new DatasetPartition(dataset, i.partition()))
                    .distinct().toList();
            writer.open(partitions, 1).forEach(next::put);
            int written = 0;
            for (Input input : inputs) {
                DatasetPartition partition = new DatasetPartition(dataset, input.partition());
                long offset = next.getOrDefault(partition, 0L);
                long time = Instant.parse(JSON.readTree(input.json()).get("_time").asText()).toEpochMilli();
                writer.write(new SinkRecord(dataset, input.partition(), offset, time, "id-" + offset,
                        input.json().getBytes(UTF_8)));
                next.put(partition, offset + 1);
                if (++written % commitEvery == 0) {
                    writer.commit(Map.copyOf(next), n -> { });
                }
            }
            writer.commit(Map.copyOf(next), n -> { });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every event of the dataset's visible files, read with zstd-jni or gzip and Jackson. */
    static List<Row> readBack(Path datasetDir) {
        List<Row> rows = new ArrayList<>();
        try (Stream<Path> paths = Files.walk(datasetDir)) {
            for (Path path : paths.filter(StoredEvents::isDataFile).sorted().toList()) {
                String file = datasetDir.relativize(path).toString().replace('\\', '/');
                String[] lines = new String(decompress(path), UTF_8).split("\n");
                for (int i = 0; i < lines.length; i++) {
                    rows.add(row(file, i + 1, lines[i]));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return rows;
    }

    private static boolean isDataFile(Path path) {
        String name = path.getFileName().toString();
        return name.startsWith("part-") && (name.endsWith(".ndjson.zst") || name.endsWith(".ndjson.gz"))
                && path.getParent().getFileName().toString().startsWith("hour=");
    }

    private static byte[] decompress(Path path) throws IOException {
        try (InputStream in = path.toString().endsWith(".zst") ? new ZstdInputStream(Files.newInputStream(path))
                : new GZIPInputStream(Files.newInputStream(path))) {
            return in.readAllBytes();
        }
    }

    private static Row row(String file, long line, String raw) throws IOException {
        Instant time = Instant.parse(JSON.readTree(raw).get("_time").asText());
        return row(time.getEpochSecond() * 1_000_000 + time.getNano() / 1_000, file, line, raw);
    }

    /** A stored event as {@code Matcher} sees it: its text, its JSON, the strings of its {@code tags} array. */
    static Row row(long micros, String file, long line, String raw) throws IOException {
        JsonNode json = JSON.readTree(raw);
        List<String> tags = new ArrayList<>();
        if (json.path("tags").isArray()) {
            json.get("tags").forEach(tag -> {
                if (tag.isTextual()) {
                    tags.add(tag.textValue());
                }
            });
        }
        return new Row(micros, file, line, raw, new Event(raw, json, tags));
    }

    /** The keys of the rows in the search's range that {@code Matcher} finds, in the search's order. */
    static List<String> expected(List<Row> rows, Search search) {
        long from = EventSql.micros(search.from());
        long until = EventSql.micros(search.until());
        Comparator<Row> order = search.order() == Order.ASC ? Row.ORDER : Row.ORDER.reversed();
        return rows.stream().filter(r -> r.micros() >= from && r.micros() < until)
                .filter(r -> Matcher.matches(search.query(), r.event())).sorted(order).map(Row::key).toList();
    }

    /** Every page of the search, following the encoded cursors; each page but the last is full. */
    static List<String> allPages(EventStore store, Search search) {
        List<String> keys = new ArrayList<>();
        Page page = store.search(search);
        while (true) {
            page.events().forEach(e -> keys.add(e.timeMicros() + " " + e.file() + ":" + e.line()));
            if (page.next().isEmpty()) {
                return keys;
            }
            assertThat(page.events()).hasSize(search.size());
            page = store.search(search.after(Cursor.decode(page.next().get().encode())));
        }
    }
}
