package io.ingestline.query.store;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.ingestline.sink.storage.DatasetPartition;
import io.ingestline.sink.storage.PostgresStorageWriter;
import io.ingestline.sink.storage.Rejects;
import io.ingestline.sink.storage.SinkRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes events with the sink's real {@link PostgresStorageWriter} (COPY, offsets in the same transaction), and reads
 * the rows back with plain JDBC, the reference's time taken from each event's own {@code _time}.
 */
final class PostgresStoredEvents {
    private static final ObjectMapper JSON = new ObjectMapper();

    private PostgresStoredEvents() {
    }

    /** Writes the events in the given order, committing every {@code commitEvery}, as the sink does. */
    static void write(String schema, String dataset, List<StoredEvents.Input> inputs, int commitEvery) {
        write(schema, PostgresStorageWriter.EventType.JSONB, dataset, inputs, commitEvery);
    }

    /** The same into tables whose event column is of the type given. */
    static void write(String schema, PostgresStorageWriter.EventType eventType, String dataset,
            List<StoredEvents.Input> inputs, int commitEvery) {
        List<String> rejected = new ArrayList<>();
        Rejects rejects = new Rejects() {
            @Override
            public void reject(SinkRecord record, String reason) {
                rejected.add(reason);
            }

            @Override
            public void flush() {
            }
        };
        PostgresStorageWriter.Settings settings = new PostgresStorageWriter.Settings(TestPostgres.URL,
                TestPostgres.USER, TestPostgres.PASSWORD, schema, 0, 64 << 20, PostgresStorageWriter.Load.COPY, eventType);
        Map<DatasetPartition, Long> next = new HashMap<>();
        TestPostgres.connect();
        try (PostgresStorageWriter writer = new PostgresStorageWriter(settings, "query-tests", rejects)) {
            List<DatasetPartition> partitions = inputs.stream().map(i -> new DatasetPartition(dataset, i.partition()))
                    .distinct().toList();
            writer.open(partitions, 1).forEach(next::put);
            int written = 0;
            for (StoredEvents.Input input : inputs) {
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
        assertThat(rejected).isEmpty();
    }

    /**
     * Every row of the dataset's table (partitions below 10, so that the rows' {@code file} sorts as the partition
     * number): its time is the event's {@code _time} cut to the millisecond, as the sink's {@code ingest.event-time}
     * header has it.
     */
    static List<StoredEvents.Row> readBack(String schema, String table) {
        List<StoredEvents.Row> rows = new ArrayList<>();
        try (Connection c = TestPostgres.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT kafka_partition, kafka_offset, event::text FROM \"" + schema
                     + "\".\"" + table + "\"")) {
            while (rs.next()) {
                assertThat(rs.getInt(1)).isBetween(0, 9);
                String raw = rs.getString(3);
                Instant time = Instant.parse(JSON.readTree(raw).get("_time").asText()).truncatedTo(ChronoUnit.MILLIS);
                long micros = ChronoUnit.MICROS.between(Instant.EPOCH, time);
                rows.add(StoredEvents.row(micros, Integer.toString(rs.getInt(1)), rs.getLong(2), raw));
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return rows;
    }
}
