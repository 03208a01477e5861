package io.ingestline.query.store;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedDeque;

/**
 * Searches the tables the PostgreSQL sink writes ({@code <schema>.<dataset>}, see {@link PostgresEventSql}). Each call
 * runs one statement in a read-only transaction on a connection of its own (kept for the next call when it ends well);
 * PostgreSQL's {@code statement_timeout} stops a statement past the store's time limit and the call throws
 * {@link QueryTimeoutException}. A dataset without a table yet has no events.
 *
 * <p>A {@link StoredEvent} of this store: {@code timeMicros} is the row's {@code time} (the event's {@code _time} to
 * the millisecond, as the sink stores it), {@code file} the Kafka partition the sink read it from (in decimal),
 * {@code line} its offset there, {@code json} the {@code jsonb}'s text.
 */
public final class PostgresEventStore implements EventStore {
    /** Connections kept between calls; more callers at once open more, closed when they end. */
    private static final int MAX_IDLE = 8;
    private static final String QUERY_CANCELED = "57014";
    private static final String UNDEFINED_TABLE = "42P01";
    private static final String CONNECTION_EXCEPTION = "08";

    /**
     * @param url      JDBC URL ({@code jdbc:postgresql://...})
     * @param user     user name; reading the dataset tables is all it needs
     * @param password password (may be empty)
     * @param schema   the schema the sink writes to
     * @param timeout  the longest a statement may run (1 ms or more)
     */
    public record Settings(String url, String user, String password, String schema, Duration timeout) {
        public Settings {
            Objects.requireNonNull(url, "url");
            Objects.requireNonNull(schema, "schema");
            if (timeout == null || timeout.toMillis() < 1) {
                throw new IllegalArgumentException("the timeout must be 1 ms or more: " + timeout);
            }
        }

        @Override
        public String toString() {
            return "Settings[url=" + url + ", user=" + user + ", schema=" + schema + ", timeout=" + timeout + "]";
        }
    }

    private final Settings settings;
    private final Deque<Connection> idle = new ConcurrentLinkedDeque<>();
    private volatile boolean closed;

    /** Connects once, to fail at start-up rather than at the first search when the database is not fit. */
    public PostgresEventStore(Settings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
        Connection first = connect();
        release(first, true);
    }

    @Override
    public Page search(Search search) {
        Page none = new Page(List.of(), Optional.empty());
        return run(PostgresEventSql.page(settings.schema(), search), rows -> page(rows, search.size()), none, true);
    }

    @Override
    public long count(Search search) {
        return run(PostgresEventSql.count(settings.schema(), search), rows -> rows.next() ? rows.getLong(1) : 0L, 0L);
    }

    @Override
    public List<FieldCount> fields(Search search) {
        List<FieldCount> fields = run(PostgresEventSql.fields(settings.schema(), search), rows -> {
            List<FieldCount> out = new ArrayList<>();
            while (rows.next()) {
                out.add(new FieldCount(FieldName.of((String[]) rows.getArray(1).getArray()), rows.getLong(2)));
            }
            return out;
        }, List.of());
        return fields.stream().sorted(Comparator.comparingLong(FieldCount::count).reversed()
                .thenComparing(FieldCount::name)).toList();
    }

    @Override
    public List<ValueCount> facet(Search search, String field, int size) {
        io.ingestline.query.lang.Field parsed = EventStore.facetField(field, size);
        return run(PostgresEventSql.facet(settings.schema(), search, parsed, size), rows -> {
            List<ValueCount> out = new ArrayList<>();
            while (rows.next()) {
                out.add(new ValueCount(rows.getString(1), rows.getLong(2)));
            }
            return out;
        }, List.of());
    }

    /** The database answers a trivial statement (a connection of the store's own, so a broken one is dropped). */
    @Override
    public Optional<String> problem() {
        try {
            run(new Sql().append("SELECT 1"), rows -> rows.next(), false);
            return Optional.empty();
        } catch (RuntimeException e) {
            return Optional.of(String.valueOf(e.getMessage()));
        }
    }

    private static Page page(ResultSet rows, int size) throws SQLException {
        List<StoredEvent> events = new ArrayList<>();
        long bytes = 0;
        while (rows.next()) {
            if (events.size() == size) {
                return new Page(events, Optional.of(events.get(size - 1).cursor()));
            }
            long micros = PostgresEventSql.micros(rows.getObject(1, OffsetDateTime.class));
            StoredEvent e = new StoredEvent(micros, Integer.toString(rows.getInt(2)), rows.getLong(3), rows.getString(4));
            bytes += e.bytes();
            if (bytes > Page.MAX_BYTES && !events.isEmpty()) {
                return new Page(events, Optional.of(events.get(events.size() - 1).cursor()));
            }
            events.add(e);
        }
        return new Page(events, Optional.empty());
    }

    @FunctionalInterface
    private interface Rows<T> {
        T read(ResultSet rows) throws SQLException;
    }

