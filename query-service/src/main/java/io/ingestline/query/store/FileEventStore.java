package io.ingestline.query.store;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.duckdb.DuckDBConnection;

/**
 * Searches the files the file sink wrote ({@code <datasetsDir>/dataset=<d>/date=.../hour=.../part-*.ndjson.zst} or
 * {@code .gz}) with an embedded, in-memory DuckDB. A search opens only the files of the hours its time range touches
 * ({@link RangeFiles}); results stream from DuckDB, so memory holds one page; a statement still running after
 * {@code timeout} is interrupted and the call throws {@link QueryTimeoutException}.
 */
public final class FileEventStore implements EventStore {
    private final Path datasetsDir;
    private final Duration timeout;
    private final DuckDBConnection database;
    private final ScheduledExecutorService alarms;

    /** {@code datasetsDir} is the sink's {@code <data dir>/datasets}. */
    public FileEventStore(Path datasetsDir, Duration timeout) {
        this.datasetsDir = Objects.requireNonNull(datasetsDir, "datasetsDir");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        this.database = open();
        this.alarms = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "query-timeouts");
            thread.setDaemon(true);
            return thread;
        });
    }

    private static DuckDBConnection open() {
        Properties properties = new Properties();
        properties.setProperty("jdbc_stream_results", "true");
        try {
            DuckDBConnection connection = (DuckDBConnection) DriverManager.getConnection("jdbc:duckdb:", properties);
            try (Statement statement = connection.createStatement()) {
                statement.execute("SET TimeZone = 'UTC'");
                for (String macro : QuerySql.MACROS) {
                    statement.execute(macro);
                }
            }
            return connection;
        } catch (SQLException e) {
            throw new StoreException("cannot start DuckDB", e);
        }
    }

    @Override
    public Page search(Search search) {
        List<DataFile> files = files(search);
        if (files.isEmpty()) {
            return new Page(List.of(), Optional.empty());
        }
        return run(EventSql.page(files, search), rows -> page(rows, search.size()));
    }

    @Override
    public long count(Search search) {
        List<DataFile> files = files(search);
        if (files.isEmpty()) {
            return 0;
        }
        return run(EventSql.count(files, search), rows -> rows.next() ? rows.getLong(1) : 0L);
    }

    /**
     * The files a search reads: those of the hours its time range touches, and with a cursor only from the cursor's
     * hour on (ASC) or up to it (DESC), since an event is stored in the hour of its {@code _time}: a later page
     * reads less, not the whole range again.
     */
    List<DataFile> files(Search search) {
        Instant from = search.from();
        Instant until = search.until();
        Cursor after = search.after();
        if (after != null) {
            Instant at = Instant.EPOCH.plus(after.timeMicros(), ChronoUnit.MICROS);
            if (search.order() == Order.ASC) {
                from = at.isAfter(from) ? at : from;
            } else {
                Instant end = at.plus(1, ChronoUnit.MICROS);
                until = end.isBefore(until) ? end : until;
            }
        }
        if (!from.isBefore(until)) {
            return List.of();
        }
        return RangeFiles.of(datasetsDir.resolve("dataset=" + search.dataset()), from, until);
    }

    private static Page page(ResultSet rows, int size) throws SQLException {
        List<StoredEvent> events = new ArrayList<>();
        while (rows.next()) {
            if (events.size() == size) {
                return new Page(events, Optional.of(events.get(size - 1).cursor()));
            }
            events.add(new StoredEvent(rows.getLong(1), rows.getString(2), rows.getLong(3), rows.getString(4)));
        }
        return new Page(events, Optional.empty());
    }

    @FunctionalInterface
    private interface Rows<T> {
        T read(ResultSet rows) throws SQLException;
    }

    /** Runs a statement on a connection of its own, with an alarm that interrupts it past the time limit. */
    private <T> T run(Sql sql, Rows<T> reader) {
        AtomicBoolean expired = new AtomicBoolean();
        try (Connection connection = database.duplicate();
             PreparedStatement statement = connection.prepareStatement(sql.text())) {
            bind(statement, sql.params());
            ScheduledFuture<?> alarm = alarms.schedule(() -> cancel(statement, expired), timeout.toMillis(),
                    TimeUnit.MILLISECONDS);
            try (ResultSet rows = statement.executeQuery()) {
                return reader.read(rows);
            } finally {
                alarm.cancel(false);
            }
        } catch (SQLException e) {
            if (expired.get()) {
                throw new QueryTimeoutException(timeout, e);
            }
            throw new StoreException("the search failed: " + e.getMessage(), e);
        }
    }

    private static void cancel(Statement statement, AtomicBoolean expired) {
        expired.set(true);
        try {
            statement.cancel();
        } catch (SQLException ignored) {
            // the statement ended meanwhile: nothing to interrupt
        }
    }

    private static void bind(PreparedStatement statement, List<Object> params) throws SQLException {
        for (int i = 0; i < params.size(); i++) {
            Object value = params.get(i);
            if (value instanceof Long number) {
                statement.setLong(i + 1, number);
            } else if (value instanceof Double number) {
                statement.setDouble(i + 1, number);
            } else {
                statement.setString(i + 1, (String) value);
            }
        }
    }

    @Override
    public void close() {
        alarms.shutdownNow();
        try {
            database.close();
        } catch (SQLException e) {
            throw new StoreException("cannot close DuckDB", e);
        }
    }
}
