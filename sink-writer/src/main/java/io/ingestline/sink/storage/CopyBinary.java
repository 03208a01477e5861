package io.ingestline.sink.storage;

import com.fasterxml.jackson.databind.JsonNode;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.math.BigDecimal;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;

/**
 * Rows in {@code COPY}'s binary format, written into a buffer handed on when full: {@code time, id, event,
 * kafka_partition, kafka_offset} and the typed columns. PostgreSQL then reads no text for any column but the event's
 * JSON (a {@code jsonb} in binary is a version byte and the same text, a {@code json} the text alone), the id and the
 * text columns: the time is microseconds since 2000, the numbers are big-endian, and nothing is escaped, so the event's
 * bytes go in as they are.
 *
 * <p>Times are within the years 1 to 9999, far inside a {@code long} of microseconds: the writer sends events timed
 * outside them to the dead letters, and {@link TypedColumn#text} leaves such a typed time null.
 *
 * <p>What is stored is what {@link CopyText}'s text would store (the tests load both and compare the tables): a
 * typed column's value is the binary form of what PostgreSQL's text input makes of {@link TypedColumn#text}'s text
 * ({@link #typed}), written straight from the parsed value where that is the same value without the text
 * ({@link #direct}: integers, booleans, short floats, nulls).
 */
