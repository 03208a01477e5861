package io.ingestline.sink.storage;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import com.fasterxml.jackson.databind.JsonNode;
import io.ingestline.model.DatasetRecord;
import io.ingestline.model.StepCpu;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PostgreSQL, exactly once: each dataset gets a table (created on first use) partitioned by day on its time column,
 * {@code (time timestamptz, id text, event jsonb, kafka_partition integer, kafka_offset bigint)} ({@code event json}
 * with {@link EventType#JSON}: only what {@code jsonb} would take goes in, {@link #refuseRows}), with the index
 * {@code <table>$order} on {@code (time, kafka_partition, kafka_offset)}: the query service's order, a total one
 * ({@code kafka_offset} is the event's position, {@link SinkRecord#position}: its record's offset and its index in
 * that record, so the Kafka partition and position name one stored event, exactly once; rows stored before records
 * held several events have the plain offset), so a time-bounded page of searches is a range
 * scan of that index. Each event is encoded as a row of {@code COPY}'s binary format ({@link CopyBinary}) when it is
 * written ({@link BinaryRows}); a commit loads the partitions' rows with {@code COPY}, straight into each day's
 * partition, and moves its row in {@code <schema>.sink_offsets} in the same transaction, after checking that the row
 * still says where this worker started (a worker that lost its partition to another one finds it moved and rolls
 * back, so no event is stored twice). Opening a partition reads that row: reading resumes exactly after what is stored.
 *
 * <p>A value PostgreSQL refuses (for example a {@code \u0000} escape, which {@code jsonb} does not take; into a
 * {@code json} column such events are refused before the {@code COPY}) fails the {@code COPY}; the batch is then
 * loaded row by row, each in a savepoint, and the refused rows go to the dead
 * letters with PostgreSQL's message. An event whose time is outside the years 1 to 9999 goes to the dead letters too
 * (PostgreSQL's date input takes no year 0 or before without a BC, and the partitions' names hold 8-digit days).
 * Daily partitions older than the retention are dropped.
 */
public final class PostgresStorageWriter implements StorageWriter {
    private static final Logger LOG = LoggerFactory.getLogger(PostgresStorageWriter.class);
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyyMMdd");
    /** Heap a buffered record costs beside its bytes (the record, its arrays' headers, the list slot). */
    private static final int RECORD_OVERHEAD = 96;
    private static final long DAY_MS = 86_400_000L;
    /** Milliseconds of 0001-01-01 and of 10000-01-01. */
    private static final long FIRST_MS = -62_135_596_800_000L;
    private static final long END_MS = 253_402_300_800_000L;
    /** Bytes of {@code COPY} data handed to the driver at once. */
    private static final int COPY_CHUNK = 64 * 1024;

    /**
     * @param url           JDBC URL
     * @param user          user name
     * @param password      password (may be empty)
     * @param schema        schema holding the tables
     * @param retentionDays days of data kept (0: all)
     * @param maxBufferBytes buffered bytes at which a commit is due
     * @param load          how rows are loaded
     * @param eventType     the event column's type in the tables it creates (a table keeps the type it has)
     */
    public record Settings(String url, String user, String password, String schema, int retentionDays,
            long maxBufferBytes, Load load, EventType eventType) {
        /** Settings whose new tables hold the event as {@code jsonb}. */
        public Settings(String url, String user, String password, String schema, int retentionDays,
                long maxBufferBytes, Load load) {
            this(url, user, password, schema, retentionDays, maxBufferBytes, load, EventType.JSONB);
        }

        @Override
        public String toString() {
            return "Settings[url=" + url + ", user=" + user + ", schema=" + schema + ", retentionDays=" + retentionDays
                    + ", maxBufferBytes=" + maxBufferBytes + ", load=" + load.setting() + ", eventType="
                    + eventType.setting() + "]";
        }
    }

    /**
     * The event column's type. {@code jsonb} is parsed into PostgreSQL's binary form as it is stored: reading fields is
     * quick, and its text is PostgreSQL's (keys sorted, duplicates dropped, its spacing). {@code json} keeps the
     * event's text as it came (PostgreSQL only checks its syntax): storing costs PostgreSQL about a third less CPU,
     * and each query that reads fields parses the text again ({@code event::jsonb}). The writer keeps in a {@code json}
     * column only what {@code jsonb} would take too ({@link JsonbRisk}), so that such reads never fail.
     */
    public enum EventType {
        JSONB("jsonb"),
        JSON("json");

        private final String setting;

        EventType(String setting) {
            this.setting = setting;
        }

        /** Its name in {@code INGEST_PG_EVENT_TYPE}, and PostgreSQL's. */
        public String setting() {
            return setting;
        }

        /** The type of that name, or null. */
        public static EventType of(String setting) {
            for (EventType t : values()) {
                if (t.setting.equals(setting)) {
                    return t;
                }
            }
            return null;
        }
    }

    /** How rows are loaded: the two others are kept to compare with (benchmarks, and the tests' reference). */
    public enum Load {
        /** {@code COPY} in its binary format ({@link CopyBinary}): the least work for PostgreSQL. */
        COPY("copy"),
        /** {@code COPY} in its text format ({@link CopyText}). */
        COPY_TEXT("copy-text"),
        /** Batched {@code INSERT} statements. */
        INSERT("insert");

        private final String setting;

        Load(String setting) {
            this.setting = setting;
        }

        /** Its name in {@code INGEST_PG_LOAD}. */
        public String setting() {
            return setting;
        }

        /** The load of that name, or null. */
        public static Load of(String setting) {
            for (Load l : values()) {
                if (l.setting.equals(setting)) {
                    return l;
                }
            }
            return null;
        }
    }

    private final Settings settings;
    private final String group;
    private final Rejects rejects;
    private final Function<String, Map<String, String>> columnsOf;
    /** Per table, its typed columns as they are in the database: name to PostgreSQL type. */
    private final Map<String, Map<String, String>> present = new HashMap<>();
    private final Connection db;
    private final Map<DatasetPartition, Buffer> buffers = new HashMap<>();
    /** Bytes of every buffer: events' keys and values, and what holding one costs. */
    private long buffered;
    /** Tables and daily partitions known to exist. */
    private final Set<String> known = new HashSet<>();
    /** Of those daily partitions, the ones seen attached to their dataset's table: loaded straight into. */
    private final Set<String> attached = new HashSet<>();
    /** Commits whose {@code COPY} failed and that were loaded row by row (for the tests). */
    private long rowByRow;
    private long lastRetention;
    /** The arrays of the partitions' rows (binary {@code COPY}), kept from one commit to the next. */
    private final BinaryRows.Chunks chunks;
    /** Per dataset, the typed columns its rows are encoded with ({@link #rowColumns}). */
    private final Map<String, RowColumns> rowColumns = new HashMap<>();
    /** Counts the changes to {@link #present}. */
    private long presentVersion;
    /** Per table, its event column's type, read when this writer first loads into it (or made by it). */
    private final Map<String, EventType> eventTypes = new HashMap<>();
    /** Whether the database's encoding is UTF-8 (which <code>&#92;u</code> escapes {@code jsonb} takes hangs on it). */
    private final boolean utf8;

    /**
     * A partition's events since its last commit, and what its offset row says now (null: no row yet). With binary
     * {@code COPY} the events are rows, encoded as they are written, and {@code records} holds only the events timed
     * outside the years 1 to 9999 (sent to the dead letters at the commit); with the other loads, every event is in
     * {@code records}.
     */
    private static final class Buffer {
        Long stored;
        final List<SinkRecord> records = new ArrayList<>();
        final BinaryRows rows;
        long bytes;

        Buffer(Long stored, BinaryRows rows) {
            this.stored = stored;
            this.rows = rows;
        }

        boolean isEmpty() {
            return records.isEmpty() && (rows == null || rows.rows() == 0);
        }

        /** Empties it after a commit, or before it is dropped (its rows' arrays go back to the pool). */
        void clear(Long stored) {
            this.stored = stored;
            records.clear();
            if (rows != null) {
                rows.clear();
            }
            bytes = 0;
        }
    }

    public PostgresStorageWriter(Settings settings, String group, Rejects rejects) {
        this(settings, group, rejects, dataset -> Map.of());
    }

    /**
     * @param columnsOf a dataset's typed columns (name to Kusto type), stored beside the event as columns of their
     *                  PostgreSQL type ({@link TypedColumn})
     */
    public PostgresStorageWriter(Settings settings, String group, Rejects rejects,
            Function<String, Map<String, String>> columnsOf) {
        this.settings = settings;
        this.group = group;
        this.rejects = rejects;
        this.columnsOf = columnsOf;
        this.chunks = new BinaryRows.Chunks(settings.maxBufferBytes());
        try {
            this.db = DriverManager.getConnection(settings.url(), settings.user(), settings.password());
            db.setAutoCommit(false);
            try (Statement s = db.createStatement()) {
                // the daily partitions' bounds are dates, read in the session's time zone: UTC, as their names
                s.execute("SET TimeZone = 'UTC'");
                s.execute("CREATE SCHEMA IF NOT EXISTS " + quote(settings.schema()));
                s.execute("CREATE TABLE IF NOT EXISTS " + offsetsTable() + " (consumer_group text NOT NULL, "
                        + "dataset text NOT NULL, kafka_partition int NOT NULL, next_offset bigint NOT NULL, "
                        + "updated_at timestamptz NOT NULL DEFAULT now(), "
                        + "PRIMARY KEY (consumer_group, dataset, kafka_partition))");
                try (ResultSet rs = s.executeQuery("SHOW server_encoding")) {
                    utf8 = rs.next() && "UTF8".equalsIgnoreCase(rs.getString(1));
                }
            }
            db.commit();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot prepare PostgreSQL at " + settings.url() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public Map<DatasetPartition, Long> open(Collection<DatasetPartition> partitions, int generation) {
        Map<DatasetPartition, Long> resume = new HashMap<>();
        try (PreparedStatement q = db.prepareStatement("SELECT next_offset FROM " + offsetsTable()
                + " WHERE consumer_group = ? AND dataset = ? AND kafka_partition = ?")) {
            for (DatasetPartition dp : partitions) {
                q.setString(1, group);
                q.setString(2, dp.dataset());
                q.setInt(3, dp.partition());
                try (ResultSet rs = q.executeQuery()) {
                    Long next = rs.next() ? rs.getLong(1) : null;
                    drop(buffers.put(dp, new Buffer(next,
                            settings.load() == Load.COPY ? new BinaryRows(chunks) : null)));
                    if (next != null) {
                        resume.put(dp, next);
                    }
                }
            }
            db.commit();
        } catch (SQLException e) {
            rollback();
            throw new IllegalStateException("cannot read sink offsets: " + e.getMessage(), e);
        }
        return resume;
    }

    @Override
    public void write(SinkRecord r) {
        Buffer b = buffer(r.datasetPartition());
        long bytes;
        if (b.rows != null && storableTime(r.eventTimeMs())) {
            bytes = b.rows.add(rowColumns(r.dataset()), rowsAsJson(r.dataset()), r.eventTimeMs(), r.key(), r.value(),
                    0, r.value().length, r.partition(), r.position());
        } else {
            b.records.add(r);
            bytes = RECORD_OVERHEAD + r.key().length + r.value().length;
        }
        b.bytes += bytes;
        buffered += bytes;
    }

    /** With binary {@code COPY}, each event becomes a row straight from the record's bytes (no record of its own). */
    @Override
    public void write(DatasetPartition dp, long offset, DatasetRecord.Events events) {
        Buffer b = buffer(dp);
        if (b.rows == null) {
            StorageWriter.super.write(dp, offset, events);
            return;
        }
        List<TypedColumn> typed = rowColumns(dp.dataset());
        boolean asJson = rowsAsJson(dp.dataset());
        long bytes = 0;
        for (int i = 0; i < events.count(); i++) {
            long time = events.time(i);
            if (storableTime(time)) {
                bytes += b.rows.add(typed, asJson, time, StorageWriter.key(dp, offset, events.id(i)), events.value(),
                        events.start(i), events.end(i) - events.start(i), dp.partition(),
                        DatasetRecord.position(offset, i));
            } else {
                SinkRecord r = StorageWriter.record(dp, offset, events, i);
                b.records.add(r);
                bytes += RECORD_OVERHEAD + r.key().length + r.value().length;
            }
        }
        b.bytes += bytes;
        buffered += bytes;
    }

    /**
     * Whether a dataset's rows are encoded for a {@code json} event column: its table's type once a commit knows it,
     * else the setting's (what a new table gets). A wrong guess costs the commit a copy of each row without the version
     * byte ({@code jsonb} rows into {@code json}) or their encoding again (the other way).
     */
    private boolean rowsAsJson(String dataset) {
        EventType type = eventTypes.get(tableName(dataset));
        return (type != null ? type : settings.eventType()) == EventType.JSON;
    }

    private Buffer buffer(DatasetPartition dp) {
        Buffer b = buffers.get(dp);
        if (b == null) {
            throw new IllegalStateException("partition " + dp + " is not open");
        }
        return b;
    }

    @Override
    public boolean commitDue() {
        return buffered >= settings.maxBufferBytes();
    }

    @Override
    public void commit(Map<DatasetPartition, Long> next, Fence fence) {
        Map<DatasetPartition, Buffer> committing = new LinkedHashMap<>();
        next.forEach((dp, n) -> {
            Buffer b = buffers.get(dp);
            if (b != null && !b.isEmpty()) {
                committing.put(dp, b);
            }
        });
        if (committing.isEmpty()) {
            return;
        }
        Plan plan = new Plan();
        try {
            claim(committing, next);
            List<SinkRecord> all = new ArrayList<>();
            committing.values().forEach(b -> b.records.forEach(r -> {
                if (storableTime(r.eventTimeMs())) {
                    all.add(r);
                } else {
                    rejects.reject(r, "the event's time " + Instant.ofEpochMilli(r.eventTimeMs())
                            + " is outside the years 1 to 9999, which the PostgreSQL backend stores");
                }
            }));
            // with binary COPY, the rows (all is then empty: its records were only the events timed out of range)
            boolean rows = settings.load() == Load.COPY;
            ensureTables(days(all, rows ? committing : Map.of()), plan);
            Map<DatasetPartition, BitSet> refused = rows ? refuseRows(committing, plan) : Map.of();
            if (!rows) {
                refuseRecords(all, plan);
            }
            Savepoint beforeLoad = db.setSavepoint();
            try {
                if (rows) {
                    copyRows(committing, refused, plan);
                } else if (settings.load() == Load.INSERT) {
                    insertBatched(all, plan);
                } else {
                    copy(all, plan);
                }
            } catch (SQLException loadFailed) {
                db.rollback(beforeLoad);
                rowByRow++;
                List<SinkRecord> each = rows ? records(committing, refused) : all;
                LOG.warn("loading {} events failed ({}); loading them one by one", each.size(),
                        loadFailed.getMessage());
                insertOneByOne(each, plan);
            }
            rejects.flush();
            db.commit();
        } catch (SQLException e) {
            rollback();
            throw new IllegalStateException("cannot store events in PostgreSQL: " + e.getMessage(), e);
        }
        known.addAll(plan.created);
        attached.addAll(plan.attached);
        eventTypes.putAll(plan.eventTypes);
        plan.columns.forEach((table, cols) -> cols.forEach(c -> learn(table, c.name(), c.pgType())));
        plan.others.forEach((table, cols) -> cols.forEach((name, type) -> learn(table, name, type)));
        committing.forEach((dp, b) -> {
            buffered -= b.bytes;
            b.clear(next.get(dp));
        });
        maybeDropOldPartitions();
        fence.commit(next);
    }

    /** Remembers a column's type in PostgreSQL; the rows' columns are chosen again when one changed. */
    private void learn(String table, String column, String pgType) {
        if (!pgType.equals(present.computeIfAbsent(table, t -> new HashMap<>()).put(column, pgType))) {
            presentVersion++;
        }
    }

    /**
     * The typed columns to encode a dataset's rows with: the rules' as they are now, less those its table has with
     * another type, as {@link #typedColumns} will choose them at the commit (unless the rules or the table change in
     * between: the commit then encodes those rows again). The same list while neither changes.
     */
    private List<TypedColumn> rowColumns(String dataset) {
        Map<String, String> wanted = columnsOf.apply(dataset);
        RowColumns c = rowColumns.get(dataset);
        if (c == null || c.wanted != wanted || c.version != presentVersion) {
            Map<String, String> there = present.getOrDefault(tableName(dataset), Map.of());
            List<TypedColumn> columns = new ArrayList<>();
            for (TypedColumn t : TypedColumn.of(wanted)) {
                String type = there.get(t.name());
                if (type == null || type.equals(t.pgType())) {
                    columns.add(t);
                }
            }
            c = new RowColumns(wanted, presentVersion, List.copyOf(columns));
            rowColumns.put(dataset, c);
        }
        return c.columns;
    }

    /** A dataset's row columns, and the rules' columns (that map, as given) and the table's version they are of. */
    private record RowColumns(Map<String, String> wanted, long version, List<TypedColumn> columns) {
    }

    /** Moves each partition's offset row, checking it still says where this worker started; else rolls back. */
    private void claim(Map<DatasetPartition, Buffer> committing, Map<DatasetPartition, Long> next) throws SQLException {
        try (PreparedStatement read = db.prepareStatement("SELECT next_offset FROM " + offsetsTable()
                + " WHERE consumer_group = ? AND dataset = ? AND kafka_partition = ? FOR UPDATE");
                PreparedStatement update = db.prepareStatement("UPDATE " + offsetsTable()
                        + " SET next_offset = ?, updated_at = now() WHERE consumer_group = ? AND dataset = ? "
                        + "AND kafka_partition = ?");
                PreparedStatement insert = db.prepareStatement("INSERT INTO " + offsetsTable()
                        + " (consumer_group, dataset, kafka_partition, next_offset) VALUES (?, ?, ?, ?)")) {
            for (Map.Entry<DatasetPartition, Buffer> e : committing.entrySet()) {
                DatasetPartition dp = e.getKey();
                Long expected = e.getValue().stored;
                read.setString(1, group);
                read.setString(2, dp.dataset());
                read.setInt(3, dp.partition());
                Long stored = null;
                try (ResultSet rs = read.executeQuery()) {
                    if (rs.next()) {
                        stored = rs.getLong(1);
                    }
                }
                if (!java.util.Objects.equals(stored, expected)) {
                    throw new SQLException("partition " + dp + " moved on: stored offset " + stored
                            + ", this worker started at " + (expected != null ? expected : "no stored offset")
                            + " (another worker owns it now)");
                }
                if (stored == null) {
                    insert.setString(1, group);
                    insert.setString(2, dp.dataset());
                    insert.setInt(3, dp.partition());
                    insert.setLong(4, next.get(dp));
                    insert.executeUpdate();
                } else {
                    update.setLong(1, next.get(dp));
                    update.setString(2, group);
                    update.setString(3, dp.dataset());
                    update.setInt(4, dp.partition());
                    update.executeUpdate();
                }
            }
        }
    }

    /**
     * Loads the records with one text {@code COPY} per dataset and day ({@link Load#COPY_TEXT}), as {@link #copyRows}
     * loads rows.
     */
    private void copy(List<SinkRecord> records, Plan plan) throws SQLException {
        TimedCopy load = new TimedCopy();
        for (Map.Entry<String, List<SinkRecord>> e : byDataset(records).entrySet()) {
            List<TypedColumn> typed = plan.columns.getOrDefault(tableName(e.getKey()), List.of());
            for (Map.Entry<Long, List<SinkRecord>> day : byDay(e.getValue()).entrySet()) {
                day.getValue().sort(ORDER);
                copyDay(load, e.getKey(), day.getKey(), typed, plan, false, false, out -> {
                    for (SinkRecord r : day.getValue()) {
                        out.row(r);
                    }
                });
            }
        }
    }

    /** Writes a {@code COPY}'s rows. */
    @FunctionalInterface
    private interface CopyRows {
        void write(CopyBuffer out) throws SQLException;
    }

    /**
     * One {@code COPY} into a dataset's day, of the rows {@code rows} writes. With {@link StepCpu} on, this thread's
     * CPU goes to two steps inside the worker's commit: writing the data ({@code sink.encode}) and the driver's calls
     * that start, send and end the {@code COPY} ({@code sink.load}).
     */
    private void copyDay(TimedCopy load, String dataset, long day, List<TypedColumn> typed, Plan plan, boolean binary,
            boolean json, CopyRows rows) throws SQLException {
        load.encoded();
        load.in = db.unwrap(PGConnection.class).getCopyAPI().copyIn(copySql(dataset, day, typed, plan, binary));
        try {
            load.loaded();
            CopyBuffer out = binary ? new CopyBinary(load, COPY_CHUNK, typed, json)
                    : new CopyText(load, COPY_CHUNK, typed);
            rows.write(out);
            out.finish();
            load.encoded();
            load.in.endCopy();
            load.loaded();
        } finally {
            if (load.in.isActive()) {
                load.in.cancelCopy();
            }
        }
    }

    /**
     * {@code COPY} into a dataset's day: straight into the day's partition when it is this table's; else through the
     * table, which routes.
     */
    private String copySql(String dataset, long epochDay, List<TypedColumn> typed, Plan plan, boolean binary) {
        LocalDate date = LocalDate.ofEpochDay(epochDay);
        String name = partitionName(tableName(dataset), date);
        String into = attached.contains(name) || plan.attached.contains(name) ? partition(dataset, date)
                : table(dataset);
        return "COPY " + into + " (" + columnList(typed) + ") FROM STDIN" + (binary ? " (FORMAT binary)" : "");
    }

    /**
     * Loads the partitions' rows ({@link BinaryRows}) with one binary {@code COPY} per dataset and day, straight into
     * the day's partition (PostgreSQL then checks each row against the partition's bounds instead of routing it
     * through the parent table), the rows of all the dataset's partitions in the order index's order
     * ({@link RowOrder}). A row goes as it was encoded when its typed columns are the table's, else its event is read
     * back and encoded again. With {@link StepCpu} on, sorting and copying the rows count as {@code sink.encode} (the
     * encoding itself is in the worker's write step), the driver's calls as {@code sink.load}.
     */
    private void copyRows(Map<DatasetPartition, Buffer> committing, Map<DatasetPartition, BitSet> refused, Plan plan)
            throws SQLException {
        TimedCopy load = new TimedCopy();
        Map<String, List<DatasetPartition>> byDataset = new LinkedHashMap<>();
        committing.forEach((dp, b) -> {
            if (b.rows.rows() > 0) {
                byDataset.computeIfAbsent(dp.dataset(), d -> new ArrayList<>()).add(dp);
            }
        });
        for (Map.Entry<String, List<DatasetPartition>> e : byDataset.entrySet()) {
            String dataset = e.getKey();
            List<TypedColumn> typed = plan.columns.getOrDefault(tableName(dataset), List.of());
            boolean json = plan.eventType(tableName(dataset)) == EventType.JSON;
            List<DatasetPartition> dps = new ArrayList<>(e.getValue());
            dps.sort(java.util.Comparator.comparingInt(DatasetPartition::partition));
            BinaryRows[] parts = new BinaryRows[dps.size()];
            BitSet[] skip = new BitSet[parts.length];
            for (int k = 0; k < parts.length; k++) {
                parts[k] = committing.get(dps.get(k)).rows;
                skip[k] = refused.get(dps.get(k));
            }
            RowOrder order = RowOrder.of(parts);
            for (int from = 0; from < order.size(); ) {
                long day = Math.floorDiv(order.time(from), DAY_MS);
                int to = from;
                while (to < order.size() && Math.floorDiv(order.time(to), DAY_MS) == day) {
                    to++;
                }
                int first = from;
                int last = to;
                copyDay(load, dataset, day, typed, plan, true, json, out -> {
                    List<TypedColumn> layout = null;
                    boolean same = false;
                    for (int at = first; at < last; at++) {
                        int part = order.part(at);
                        BinaryRows rows = parts[part];
                        int i = order.row(at);
                        if (skip[part] != null && skip[part].get(i)) {
                            continue;
                        }
                        if (rows.layout(i) != layout) {
                            layout = rows.layout(i);
                            same = layout.equals(typed);
                        }
                        if (same && json) {
                            rows.copyAsJson(i, out);
                        } else if (same && !rows.json(i)) {
                            rows.copy(i, out);
                        } else {
                            // another layout, or encoded for json and the table's jsonb (made so after the guess)
                            out.row(rows.record(dataset, dps.get(order.part(at)).partition(), i));
                        }
                    }
                });
                from = to;
            }
        }
    }

    /**
     * The partitions' rows read back as records, in each partition's order (to load them one by one), less the ones
     * refused already.
     */
    private static List<SinkRecord> records(Map<DatasetPartition, Buffer> committing,
            Map<DatasetPartition, BitSet> refused) {
        List<SinkRecord> out = new ArrayList<>();
        committing.forEach((dp, b) -> {
            BitSet skip = refused.get(dp);
            for (int i = 0; i < b.rows.rows(); i++) {
                if (skip == null || !skip.get(i)) {
                    out.add(b.rows.record(dp.dataset(), dp.partition(), i));
                }
            }
        });
        return out;
    }

    /**
     * Of the rows bound for {@code json} columns, the ones {@code jsonb} refuses, each sent to the dead letters with
     * PostgreSQL's message: only the rows {@link JsonbRisk} doubts are asked about. Per partition, the rows refused.
     */
    private Map<DatasetPartition, BitSet> refuseRows(Map<DatasetPartition, Buffer> committing, Plan plan)
            throws SQLException {
        Map<DatasetPartition, BitSet> out = new HashMap<>();
        for (Map.Entry<DatasetPartition, Buffer> e : committing.entrySet()) {
            DatasetPartition dp = e.getKey();
            BinaryRows rows = e.getValue().rows;
            if (plan.eventType(tableName(dp.dataset())) != EventType.JSON) {
                continue;
            }
            for (int i = 0; i < rows.rows(); i++) {
                if (rows.jsonbRisk(i, utf8)) {
                    SinkRecord r = rows.record(dp.dataset(), dp.partition(), i);
                    String refusal = jsonbRefusal(r);
                    if (refusal != null) {
                        out.computeIfAbsent(dp, x -> new BitSet()).set(i);
                        rejects.reject(r, refusal);
                    }
                }
            }
        }
        return out;
    }

    /** As {@link #refuseRows}, for records: the refused ones are taken out of the list. */
    private void refuseRecords(List<SinkRecord> records, Plan plan) throws SQLException {
        for (java.util.Iterator<SinkRecord> it = records.iterator(); it.hasNext(); ) {
            SinkRecord r = it.next();
            if (plan.eventType(tableName(r.dataset())) == EventType.JSON
                    && JsonbRisk.risky(r.value(), 0, r.value().length, utf8)) {
                String refusal = jsonbRefusal(r);
                if (refusal != null) {
                    it.remove();
                    rejects.reject(r, refusal);
                }
            }
        }
    }

    /**
     * PostgreSQL's answer to the event as {@code jsonb}: null when it takes it, else why not (as a dead letter says).
     * Only a refusal of the value ({@link #refusal}) is one; any other failure fails the commit, which is tried again.
     */
    private String jsonbRefusal(SinkRecord r) throws SQLException {
        Savepoint sp = db.setSavepoint();
        try (PreparedStatement q = db.prepareStatement("SELECT CAST(? AS jsonb) IS NULL")) {
            q.setString(1, new String(r.value(), StandardCharsets.UTF_8));
            q.executeQuery().close();
            db.releaseSavepoint(sp);
            return null;
        } catch (SQLException e) {
            db.rollback(sp);
            if (!refusal(e)) {
                throw e;
            }
            return "PostgreSQL refused the event: " + e.getMessage();
        }
    }

    /**
     * Whether PostgreSQL's error refuses the row's own values, so that it would refuse the same row again: a data
     * exception (SQLSTATE class 22: broken JSON, a <code>&#92;u0000</code>, a number out of range), an integrity
     * constraint (class 23: no partition for its time, a check an operator added), a program limit (class 54: a
     * nesting too deep, a value too large) or an operator's trigger raising an error (class P0). Any other failure is
     * not the event's (a cancel or a statement timeout, 57; the connection, 08; a lock or serialization failure, 40
     * and 55; a privilege or a column changed under the sink, 42; resources, 53; an internal error, XX): it fails the
     * commit, which is tried again, and never sends a valid event to the dead letters (a row that alone outlasts the
     * statement timeout each time would stall its partition, which the sink's stall check reports).
     */
    static boolean refusal(SQLException e) {
        String state = e.getSQLState();
        return state != null && (state.startsWith("22") || state.startsWith("23") || state.startsWith("54")
                || state.startsWith("P0"));
    }

    /** The days each dataset's events fall on: of the records, and of the buffers' rows. */
    private static Map<String, Set<Long>> days(List<SinkRecord> records, Map<DatasetPartition, Buffer> rows) {
        Map<String, Set<Long>> out = new LinkedHashMap<>();
        for (SinkRecord r : records) {
            out.computeIfAbsent(r.dataset(), d -> new HashSet<>()).add(Math.floorDiv(r.eventTimeMs(), DAY_MS));
        }
        rows.forEach((dp, b) -> {
            if (b.rows.rows() == 0) {
                return; // only events timed out of range: no table needed for them
            }
            Set<Long> days = out.computeIfAbsent(dp.dataset(), d -> new HashSet<>());
            long last = Long.MIN_VALUE;
            for (int i = 0; i < b.rows.rows(); i++) {
                long day = Math.floorDiv(b.rows.time(i), DAY_MS);
                if (day != last) {
                    days.add(day);
                    last = day;
                }
            }
        });
        return out;
    }

    /**
     * The order index's order: rows loaded in it go mostly to the index's rightmost leaf, which PostgreSQL inserts
     * into without descending the tree (events arrive in Kafka's order, their times seconds apart at random). In
     * interleaved runs it took PostgreSQL's CPU from 8.8 to 8.2 us an event at 50,000/s and from 10.3-10.6 to 8.5-9.6
     * flooded, for 0.4 us of the sink's with a chained comparator (this one compares the fields itself).
     */
    private static final java.util.Comparator<SinkRecord> ORDER = (a, b) -> {
        int c = Long.compare(a.eventTimeMs(), b.eventTimeMs());
        if (c == 0) {
            c = Integer.compare(a.partition(), b.partition());
        }
        return c != 0 ? c : Long.compare(a.position(), b.position());
    };

    private static Map<Long, List<SinkRecord>> byDay(List<SinkRecord> records) {
        Map<Long, List<SinkRecord>> out = new LinkedHashMap<>();
        for (SinkRecord r : records) {
            out.computeIfAbsent(Math.floorDiv(r.eventTimeMs(), DAY_MS), d -> new ArrayList<>()).add(r);
        }
        return out;
    }

    /** Whether an event's time is within the years 1 to 9999, whose days the daily partitions can hold. */
    static boolean storableTime(long ms) {
        return ms >= FIRST_MS && ms < END_MS;
    }

    /** A {@code COPY}'s data into the driver, each step's CPU timed when {@link StepCpu} is on. */
    private static final class TimedCopy implements CopyBuffer.Out {
        CopyIn in;
        private long clock = StepCpu.ENABLED ? StepCpu.now() : 0;

        @Override
        public void write(byte[] bytes, int length) throws SQLException {
            encoded();
            in.writeToCopy(bytes, 0, length);
            loaded();
        }

        /** Ends an encode step: its CPU since the last step ended. */
        void encoded() {
            if (StepCpu.ENABLED) {
                clock = StepCpu.addInner(StepCpu.Step.SINK_ENCODE, clock);
            }
        }

        void loaded() {
            if (StepCpu.ENABLED) {
                clock = StepCpu.addInner(StepCpu.Step.SINK_LOAD, clock);
            }
        }
    }

    /** Batched INSERT statements (the driver rewrites them into multi-row ones with reWriteBatchedInserts=true). */
    private void insertBatched(List<SinkRecord> records, Plan plan) throws SQLException {
        for (Map.Entry<String, List<SinkRecord>> e : byDataset(records).entrySet()) {
            List<TypedColumn> typed = plan.columns.getOrDefault(tableName(e.getKey()), List.of());
            try (PreparedStatement s = db.prepareStatement(insertSql(e.getKey(), typed, plan))) {
                TypedFields fields = new TypedFields(typed);
                int n = 0;
                for (SinkRecord r : e.getValue()) {
                    bind(s, r, fields);
                    s.addBatch();
                    if (++n % 1000 == 0) {
                        s.executeBatch();
                    }
                }
                s.executeBatch();
            }
        }
    }

    private String insertSql(String dataset, List<TypedColumn> typed, Plan plan) {
        StringBuilder b = new StringBuilder("INSERT INTO ").append(table(dataset)).append(" (")
                .append(columnList(typed)).append(") VALUES (?, ?, ?::")
                .append(plan.eventType(tableName(dataset)).setting())
                .append(", ?, ?");
        typed.forEach(c -> b.append(", ?::").append(c.pgType()));
        return b.append(')').toString();
    }

    private static void bind(PreparedStatement s, SinkRecord r, TypedFields typed) throws SQLException {
        s.setObject(1, Instant.ofEpochMilli(r.eventTimeMs()).atOffset(ZoneOffset.UTC));
        s.setString(2, r.id());
        s.setString(3, new String(r.value(), StandardCharsets.UTF_8));
        s.setInt(4, r.partition());
        s.setLong(5, r.position());
        if (!typed.columns().isEmpty()) {
            JsonNode[] values = typed.read(r.value());
            for (int i = 0; i < values.length; i++) {
                s.setString(6 + i, typed.columns().get(i).text(values[i]));
            }
        }
    }

    private static String columnList(List<TypedColumn> typed) {
        StringBuilder b = new StringBuilder("time, id, event, kafka_partition, kafka_offset");
        typed.forEach(c -> b.append(", ").append(quote(c.name())));
        return b.toString();
    }

    private static Map<String, List<SinkRecord>> byDataset(List<SinkRecord> records) {
        Map<String, List<SinkRecord>> out = new LinkedHashMap<>();
        for (SinkRecord r : records) {
            out.computeIfAbsent(r.dataset(), d -> new ArrayList<>()).add(r);
        }
        return out;
    }

    private void insertOneByOne(List<SinkRecord> records, Plan plan) throws SQLException {
        for (SinkRecord r : records) {
            Savepoint sp = db.setSavepoint();
            List<TypedColumn> typed = plan.columns.getOrDefault(tableName(r.dataset()), List.of());
            try (PreparedStatement s = db.prepareStatement(insertSql(r.dataset(), typed, plan))) {
                bind(s, r, new TypedFields(typed));
                s.executeUpdate();
                db.releaseSavepoint(sp);
            } catch (SQLException e) {
                db.rollback(sp);
                if (!refusal(e)) {
                    throw e;
                }
                rejects.reject(r, "PostgreSQL refused the event: " + e.getMessage());
            }
        }
    }

    /** What a commit creates and writes: remembered once it commits. */
    private static final class Plan {
        final Set<String> created = new HashSet<>();
        /** Daily partitions seen attached to their dataset's table. */
        final Set<String> attached = new HashSet<>();
        /** Per table, the typed columns this commit writes. */
        final Map<String, List<TypedColumn>> columns = new HashMap<>();
        /** Per table this commit loads into, its event column's type. */
        final Map<String, EventType> eventTypes = new HashMap<>();

        EventType eventType(String table) {
            return eventTypes.getOrDefault(table, EventType.JSONB);
        }
        /** Per table, the columns found with another type than the rules say (name to PostgreSQL's type). */
        final Map<String, Map<String, String>> others = new HashMap<>();
    }

    /**
     * The datasets' tables, their typed columns and the daily partitions of the days given (per dataset), created
     * when missing, in the transaction; {@code plan} collects what to remember once it commits and the typed columns
     * to write.
     */
    private void ensureTables(Map<String, Set<Long>> days, Plan plan) throws SQLException {
        try (Statement s = db.createStatement()) {
            for (Map.Entry<String, Set<Long>> e : days.entrySet()) {
                String dataset = e.getKey();
                String table = tableName(dataset);
                if (!plan.columns.containsKey(table)) {
                    if (!known.contains(table)) {
                        s.execute("CREATE TABLE IF NOT EXISTS " + table(dataset) + " (time timestamptz NOT NULL, "
                                + "id text NOT NULL, event " + settings.eventType().setting() + " NOT NULL, "
                                + "kafka_partition integer NOT NULL, kafka_offset bigint NOT NULL) PARTITION BY "
                                + "RANGE (time)");
                        addOrder(s, dataset, table);
                        plan.created.add(table);
                        present.put(table, presentColumns(table));
                    }
                    plan.columns.put(table, typedColumns(s, dataset, table, plan));
                    EventType type = eventTypes.get(table);
                    plan.eventTypes.put(table, type != null ? type : eventTypeOf(table));
                }
                for (long epochDay : e.getValue()) {
                    LocalDate day = LocalDate.ofEpochDay(epochDay);
                    String partition = partitionName(table, day);
                    if (!known.contains(partition) && plan.created.add(partition)) {
                        s.execute("CREATE TABLE IF NOT EXISTS " + partition(dataset, day) + " PARTITION OF "
                                + table(dataset) + " FOR VALUES FROM ('" + date(day) + "') TO ('"
                                + date(day.plusDays(1)) + "')");
                        if (attachedTo(partition, table)) {
                            plan.attached.add(partition);
                        } else {
                            LOG.warn("{}: a table named as its partition for {} is not one of its partitions (another "
                                    + "dataset's table, or detached); its events are loaded through {}", table, day,
                                    table);
                        }
                    }
                }
            }
        }
    }

    /**
     * The columns and index of the query service's order, when missing: a new table has the columns, and a table made
     * before them gets them (-1 in its old rows, which then tie). Checked in the catalog first, so that a table that
     * has them is not locked by DDL while another worker loads into it.
     */
    private void addOrder(Statement s, String dataset, String table) throws SQLException {
        if (!exists("SELECT 1 FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON "
                + "n.oid = c.relnamespace WHERE n.nspname = ? AND c.relname = ? AND a.attname = 'kafka_offset' "
                + "AND NOT a.attisdropped", table)) {
            s.execute("ALTER TABLE " + table(dataset) + " ADD COLUMN IF NOT EXISTS kafka_partition integer NOT NULL "
                    + "DEFAULT -1, ADD COLUMN IF NOT EXISTS kafka_offset bigint NOT NULL DEFAULT -1");
        }
        if (!exists("SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = ? "
                + "AND c.relname = ?", orderIndex(table))) {
            s.execute("CREATE INDEX IF NOT EXISTS " + quote(orderIndex(table)) + " ON " + table(dataset)
                    + " (time, kafka_partition, kafka_offset)");
        }
    }

    /**
     * Whether the table of that name is a partition of {@code table} (a dataset's name may hold {@code _p} and
     * digits, and an operator may detach a partition: such a table is not loaded straight into).
     */
    private boolean attachedTo(String partition, String table) throws SQLException {
        try (PreparedStatement q = db.prepareStatement("SELECT 1 FROM pg_inherits i JOIN pg_class c ON c.oid = "
                + "i.inhrelid JOIN pg_class p ON p.oid = i.inhparent JOIN pg_namespace n ON n.oid = c.relnamespace "
                + "AND n.oid = p.relnamespace WHERE n.nspname = ? AND c.relname = ? AND p.relname = ?")) {
            q.setString(1, settings.schema());
            q.setString(2, partition);
            q.setString(3, table);
            try (ResultSet rs = q.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** Commits loaded row by row since this writer started, after their {@code COPY} failed. */
    long rowByRowCommits() {
        return rowByRow;
    }

    /** The index of the query service's order: {@code $} is in no dataset's name, so no table can take its name. */
    static String orderIndex(String table) {
        return table + "$order";
    }

    private boolean exists(String sql, String name) throws SQLException {
        try (PreparedStatement q = db.prepareStatement(sql)) {
            q.setString(1, settings.schema());
            q.setString(2, name);
            try (ResultSet rs = q.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** The dataset's typed columns to write, adding the missing ones; a column whose type changed is left alone. */
    private List<TypedColumn> typedColumns(Statement s, String dataset, String table, Plan plan) throws SQLException {
        Map<String, String> wanted = columnsOf.apply(dataset);
        if (wanted.isEmpty()) {
            return List.of();
        }
        Map<String, String> there = present.getOrDefault(table, Map.of());
        List<TypedColumn> out = new ArrayList<>();
        for (TypedColumn c : TypedColumn.of(wanted)) {
            String existing = there.get(c.name());
            boolean cached = existing != null;
            if (!cached) {
                s.execute("ALTER TABLE " + table(dataset) + " ADD COLUMN IF NOT EXISTS " + quote(c.name()) + " "
                        + c.pgType());
                // another writer may have added it first with another type: binary COPY must send the column's own
                existing = presentColumns(table).get(c.name());
            }
            if (!c.pgType().equals(existing)) {
                if (!cached) {
                    // remembered once this commits, so that it is said (and the table altered) once, not each commit
                    LOG.warn("{}: column {} is {} in PostgreSQL but the rules now say {}; it is no longer filled",
                            table, c.name(), existing, c.pgType());
                    plan.others.computeIfAbsent(table, t -> new HashMap<>()).put(c.name(), existing);
                }
                continue;
            }
            out.add(c);
        }
        return out;
    }

    /** A table's event column type as PostgreSQL has it ({@code jsonb} unless it is {@code json}). */
    private EventType eventTypeOf(String table) throws SQLException {
        try (PreparedStatement q = db.prepareStatement("SELECT format_type(a.atttypid, a.atttypmod) FROM pg_attribute a "
                + "JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE "
                + "n.nspname = ? AND c.relname = ? AND a.attname = 'event' AND NOT a.attisdropped")) {
            q.setString(1, settings.schema());
            q.setString(2, table);
            try (ResultSet rs = q.executeQuery()) {
                return rs.next() && "json".equals(rs.getString(1)) ? EventType.JSON : EventType.JSONB;
            }
        }
    }

    /** A table's typed columns as PostgreSQL has them (none for a new table). */
    private Map<String, String> presentColumns(String table) throws SQLException {
        Map<String, String> out = new HashMap<>();
        try (PreparedStatement q = db.prepareStatement("SELECT a.attname, format_type(a.atttypid, a.atttypmod) "
                + "FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON "
                + "n.oid = c.relnamespace WHERE n.nspname = ? AND c.relname = ? AND a.attnum > 0 AND NOT a.attisdropped")) {
            q.setString(1, settings.schema());
            q.setString(2, table);
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    if (!TypedColumn.BASE.contains(rs.getString(1))) {
                        out.put(rs.getString(1), rs.getString(2));
                    }
                }
            }
        }
        return out;
    }

    /** Drops daily partitions past the retention, at most once an hour. */
    private void maybeDropOldPartitions() {
        if (settings.retentionDays() <= 0 || System.currentTimeMillis() - lastRetention < 3_600_000L) {
            return;
        }
        lastRetention = System.currentTimeMillis();
        String cutoff = DAY.format(LocalDate.now(ZoneOffset.UTC).minusDays(settings.retentionDays()));
        try (PreparedStatement q = db.prepareStatement("SELECT c.relname FROM pg_inherits i JOIN pg_class c ON "
                + "c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent JOIN pg_namespace n ON n.oid = p.relnamespace "
                + "WHERE n.nspname = ? AND c.relkind = 'r'"); Statement drop = db.createStatement()) {
            q.setString(1, settings.schema());
            List<String> old = new ArrayList<>();
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    String name = rs.getString(1);
                    int at = name.lastIndexOf("_p");
                    if (at > 0 && name.length() == at + 10 && name.substring(at + 2).compareTo(cutoff) < 0) {
                        old.add(name);
                    }
                }
            }
            for (String name : old) {
                drop.execute("DROP TABLE IF EXISTS " + quote(settings.schema()) + "." + quote(name));
                known.remove(name);
                attached.remove(name);
                LOG.info("dropped partition {} (older than {} days)", name, settings.retentionDays());
            }
            db.commit();
        } catch (SQLException e) {
            rollback();
            LOG.warn("cannot apply retention: {}", e.getMessage());
        }
    }

    @Override
    public void release(Collection<DatasetPartition> partitions) {
        for (DatasetPartition dp : partitions) {
            drop(buffers.remove(dp));
        }
    }

    /** Forgets a partition's buffer (null: none), its rows' arrays going back to the pool. */
    private void drop(Buffer b) {
        if (b != null) {
            buffered -= b.bytes;
            b.clear(null);
        }
    }

    @Override
    public void close() {
        buffers.clear();
        buffered = 0;
        try {
            db.close();
        } catch (SQLException e) {
            LOG.debug("closing the connection: {}", e.getMessage());
        }
    }

    private void rollback() {
        try {
            db.rollback();
        } catch (SQLException e) {
            LOG.debug("rollback: {}", e.getMessage());
        }
    }

    private String offsetsTable() {
        return quote(settings.schema()) + ".sink_offsets";
    }

    private String table(String dataset) {
        return quote(settings.schema()) + "." + quote(tableName(dataset));
    }

    /** A dataset's partition of a day, schema-qualified and quoted. */
    private String partition(String dataset, LocalDate day) {
        return quote(settings.schema()) + "." + quote(partitionName(tableName(dataset), day));
    }

    /** A day as PostgreSQL's date input takes it ({@link LocalDate#toString()} writes year 10000 with a plus sign). */
    private static String date(LocalDate day) {
        return String.format(java.util.Locale.ROOT, "%04d-%02d-%02d", day.getYear(), day.getMonthValue(),
                day.getDayOfMonth());
    }

    private static String partitionName(String table, LocalDate day) {
        return table + "_p" + DAY.format(day);
    }

    /** The dataset's table name: the dataset itself, shortened with a hash where PostgreSQL's 63 bytes need it. */
    static String tableName(String dataset) {
        if (dataset.length() <= 50) {
            return dataset;
        }
        return dataset.substring(0, 40) + "_" + Integer.toHexString(dataset.hashCode());
    }

    static String quote(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }
}
