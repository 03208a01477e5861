package io.ingestline.model;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

/**
 * The common datetime shapes read and written without {@code java.time.format}, which costs microseconds per value
 * (the edge reads each event's time, the validator reads and writes several datetimes per event). Reading gives
 * exactly what the general paths of {@link EventTime#parse(String)} and of the {@code kql} module's
 * {@code Values.parseDateTime} give, or null to let those paths decide (differential tests in both modules check
 * this); writing gives Kusto's datetime text for years 0 to 9999.
 */
public final class IsoTimes {
    private IsoTimes() {
    }

    /**
     * {@code yyyy-MM-ddTHH:mm:ss[.f{1,9}](Z|±HH:MM)} or, without a zone (UTC), {@code yyyy-MM-dd(T| )HH:mm:ss[.f{1,9}]};
     * null for anything else, including out-of-range fields.
     */
    public static Instant parse(String s) {
        int n = s.length();
        if (n < 19 || s.charAt(4) != '-' || s.charAt(7) != '-' || s.charAt(13) != ':' || s.charAt(16) != ':') {
            return null;
        }
        char sep = s.charAt(10);
        if (sep != 'T' && sep != ' ') {
            return null;
        }
        int year = digits(s, 0, 4);
        int month = digits(s, 5, 2);
        int day = digits(s, 8, 2);
        int hour = digits(s, 11, 2);
        int minute = digits(s, 14, 2);
        int second = digits(s, 17, 2);
        if ((year | month | day | hour | minute | second) < 0) {
            return null;
        }
        int i = 19;
        int nanos = 0;
        if (i < n && s.charAt(i) == '.') {
            int start = ++i;
            while (i < n && i - start < 9 && isDigit(s.charAt(i))) {
                nanos = nanos * 10 + (s.charAt(i) - '0');
                i++;
            }
            int count = i - start;
            if (count == 0 || i < n && isDigit(s.charAt(i))) {
                return null;
            }
            for (int k = count; k < 9; k++) {
                nanos *= 10;
            }
        }
        int offsetSeconds;
        if (i == n) {
            offsetSeconds = 0;
        } else if (sep != 'T') {
            return null;
        } else if (s.charAt(i) == 'Z' && i + 1 == n) {
            offsetSeconds = 0;
        } else if ((s.charAt(i) == '+' || s.charAt(i) == '-') && i + 6 == n && s.charAt(i + 3) == ':') {
            int oh = digits(s, i + 1, 2);
            int om = digits(s, i + 4, 2);
            if ((oh | om) < 0 || oh > 18 || om > 59) {
                return null;
            }
            offsetSeconds = (oh * 3600 + om * 60) * (s.charAt(i) == '-' ? -1 : 1);
            if (Math.abs(offsetSeconds) > 18 * 3600) {
                return null;
            }
        } else {
            return null;
        }
        try {
            long epoch = LocalDateTime.of(year, month, day, hour, minute, second)
                    .toEpochSecond(offsetSeconds == 0 ? ZoneOffset.UTC : ZoneOffset.ofTotalSeconds(offsetSeconds));
            return Instant.ofEpochSecond(epoch, nanos);
        } catch (DateTimeException e) {
            return null;
        }
    }

    /** {@code yyyy-MM-ddTHH:mm:ss[.fffffff]Z} at 100 ns, trailing zeros cut; null outside years 0 to 9999. */
    public static String format(Instant i) {
        long seconds = i.getEpochSecond();
        int ticks = i.getNano() / 100;
        LocalDateTime t = LocalDateTime.ofEpochSecond(seconds, 0, ZoneOffset.UTC);
        if (t.getYear() < 0 || t.getYear() > 9999) {
            return null;
        }
        StringBuilder b = new StringBuilder(28);
        pad(b, t.getYear(), 4).append('-');
        pad(b, t.getMonthValue(), 2).append('-');
        pad(b, t.getDayOfMonth(), 2).append('T');
        pad(b, t.getHour(), 2).append(':');
        pad(b, t.getMinute(), 2).append(':');
        pad(b, t.getSecond(), 2);
        if (ticks != 0) {
            int digits = 7;
            while (ticks % 10 == 0) {
                ticks /= 10;
                digits--;
            }
            b.append('.');
            pad(b, ticks, digits);
        }
        return b.append('Z').toString();
    }

    /**
     * What {@link Instant#toString()} gives ({@code yyyy-MM-ddTHH:mm:ss[.SSS|.SSSSSS|.SSSSSSSSS]Z}) for years 0 to
     * 9999, without {@code java.time.format}; null outside those years.
     */
    public static String formatInstant(Instant i) {
        long seconds = i.getEpochSecond();
        int nanos = i.getNano();
        long days = Math.floorDiv(seconds, 86_400L);
        int secondOfDay = (int) Math.floorMod(seconds, 86_400L);
        if (days < -719_528L || days > 2_932_896L) { // 0000-01-01 .. 9999-12-31
            return null;
        }
        LocalDate date = LocalDate.ofEpochDay(days);
        char[] c = new char[30];
        put(c, 0, date.getYear(), 4);
        c[4] = '-';
        put(c, 5, date.getMonthValue(), 2);
        c[7] = '-';
        put(c, 8, date.getDayOfMonth(), 2);
        c[10] = 'T';
        put(c, 11, secondOfDay / 3600, 2);
        c[13] = ':';
        put(c, 14, secondOfDay / 60 % 60, 2);
        c[16] = ':';
        put(c, 17, secondOfDay % 60, 2);
        int n = 19;
        if (nanos != 0) {
            c[n++] = '.';
            if (nanos % 1_000_000 == 0) {
                put(c, n, nanos / 1_000_000, 3);
                n += 3;
            } else if (nanos % 1000 == 0) {
                put(c, n, nanos / 1000, 6);
                n += 6;
            } else {
                put(c, n, nanos, 9);
                n += 9;
            }
        }
        c[n++] = 'Z';
        return new String(c, 0, n);
    }

    private static void put(char[] c, int at, int value, int width) {
        for (int k = at + width - 1; k >= at; k--) {
            c[k] = (char) ('0' + value % 10);
            value /= 10;
        }
    }

    private static StringBuilder pad(StringBuilder b, int value, int width) {
        String v = Integer.toString(value);
        for (int k = v.length(); k < width; k++) {
            b.append('0');
        }
        return b.append(v);
    }

    private static int digits(String s, int from, int count) {
        int v = 0;
        for (int k = from; k < from + count; k++) {
            char c = s.charAt(k);
            if (!isDigit(c)) {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }
}
