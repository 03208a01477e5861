package io.ingestline.query.store;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

/**
 * The PostgreSQL the tests use, found as the sink's tests find theirs: {@code INGEST_TEST_PG_URL} (default
 * {@code jdbc:postgresql://127.0.0.1:5432/postgres}, which {@code scripts/ensure-postgres.sh} starts before the
 * integration tests), {@code INGEST_TEST_PG_USER} (postgres), {@code INGEST_TEST_PG_PASSWORD} (empty). When it cannot
 * be reached the tests fail, saying so; they never pass without it.
 */
final class TestPostgres {
    static final String URL = env("INGEST_TEST_PG_URL", "jdbc:postgresql://127.0.0.1:5432/postgres");
    static final String USER = env("INGEST_TEST_PG_USER", "postgres");
    static final String PASSWORD = env("INGEST_TEST_PG_PASSWORD", "");

    private TestPostgres() {
    }

    private static String env(String name, String fallback) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? fallback : v;
    }

    static Connection connect() {
        try {
            return DriverManager.getConnection(URL, USER, PASSWORD);
        } catch (SQLException e) {
            throw new IllegalStateException("these tests need a PostgreSQL at " + URL + " (user " + USER + "): "
                    + e.getMessage() + ". Start the local one (scripts/ensure-postgres.sh) or point "
                    + "INGEST_TEST_PG_URL, INGEST_TEST_PG_USER and INGEST_TEST_PG_PASSWORD at another.", e);
        }
    }

    /** A fresh schema name for one test class. */
    static String uniqueSchema() {
        return "qs_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    }

    static void execute(String sql) {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The first column of the first row of a query's answer (null when none). */
    static String query(String sql) {
        try (Connection c = connect(); Statement s = c.createStatement(); java.sql.ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    static void dropSchema(String schema) {
        execute("DROP SCHEMA IF EXISTS \"" + schema + "\" CASCADE");
    }
}
