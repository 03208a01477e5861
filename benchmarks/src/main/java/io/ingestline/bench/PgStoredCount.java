package io.ingestline.bench;

import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;

/**
 * The rows of a run's acknowledged events in a dataset's PostgreSQL table, counted once the run is stored: all of
 * them and the distinct events among them, so that an event stored twice shows (its watcher, {@link PgStoredWatcher},
 * follows the sink's committed offsets and counts each event once whatever the table holds). Events carry
 * {@code run} and {@code seq} at the top of the stored JSON (as the Axiom dialect sends them).
 *
 * @param rows     rows of the acknowledged requests' events
 * @param distinct distinct events among them
 */
record PgStoredCount(long rows, long distinct) {
    /**
     * Counts in {@code schema.table} the rows of run {@code run} whose request (its first sequence number, a multiple
     * of {@code batch}) is one of {@code acked}.
     */
    static PgStoredCount of(String url, String user, String password, String schema, String table, String run,
            int batch, Collection<Long> acked) throws SQLException {
        String sql = "SELECT count(*), count(DISTINCT e.seq) FROM (SELECT (event->>'seq')::bigint AS seq FROM "
                + quote(schema) + "." + quote(table) + " WHERE event->>'run' = ?) e "
                + "JOIN unnest(?::bigint[]) AS a(first) ON e.seq - e.seq % ? = a.first";
        try (Connection c = DriverManager.getConnection(url, user, password);
                PreparedStatement s = c.prepareStatement(sql)) {
            Array firsts = c.createArrayOf("bigint", acked.toArray());
            s.setString(1, run);
            s.setArray(2, firsts);
            s.setInt(3, batch);
            try (ResultSet r = s.executeQuery()) {
                r.next();
                return new PgStoredCount(r.getLong(1), r.getLong(2));
            }
        }
    }

    private static String quote(String name) {
        return "\"" + name.replace("\"", "\"\"") + "\"";
    }
}