    /** Runs a statement in a read-only transaction; {@code noTable} is the answer when the dataset has no table. */
    private <T> T run(Sql sql, Rows<T> reader, T noTable) {
        return run(sql, reader, noTable, false);
    }

    /**
     * {@code streamed}: rows arrive 256 at a time (the transaction is open), so a page is bounded by its byte limit,
     * not by what the driver would buffer. Only pages are: PostgreSQL runs a statement read through a cursor without
     * parallel workers, and a count, the fields or a facet answer few rows.
     */
    private <T> T run(Sql sql, Rows<T> reader, T noTable, boolean streamed) {
        Connection connection = borrow();
        try (PreparedStatement statement = connection.prepareStatement(sql.text())) {
            if (streamed) {
                statement.setFetchSize(256);
            }
            bind(statement, sql.params());
            try (ResultSet rows = statement.executeQuery()) {
                return reader.read(rows);
            }
        } catch (SQLException e) {
            if (QUERY_CANCELED.equals(e.getSQLState())) {
                throw new QueryTimeoutException(settings.timeout(), e);
            }
            if (UNDEFINED_TABLE.equals(e.getSQLState())) {
                return noTable;
            }
            if (e.getSQLState() != null && e.getSQLState().startsWith(CONNECTION_EXCEPTION)) {
                // the server went away (a restart): the kept connections are as dead as this one
                closeIdle();
            }
            throw new StoreException("the search failed: " + e.getMessage(), e);
        } finally {
            release(connection, rollback(connection));
        }
    }

    /** Ends the read-only transaction; false when the connection is no longer usable. */
    private static boolean rollback(Connection connection) {
        try {
            connection.rollback();
            return true;
        } catch (SQLException e) {
            return false;
        }
    }

    private Connection borrow() {
        if (closed) {
            throw new IllegalStateException("the store is closed");
        }
        Connection connection = idle.pollFirst();
        return connection != null ? connection : connect();
    }

    private void release(Connection connection, boolean reusable) {
        if (reusable && idle.size() < MAX_IDLE) {
            idle.offerFirst(connection);
            // a close() meanwhile either took it from the deque (and closed it) or leaves it to be closed here
            if (!closed || !idle.remove(connection)) {
                return;
            }
        }
        close(connection);
    }

    /**
     * A connection whose transactions are read-only, with the statement time limit, on a UTF-8 database whose
     * PostgreSQL has ICU (the case folding and letters of {@link PostgresQuerySql}).
     */
    private Connection connect() {
        Connection connection = null;
        try {
            connection = DriverManager.getConnection(settings.url(), settings.user(), settings.password());
            try (Statement statement = connection.createStatement()) {
                statement.execute("SET statement_timeout = " + settings.timeout().toMillis());
                // A page is a top-N in the order index's order. With sorting allowed, the planner, which guesses a
                // regex or JSON path condition to be rare, scans the whole range and sorts it (433 ms for a page of a
                // common phrase over 200,000 rows, 6 ms by the index); without, it walks the index and stops at the
                // page's end (its worst case, a term no row has, reads the range through the index: 954 ms against
                // 427 ms for the parallel scan). A count sorts nothing either way.
                statement.execute("SET enable_sort = off");
                try (ResultSet rows = statement.executeQuery("SELECT current_setting('server_encoding'), EXISTS "
                        + "(SELECT 1 FROM pg_collation WHERE collname = 'und-x-icu')")) {
                    rows.next();
                    if (!"UTF8".equals(rows.getString(1)) || !rows.getBoolean(2)) {
                        throw new StoreException("the PostgreSQL store needs a UTF8 database and PostgreSQL built with "
                                + "ICU (collation und-x-icu); this one is " + rows.getString(1)
                                + (rows.getBoolean(2) ? "" : " without ICU"), null);
                    }
                }
            }
            connection.setAutoCommit(false);
            connection.setReadOnly(true);
            return connection;
        } catch (SQLException e) {
            close(connection);
            throw new StoreException("cannot connect to PostgreSQL at " + settings.url() + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            close(connection);
            throw e;
        }
    }

    private static void bind(PreparedStatement statement, List<Object> params) throws SQLException {
        for (int i = 0; i < params.size(); i++) {
            Object value = params.get(i);
            if (value instanceof Long number) {
                statement.setLong(i + 1, number);
            } else if (value instanceof Integer number) {
                statement.setInt(i + 1, number);
            } else if (value instanceof BigDecimal number) {
                statement.setBigDecimal(i + 1, number);
            } else if (value instanceof OffsetDateTime time) {
                statement.setObject(i + 1, time);
            } else {
                statement.setString(i + 1, (String) value);
            }
        }
    }

    private static void close(Connection connection) {
        if (connection == null) {
            return;
        }
        try {
            connection.close();
        } catch (SQLException ignored) {
            // closing a connection that broke: nothing else to release
        }
    }

    @Override
    public void close() {
        closed = true;
        closeIdle();
    }

    private void closeIdle() {
        for (Connection connection = idle.pollFirst(); connection != null; connection = idle.pollFirst()) {
            close(connection);
        }
    }
}
