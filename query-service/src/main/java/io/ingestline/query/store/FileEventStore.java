package io.ingestline.query.store;

import io.ingestline.query.lang.Field;
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
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
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
    /** A DuckDB {@code memory_limit} this store takes: a number and {@code B}, {@code KB}/{@code KiB} ... {@code TiB}. */
    public static final Pattern MEMORY = Pattern.compile("[0-9]{1,12}(\\.[0-9]{1,3})? ?(B|[KMGT]i?B)",
            Pattern.CASE_INSENSITIVE);
    /** Files whose line counts are kept: a year of hours for a dozen partitions. */
    private static final int COUNTED_FILES = 100_000;

    private final Path datasetsDir;
    private final Duration timeout;
    private final int threads;
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
        this.threads = threads;
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

    /**
     * Reads the range's hours in the search's order, an hour first, then twice as many hours each time, until the
     * page is full: an event is stored in the hour of its {@code _time}, so every event of an hour read comes before
     * every event of the hours after it, and a page of recent events reads the last hour, not the whole range. The
     * statements share the time limit.
     */
    @Override
    public Page search(Search search) {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<List<DataFile>> hours = hours(files(search), search.order());
        List<StoredEvent> events = new ArrayList<>();
        for (int at = 0, step = 1; at < hours.size() && events.size() <= search.size(); at += step, step *= 2) {
            List<DataFile> files = new ArrayList<>();
            hours.subList(at, Math.min(hours.size(), at + step)).forEach(files::addAll);
            Map<String, Long> lines = lines(files, deadline);
            List<List<DataFile>> groups = LineCounts.groups(files, lines, threads);
            Map<String, Long> starts = new HashMap<>();
            groups.forEach(group -> starts.putAll(LineCounts.starts(group, lines)));
            int wanted = search.size() + 1 - events.size();
            events.addAll(run(EventSql.page(groups, search, starts, wanted), rows -> events(rows, starts), deadline));
        }
        if (events.size() > search.size()) {
            List<StoredEvent> page = events.subList(0, search.size());
            return new Page(page, Optional.of(page.get(page.size() - 1).cursor()));
        }
        return new Page(events, Optional.empty());
    }

    /** The files by hour directory, the hours in the order's direction. */
    private static List<List<DataFile>> hours(List<DataFile> files, Order order) {
        Map<String, List<DataFile>> byHour = new TreeMap<>();
        for (DataFile file : files) {
            byHour.computeIfAbsent(file.name().substring(0, file.name().lastIndexOf('/')), h -> new ArrayList<>())
                    .add(file);
        }
        List<List<DataFile>> hours = new ArrayList<>(byHour.values());
        if (order == Order.DESC) {
            Collections.reverse(hours);
        }
        return hours;
    }

    /** Every file's number of lines: those not yet known counted in one statement, on all DuckDB's threads. */
    private Map<String, Long> lines(List<DataFile> files, long deadline) {
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
        }, deadline);
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
        Field parsed = EventStore.facetField(field, size);
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

    /** The datasets directory, once it exists (the sink makes it with its first file), must be readable. */
    @Override
    public Optional<String> problem() {
        if (java.nio.file.Files.exists(datasetsDir) && !java.nio.file.Files.isReadable(datasetsDir)) {
            return Optional.of(datasetsDir + " is not readable");
        }
        return Optional.empty();
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

    private static List<StoredEvent> events(ResultSet rows, Map<String, Long> starts) throws SQLException {
        List<StoredEvent> events = new ArrayList<>();
        while (rows.next()) {
            String file = rows.getString(2);
            events.add(new StoredEvent(rows.getLong(1), file, rows.getLong(3) - starts.get(file), rows.getString(4)));
        }
        return events;
    }

    @FunctionalInterface
    private interface Rows<T> {
        T read(ResultSet rows) throws SQLException;
    }

    private <T> T run(Sql sql, Rows<T> reader) {
        return run(sql, reader, System.nanoTime() + timeout.toNanos());
    }

    /**
     * Runs a statement on a connection of its own, with an alarm that interrupts it at the deadline
     * ({@link System#nanoTime()}).
     */
    private <T> T run(Sql sql, Rows<T> reader, long deadline) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            throw new QueryTimeoutException(timeout, null);
        }
        AtomicBoolean expired = new AtomicBoolean();
        try (Connection connection = database.duplicate();
             PreparedStatement statement = connection.prepareStatement(sql.text())) {
            bind(connection, statement, sql.params());
            ScheduledFuture<?> alarm = alarms.schedule(() -> cancel(statement, expired), left, TimeUnit.NANOSECONDS);
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
