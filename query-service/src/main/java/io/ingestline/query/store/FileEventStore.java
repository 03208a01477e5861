package io.ingestline.query.store;

import io.ingestline.query.lang.Field;
import io.ingestline.query.lang.Query;
import io.ingestline.query.lang.QueryParser;
import io.ingestline.query.lang.QuerySyntaxException;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;
import org.duckdb.DuckDBConnection;

/**
 * Searches the files the file sink wrote ({@code <datasetsDir>/dataset=<d>/date=.../hour=.../part-*.ndjson.zst} or
 * {@code .gz}) with an embedded, in-memory DuckDB. A search opens only the files of the hours its time range touches
 * ({@link RangeFiles}); results stream from DuckDB, so memory holds one page; a statement still running after
 * {@code timeout} is interrupted and the call throws {@link QueryTimeoutException}.
 */
public final class FileEventStore implements EventStore {
    /** DuckDB's memory limit as its {@code memory_limit} setting reads it: a number and a unit. */
    private static final Pattern MEMORY = Pattern.compile("[0-9]{1,12}(\\.[0-9]{1,3})? ?(B|[KMGT]i?B)",
            Pattern.CASE_INSENSITIVE);
    /** Files whose line counts are kept: a year of hours for a dozen partitions. */
    private static final int COUNTED_FILES = 100_000;

    private final Path datasetsDir;
    private final Duration timeout;
    private final DuckDBConnection database;
    private final ScheduledExecutorService alarms;
    private final LineCounts lineCounts = new LineCounts(COUNTED_FILES);

    /** With DuckDB's own limits: a thread per core, 80% of the machine's memory. */
    public FileEventStore(Path datasetsDir, Duration timeout) {
        this(datasetsDir, timeout, Runtime.getRuntime().availableProcessors(), null);
    }

    /**
     * {@code datasetsDir} is the sink's {@code <data dir>/datasets}; {@code threads} is how many threads DuckDB scans
     * with (at least 1); {@code memoryLimit} is its {@code memory_limit} (e.g. {@code 1GB}, {@code 512MiB}), or null
     * for its default: a statement that needs more fails with a {@link StoreException}.
     */
    public FileEventStore(Path datasetsDir, Duration timeout, int threads, String memoryLimit) {
        this.datasetsDir = Objects.requireNonNull(datasetsDir, "datasetsDir");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        if (threads < 1) {
            throw new IllegalArgumentException("DuckDB needs at least one thread: " + threads);
        }
        if (memoryLimit != null && !MEMORY.matcher(memoryLimit).matches()) {
            throw new IllegalArgumentException("not a memory size (such as 1GB or 512MiB): " + memoryLimit);
        }
        this.database = open(threads, memoryLimit);
        this.alarms = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "query-timeouts");
            thread.setDaemon(true);
            return thread;
        });
    }

    private static DuckDBConnection open(int threads, String memoryLimit) {
        Properties properties = new Properties();
        properties.setProperty("jdbc_stream_results", "true");
        try {
            DuckDBConnection connection = (DuckDBConnection) DriverManager.getConnection("jdbc:duckdb:", properties);
            try (Statement statement = connection.createStatement()) {
                statement.execute("SET TimeZone = 'UTC'");
                statement.execute("SET threads = " + threads);
                if (memoryLimit != null) {
                    statement.execute("SET memory_limit = '" + memoryLimit + "'");
                }
                for (String macro : QuerySql.MACROS) {
                    statement.execute(macro);
                }
                for (String macro : FacetSql.MACROS) {
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
        Map<String, Long> starts = LineCounts.starts(files, lines(files));
        return run(EventSql.page(files, search, starts), rows -> page(rows, search.size(), starts));
    }

    /** Every file's number of lines: those not yet known counted in one statement, on all DuckDB's threads. */
    private Map<String, Long> lines(List<DataFile> files) {
        Map<String, Long> lines = new HashMap<>(lineCounts.known(files));
        List<DataFile> unknown = files.stream().filter(f -> !lines.containsKey(LineCounts.key(f))).toList();
        if (unknown.isEmpty()) {
            return lines;
        }
        Map<String, Long> counted = new HashMap<>();
        unknown.forEach(f -> counted.put(LineCounts.key(f), 0L));
        run(EventSql.lines(unknown), rows -> {
            while (rows.next()) {
                counted.put(rows.getString(1), rows.getLong(2));
            }
            return counted;
        });
        lineCounts.remember(counted);
        lines.putAll(counted);
        return lines;
    }

    @Override
    public long count(Search search) {
        List<DataFile> files = files(search.after(null));
        if (files.isEmpty()) {
            return 0;
        }
        return run(EventSql.count(files, search.after(null)), rows -> rows.next() ? rows.getLong(1) : 0L);
    }

    @Override
    public List<FieldCount> fields(Search search) {
        List<DataFile> files = files(search.after(null));
        if (files.isEmpty()) {
            return List.of();
        }
        return run(FacetSql.fields(files, search.after(null)), rows -> {
            List<FieldCount> fields = new ArrayList<>();
            while (rows.next()) {
                fields.add(new FieldCount(rows.getString(1), rows.getLong(2)));
            }
            return fields;
        });
    }

    @Override
    public List<ValueCount> facet(Search search, String field, int size) {
        Field parsed = field(field);
        if (size < 1 || size > MAX_FACET_SIZE) {
            throw new IllegalArgumentException("a facet's size must be 1 to " + MAX_FACET_SIZE + ": " + size);
        }
        List<DataFile> files = files(search.after(null));
        if (files.isEmpty()) {
            return List.of();
        }
        return run(FacetSql.facet(files, search.after(null), parsed, size), rows -> {
            List<ValueCount> values = new ArrayList<>();
            while (rows.next()) {
                values.add(new ValueCount(rows.getString(1), rows.getLong(2)));
            }
            return values;
        });
    }

    /** A field as a query names it, read by the query's own parser. */
    private static Field field(String name) {
        Query query;
        try {
            query = QueryParser.parse(Objects.requireNonNull(name, "field") + ":*");
        } catch (QuerySyntaxException e) {
            throw new IllegalArgumentException("not a field: " + name, e);
        }
        if (query instanceof Query.Exists exists) {
            return exists.field();
        }
        throw new IllegalArgumentException("not a field: " + name);
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

    private static Page page(ResultSet rows, int size, Map<String, Long> starts) throws SQLException {
        List<StoredEvent> events = new ArrayList<>();
        while (rows.next()) {
            if (events.size() == size) {
                return new Page(events, Optional.of(events.get(size - 1).cursor()));
            }
            String file = rows.getString(2);
            events.add(new StoredEvent(rows.getLong(1), file, rows.getLong(3) - starts.get(file), rows.getString(4)));
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
            bind(connection, statement, sql.params());
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

    private static void bind(Connection connection, PreparedStatement statement, List<Object> params)
            throws SQLException {
        for (int i = 0; i < params.size(); i++) {
            Object value = params.get(i);
            if (value instanceof String[] texts) {
                statement.setArray(i + 1, connection.createArrayOf("VARCHAR", texts));
            } else if (value instanceof Long number) {
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
