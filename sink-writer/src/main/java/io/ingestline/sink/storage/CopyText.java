package io.ingestline.sink.storage;

import com.fasterxml.jackson.databind.JsonNode;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

/**
 * Rows in {@code COPY}'s text format, written straight from the events' UTF-8 bytes into a buffer handed on when
 * full: {@code time, id, event, kafka_partition, kafka_offset} and the typed columns, tab-separated; backslash, tab,
 * newline and carriage return escaped (all ASCII, so never inside a multi-byte character), found eight bytes at a
 * time and the runs between them copied at once; the time as {@link Instant#toString()} writes it; a missing value
 * as {@code \N}.
 */
final class CopyText extends CopyBuffer {
    /** The bytes {@code COPY} escapes: backslash, tab, newline, carriage return. */
    private static final boolean[] SPECIAL = new boolean[256];
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long ALL_ONE = 0x0101010101010101L;
    private static final long ALL_HIGH = 0x8080808080808080L;
    private static final long ALL_BACKSLASH = ALL_ONE * '\\';
    private static final long ALL_TAB = ALL_ONE * '\t';
    private static final long ALL_NEWLINE = ALL_ONE * '\n';
    private static final long ALL_RETURN = ALL_ONE * '\r';
    /** The longest fixed piece written at once: a time (30 bytes at most) or a {@code long}. */
    private static final int PIECE = 32;
    /** Milliseconds of 0000-01-01 and of 10000-01-01 (years {@link Instant#toString()} writes with 4 digits). */
    private static final long FIRST_MS = -62_167_219_200_000L;
    private static final long END_MS = 253_402_300_800_000L;

    static {
        SPECIAL['\\'] = true;
        SPECIAL['\t'] = true;
        SPECIAL['\n'] = true;
        SPECIAL['\r'] = true;
    }

    private final TypedFields typed;

    /**
     * @param capacity bytes held before they are handed on (at least 64)
     * @param typed    the table's typed columns, in the order of the {@code COPY}'s column list
     */
    CopyText(Out out, int capacity, List<TypedColumn> typed) {
        super(out, capacity, 2 * PIECE);
        this.typed = typed.isEmpty() ? null : new TypedFields(typed);
    }

    /** Writes one event's row, its newline included. */
    @Override
    void row(SinkRecord r) throws SQLException {
        room(PIECE);
        time(r.eventTimeMs());
        buf[size++] = '\t';
        escaped(r.key());
        room(PIECE);
        buf[size++] = '\t';
        escaped(r.value());
        room(2 * PIECE);
        buf[size++] = '\t';
        number(r.partition());
        buf[size++] = '\t';
        number(r.position());
        if (typed != null) {
            JsonNode[] values = typed.read(r.value());
            List<TypedColumn> columns = typed.columns();
            for (int i = 0; i < values.length; i++) {
                String v = columns.get(i).text(values[i]);
                room(3);
                buf[size++] = '\t';
                if (v == null) {
                    buf[size++] = '\\';
                    buf[size++] = 'N';
                } else {
                    escaped(v.getBytes(StandardCharsets.UTF_8));
                }
            }
        }
        room(1);
        buf[size++] = '\n';
    }

    private void escaped(byte[] b) throws SQLException {
        int run = 0;
        int i = 0;
        // eight bytes at a time while none is special (most of them), then byte by byte through the eight
        for (int last = b.length - Long.BYTES; i <= last; i += Long.BYTES) {
            if (special((long) LONGS.get(b, i))) {
                for (int k = i; k < i + Long.BYTES; k++) {
                    if (SPECIAL[b[k] & 0xFF]) {
                        run = escape(b, run, k);
                    }
                }
            }
        }
        for (; i < b.length; i++) {
            if (SPECIAL[b[i] & 0xFF]) {
                run = escape(b, run, i);
            }
        }
        raw(b, run, b.length);
    }

    /** Whether one of the eight bytes is special: a zero byte in one of the four XORs (the exact test for one). */
    private static boolean special(long x) {
        return (zero(x ^ ALL_BACKSLASH) | zero(x ^ ALL_TAB) | zero(x ^ ALL_NEWLINE) | zero(x ^ ALL_RETURN)) != 0;
    }

    /** Non-zero when one of the eight bytes is zero. */
    private static long zero(long v) {
        return (v - ALL_ONE) & ~v & ALL_HIGH;
    }

    /** Copies the run before the special byte at {@code at}, then its escape; returns where the next run starts. */
    private int escape(byte[] b, int run, int at) throws SQLException {
        raw(b, run, at);
        room(2);
        buf[size++] = '\\';
        buf[size++] = switch (b[at]) {
            case '\t' -> (byte) 't';
            case '\n' -> (byte) 'n';
            case '\r' -> (byte) 'r';
            default -> (byte) '\\';
        };
        return at + 1;
    }

    /** A number's decimal digits (room for them made by the caller). */
    private void number(long v) {
        if (v == Long.MIN_VALUE) {
            ascii(Long.toString(v));
            return;
        }
        if (v < 0) {
            buf[size++] = '-';
            v = -v;
        }
        int digits = 1;
        for (long x = v; x >= 10; x /= 10) {
            digits++;
        }
        for (int i = size + digits - 1; i >= size; i--) {
            buf[i] = (byte) ('0' + v % 10);
            v /= 10;
        }
        size += digits;
    }

    /**
     * The time as {@link Instant#toString()} writes it ({@code 2026-12-05T06:01:02.345Z}, the fraction left out when
     * zero): directly for years 0 to 9999, through it for the others (room made by the caller).
     */
    private void time(long ms) {
        if (ms < FIRST_MS || ms >= END_MS) {
            ascii(Instant.ofEpochMilli(ms).toString());
            return;
        }
        long day = Math.floorDiv(ms, 86_400_000L);
        int msOfDay = (int) (ms - day * 86_400_000L);
        LocalDate date = LocalDate.ofEpochDay(day);
        digits(date.getYear(), 4);
        buf[size++] = '-';
        digits(date.getMonthValue(), 2);
        buf[size++] = '-';
        digits(date.getDayOfMonth(), 2);
        buf[size++] = 'T';
        int seconds = msOfDay / 1000;
        digits(seconds / 3600, 2);
        buf[size++] = ':';
        digits(seconds / 60 % 60, 2);
        buf[size++] = ':';
        digits(seconds % 60, 2);
        if (msOfDay % 1000 != 0) {
            buf[size++] = '.';
            digits(msOfDay % 1000, 3);
        }
        buf[size++] = 'Z';
    }

    private void digits(int v, int width) {
        for (int i = size + width - 1; i >= size; i--) {
            buf[i] = (byte) ('0' + v % 10);
            v /= 10;
        }
        size += width;
    }

    private void ascii(String s) {
        for (int i = 0; i < s.length(); i++) {
            buf[size++] = (byte) s.charAt(i);
        }
    }
}