final class CopyBinary extends CopyBuffer {
    /** The signature, the flags (no OIDs) and an empty header extension. */
    private static final byte[] HEADER = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xFF, '\r', '\n', 0, 0, 0, 0, 0,
        0, 0, 0, 0};
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle SHORT = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.BIG_ENDIAN);
    /** Milliseconds from 1970 to 2000-01-01, PostgreSQL's epoch. */
    private static final long PG_EPOCH_MS = 946_684_800_000L;
    /** The version byte before a {@code jsonb}'s text. */
    private static final byte JSONB_VERSION = 1;
    /** Powers of ten held exactly by a double. */
    private static final double[] POW10 = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13,
        1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
    /** Room made at a row's start: its field count and time (14 bytes), and more (any piece up to this size fits). */
    private static final int FIXED = 2 + 12 + 8 + 12;

    private final TypedFields typed;
    private final short fields;
    /** Whether the event column is {@code json} (its text alone) rather than {@code jsonb}. */
    private final boolean json;

    /**
     * @param capacity bytes held before they are handed on (at least 64)
     * @param typed    the table's typed columns, in the order of the {@code COPY}'s column list
     * @param json     whether the event column is {@code json} rather than {@code jsonb}
     */
    CopyBinary(Out out, int capacity, List<TypedColumn> typed, boolean json) {
        this(out, capacity, typed, true, json);
    }

    CopyBinary(Out out, int capacity, List<TypedColumn> typed) {
        this(out, capacity, typed, true, false);
    }

    private CopyBinary(Out out, int capacity, List<TypedColumn> typed, boolean header, boolean json) {
        super(out, capacity, 64);
        this.json = json;
        this.typed = typed.isEmpty() ? null : new TypedFields(typed);
        this.fields = (short) (TypedColumn.BASE.size() + typed.size());
        if (header) {
            System.arraycopy(HEADER, 0, buf, 0, HEADER.length);
            size = HEADER.length;
        }
    }

    /**
     * An encoder of rows alone, without the data's header ({@link BinaryRows}: rows held to be sent later), the event
     * as {@code jsonb}.
     */
    static CopyBinary rows(Out out, int capacity, List<TypedColumn> typed) {
        return rows(out, capacity, typed, false);
    }

    /** The same, the event as {@code json} when {@code json} is true. */
    static CopyBinary rows(Out out, int capacity, List<TypedColumn> typed, boolean json) {
        return new CopyBinary(out, capacity, typed, false, json);
    }

    @Override
    void row(SinkRecord r) throws SQLException {
        row(r.eventTimeMs(), r.key(), r.value(), 0, r.value().length, r.partition(), r.position());
    }

    /** A row of an event whose JSON is {@code value[off, off + len)}. */
    void row(long timeMs, byte[] key, byte[] value, int off, int len, int partition, long position)
            throws SQLException {
        room(FIXED);
        SHORT.set(buf, size, fields);
        size += 2;
        int64((timeMs - PG_EPOCH_MS) * 1000);
        bytes(key);
        if (json) {
            room(4);
            INT.set(buf, size, len);
            size += 4;
            raw(value, off, off + len);
        } else {
            jsonb(value, off, len);
        }
        room(24);
        int32(partition);
        int64(position);
        if (typed != null) {
            JsonNode[] values = typed.read(value, off, len);
            List<TypedColumn> columns = typed.columns();
            for (int i = 0; i < values.length; i++) {
                room(12);
                if (!direct(columns.get(i), values[i])) {
                    typed(columns.get(i), columns.get(i).text(values[i]));
                }
            }
        }
    }

    /**
     * Whether the last row's event was plain ({@link TypedFields#wasPlain}): false when the table has no typed
     * columns (its events are not read).
     */
    boolean wasPlain() {
        return typed != null && typed.wasPlain();
    }

    /** Ends the data with the trailer and hands on what is held. */
    @Override
    void finish() throws SQLException {
        room(2);
        SHORT.set(buf, size, (short) -1);
        size += 2;
        flush();
    }

    /**
     * Writes the value straight from the node where it is what {@link #typed} makes of its text, without the text: an
     * integer the column's type holds, a short float, a boolean, a missing value or JSON null; false (nothing
     * written) for any other. {@code CopyLoadsRandomizedIT} compares every value with the text path's. Room for 12
     * bytes made by the caller.
     */
    private boolean direct(TypedColumn c, JsonNode v) {
        if (v == null || v.isNull()) {
            missing();
            return true;
        }
        switch (c.pgType()) {
            case "integer" -> {
                if (!v.isInt()) {
                    return false;
                }
                int32(v.intValue());
            }
            case "bigint" -> {
                if (!v.isInt() && !v.isLong()) {
                    return false;
                }
                int64(v.longValue());
            }
            case "double precision" -> {
                // a float of at most 15 digits and 22 decimals: both its digits and the power of ten are exact
                // doubles, so their quotient is the double nearest to the decimal, as the text's parse gives
                BigDecimal d = v.isBigDecimal() ? v.decimalValue() : null;
                if (d == null || d.scale() < 0 || d.scale() >= POW10.length || d.precision() > 15) {
                    return false;
                }
                int64(Double.doubleToRawLongBits(d.unscaledValue().longValue() / POW10[d.scale()]));
            }
            case "boolean" -> {
                if (!v.isBoolean()) {
                    return false;
                }
                bool(v.booleanValue());
            }
            default -> {
                return false;
            }
        }
        return true;
    }

    /**
     * A typed column's value from its text as {@link CopyText} sends it: the binary form of what PostgreSQL's input
     * function makes of that text. Integers and booleans are the text's own; a double the text's nearest, as both
     * Java and PostgreSQL ({@code strtod}) round; a time {@link Instant#toString()}'s, rounded to microseconds as
     * PostgreSQL rounds its fraction ({@code rint} of the fraction's nearest double times a million); {@code jsonb}
     * the version byte and the text; text its UTF-8.
     */
    private void typed(TypedColumn c, String text) throws SQLException {
        if (text == null) {
            missing();
            return;
        }
        switch (c.pgType()) {
            case "integer" -> int32(Integer.parseInt(text));
            case "bigint" -> int64(Long.parseLong(text));
            case "double precision" -> int64(Double.doubleToRawLongBits(Double.parseDouble(text)));
            case "boolean" -> bool(Boolean.parseBoolean(text));
            case "timestamp with time zone" -> int64(micros(Instant.parse(text)));
            case "jsonb" -> {
                byte[] json = text.getBytes(StandardCharsets.UTF_8);
                jsonb(json, 0, json.length);
            }
            default -> bytes(text.getBytes(StandardCharsets.UTF_8));
        }
    }

    /**
     * An instant as PostgreSQL's text input takes {@link Instant#toString()}: whole seconds, and the fraction as
     * {@code rint(strtod(".fraction") * 1e6)} (the quotient below is that nearest double: both exact decimals).
     */
    private static long micros(Instant t) {
        return (t.getEpochSecond() - PG_EPOCH_MS / 1000) * 1_000_000L + (long) Math.rint(t.getNano() / 1e9 * 1e6);
    }

    /** A four-byte value with its length (room made by the caller, as for the ones below). */
    private void int32(int v) {
        INT.set(buf, size, 4);
        INT.set(buf, size + 4, v);
        size += 8;
    }

    private void bool(boolean v) {
        INT.set(buf, size, 1);
        buf[size + 4] = (byte) (v ? 1 : 0);
        size += 5;
    }

    /** SQL null: the length -1 and no bytes. */
    private void missing() {
        INT.set(buf, size, -1);
        size += 4;
    }

    /** An eight-byte value with its length (room made by the caller). */
    private void int64(long v) {
        INT.set(buf, size, 8);
        LONG.set(buf, size + 4, v);
        size += 12;
    }

    /** A {@code jsonb}: its version byte, then the JSON text {@code json[off, off + len)}. */
    private void jsonb(byte[] json, int off, int len) throws SQLException {
        room(5);
        INT.set(buf, size, len + 1);
        buf[size + 4] = JSONB_VERSION;
        size += 5;
        raw(json, off, off + len);
    }

    private void bytes(byte[] b) throws SQLException {
        room(4);
        INT.set(buf, size, b.length);
        size += 4;
        raw(b, 0, b.length);
    }
}
