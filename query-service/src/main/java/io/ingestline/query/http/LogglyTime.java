package io.ingestline.query.http;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Loggly's time parameters ({@code from}, {@code until}): {@code now}; relative to now, {@code -10m}, {@code -2h},
 * {@code -3d}, {@code -1w} (also {@code s}, and {@code -90 minutes} style long units); ISO 8601 with an offset
 * ({@code 2024-05-01T10:00:00Z}, {@code 2024-05-01T12:00:00.5+02:00}), without one (UTC), or a date alone (its
 * midnight, UTC); or epoch milliseconds (13 digits and more) or seconds (up to 12).
 */
public final class LogglyTime {
    /** The furthest relative time: 100 years (past it an amount is a mistake, not a question). */
    private static final long MAX_RELATIVE_SECONDS = 100L * 366 * 86_400;
    private static final Instant EARLIEST = Instant.EPOCH;
    private static final Instant LATEST = Instant.parse("9999-12-31T23:59:59Z");
    private static final Pattern RELATIVE = Pattern.compile(
            "([-+]?)([0-9]{1,12})\\s*(s|sec|secs|second|seconds|m|min|mins|minute|minutes|h|hr|hrs|hour|hours"
                    + "|d|day|days|w|week|weeks)");
    private static final Pattern EPOCH = Pattern.compile("[0-9]{1,19}");

    private LogglyTime() {
    }

    /** The instant {@code value} names, relative to {@code now}; throws {@link IllegalArgumentException} naming it. */
    public static Instant parse(String name, String value, Instant now) {
        String v = value.trim();
        if (v.equalsIgnoreCase("now")) {
            return now;
        }
        Matcher rel = RELATIVE.matcher(v.toLowerCase(java.util.Locale.ROOT));
        if (rel.matches()) {
            long seconds = Long.parseLong(rel.group(2)) * unitSeconds(rel.group(3));
            if (Long.parseLong(rel.group(2)) > MAX_RELATIVE_SECONDS || seconds > MAX_RELATIVE_SECONDS) {
                throw new IllegalArgumentException(name + "=" + value + ": more than 100 years from now");
            }
            return clamp(name, value, "+".equals(rel.group(1)) ? now.plusSeconds(seconds) : now.minusSeconds(seconds));
        }
        if (EPOCH.matcher(v).matches()) {
            long n;
            try {
                n = Long.parseLong(v);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(name + "=" + value + ": not a time");
            }
            return clamp(name, value, v.length() >= 13 ? Instant.ofEpochMilli(n) : Instant.ofEpochSecond(n));
        }
        return clamp(name, value, absolute(name, v));
    }

    private static Instant absolute(String name, String v) {
        try {
            return OffsetDateTime.parse(v).toInstant();
        } catch (DateTimeParseException e) {
            // next form
        }
        try {
            return LocalDateTime.parse(v).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            // next form
        }
        try {
            return LocalDate.parse(v).atStartOfDay().toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(name + "=" + v + ": not a time (use now, -10m, -2h, -3d, -1w, "
                    + "ISO 8601 such as 2024-05-01T10:00:00Z, or epoch milliseconds)");
        }
    }

    private static Instant clamp(String name, String value, Instant t) {
        if (t.isBefore(EARLIEST) || t.isAfter(LATEST)) {
            throw new IllegalArgumentException(name + "=" + value + ": outside 1970 to 9999");
        }
        return t;
    }

    private static long unitSeconds(String unit) {
        return switch (unit.charAt(0)) {
            case 's' -> 1;
            case 'm' -> 60;
            case 'h' -> 3_600;
            case 'd' -> 86_400;
            default -> Duration.ofDays(7).toSeconds();
        };
    }
}
