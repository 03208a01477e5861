package io.ingestline.model;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;

/**
 * Reads an event's time from a JSON value without a format given: Unix epoch numbers (seconds, milliseconds,
 * microseconds or nanoseconds, told apart by magnitude; fractions of seconds allowed), RFC 3339, ISO 8601 with or
 * without an offset (none means UTC) and the SQL form {@code 2024-05-31 15:30:45}.
 *
 * <p>An epoch number is judged by its length and exponent before any arithmetic, so reading one costs the same
 * whatever its exponent: more than {@value Json#MAX_NUMBER_LENGTH} characters or digits, or a non-zero value below a
 * nanosecond ({@code 1e-10000000}), is not a time.
 */
public final class EventTime {
    // Epoch values below these bounds are read in the unit named; they cover the years 1973 to 5138.
    private static final long SECONDS_BELOW = 100_000_000_000L;
    private static final long MILLIS_BELOW = 100_000_000_000_000L;
    private static final long MICROS_BELOW = 100_000_000_000_000_000L;
    /** Most bits of a time number's digits: {@link Json#MAX_NUMBER_LENGTH} decimal digits. */
    private static final int MAX_DIGIT_BITS = (int) Math.ceil(Json.MAX_NUMBER_LENGTH * Math.log(10) / Math.log(2));

    private static final DateTimeFormatter LOCAL = new DateTimeFormatterBuilder()
            .parseCaseInsensitive()
            .append(DateTimeFormatter.ISO_LOCAL_DATE)
            .optionalStart().appendLiteral('T').optionalEnd()
            .optionalStart().appendLiteral(' ').optionalEnd()
            .appendValue(ChronoField.HOUR_OF_DAY, 2).appendLiteral(':')
            .appendValue(ChronoField.MINUTE_OF_HOUR, 2)
            .optionalStart().appendLiteral(':').appendValue(ChronoField.SECOND_OF_MINUTE, 2).optionalEnd()
            .optionalStart().appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true).optionalEnd()
            .toFormatter();
    private static final DateTimeFormatter WITH_OFFSET = new DateTimeFormatterBuilder()
            .append(LOCAL)
            .optionalStart().appendOffset("+HH:MM", "Z").optionalEnd()
            .optionalStart().appendOffset("+HHMM", "Z").optionalEnd()
            .optionalStart().appendOffset("+HH", "Z").optionalEnd()
            .toFormatter();

    private EventTime() {
    }

    /**
     * The instant a JSON time value stands for.
     *
     * @throws IllegalArgumentException with a message fit for a client when the value is not a time
     */
    public static Instant parse(JsonNode value) {
        if (value == null || value.isNull() || value.isMissingNode()) {
            throw new IllegalArgumentException("time is null");
        }
        if (value.isIntegralNumber()) {
            return fromEpoch(value.bigIntegerValue());
        }
        if (value.isNumber()) {
            return fromEpochSeconds(value.decimalValue());
        }
        if (value.isTextual()) {
            return parse(value.textValue());
        }
        throw new IllegalArgumentException("time must be a string or a number, not " + value.getNodeType());
    }

    /** The instant a time string stands for (a date-time, or an epoch number written as a string). */
    public static Instant parse(String text) {
        String s = text.trim();
        if (s.isEmpty()) {
            throw new IllegalArgumentException("time is empty");
        }
        if (isEpochNumber(s)) {
            if (s.length() > Json.MAX_NUMBER_LENGTH) {
                throw new IllegalArgumentException("epoch time has more than " + Json.MAX_NUMBER_LENGTH
                        + " characters");
            }
            return s.indexOf('.') >= 0 ? fromEpochSeconds(new BigDecimal(s)) : fromEpoch(new BigInteger(s));
        }
        Instant fast = IsoTimes.parse(s);
        return fast != null ? fast : parseSlowly(s);
    }

    /** A trimmed date-time through {@code java.time.format} alone (the reference for {@link IsoTimes}). */
    static Instant parseSlowly(String s) {
        try {
            if (s.endsWith("Z") || s.endsWith("z") || hasOffset(s)) {
                return OffsetDateTime.parse(s.replace('z', 'Z'), WITH_OFFSET).toInstant();
            }
            return LocalDateTime.parse(s, LOCAL).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("unrecognised time format: " + abbreviate(s), e);
        }
    }

    /** RFC 3339 in UTC, with as many fraction digits as the instant needs. */
    public static String format(Instant time) {
        String fast = IsoTimes.formatInstant(time);
        return fast != null ? fast : time.toString();
    }

    private static Instant fromEpoch(BigInteger n) {
        if (n.bitLength() > 63) {
            // the digits of a number past the JSON limit are not written out (slow for a long one)
            throw new IllegalArgumentException("epoch time out of range"
                    + (n.bitLength() <= MAX_DIGIT_BITS ? ": " + abbreviate(n) : ""));
        }
        long v = n.longValue();
        long abs = Math.abs(v);
        if (abs < SECONDS_BELOW) {
            return Instant.ofEpochSecond(v);
        }
        if (abs < MILLIS_BELOW) {
            return Instant.ofEpochMilli(v);
        }
        if (abs < MICROS_BELOW) {
            return Instant.ofEpochSecond(Math.floorDiv(v, 1_000_000L), Math.floorMod(v, 1_000_000L) * 1_000L);
        }
        return Instant.ofEpochSecond(Math.floorDiv(v, 1_000_000_000L), Math.floorMod(v, 1_000_000_000L));
    }

    /**
     * Seconds with a fraction, to the nanosecond (rounded down). Its digits and exponent are checked first, in
     * constant time, so that the arithmetic after works on at most {@link Json#MAX_NUMBER_LENGTH} + 9 digits: scale
     * arithmetic on {@code 1e-10000000} would build a ten-million-digit power of ten.
     */
    private static Instant fromEpochSeconds(BigDecimal seconds) {
        if (seconds.signum() == 0) {
            return Instant.EPOCH;
        }
        if (seconds.unscaledValue().bitLength() > MAX_DIGIT_BITS) {
            throw new IllegalArgumentException("epoch time has more than " + Json.MAX_NUMBER_LENGTH + " digits");
        }
        // |seconds| is in [10^(magnitude - 1), 10^magnitude)
        long magnitude = (long) seconds.precision() - seconds.scale();
        if (magnitude > 11) {
            throw new IllegalArgumentException("fractional epoch time must be in seconds: " + abbreviate(seconds));
        }
        if (magnitude < -8) {
            throw new IllegalArgumentException("epoch time out of range: below a nanosecond: " + abbreviate(seconds));
        }
        BigDecimal whole = seconds.setScale(0, java.math.RoundingMode.FLOOR);
        if (whole.abs().compareTo(BigDecimal.valueOf(SECONDS_BELOW)) >= 0) {
            throw new IllegalArgumentException("fractional epoch time must be in seconds: " + abbreviate(seconds));
        }
        long nanos = seconds.subtract(whole).movePointRight(9).longValue();
        return Instant.ofEpochSecond(whole.longValueExact(), nanos);
    }

    /** Whether a string is an epoch number (digits, an optional sign and decimal point), whatever a layout says. */
    public static boolean isEpochNumber(String text) {
        String s = text.trim();
        if (s.isEmpty()) {
            return false;
        }
        int i = s.charAt(0) == '-' ? 1 : 0;
        if (i == s.length()) {
            return false;
        }
        boolean dot = false;
        for (; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '.' && !dot) {
                dot = true;
            } else if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    /** An offset follows the time part: a '+' or '-' after the 'T' or space that ends the date. */
    private static boolean hasOffset(String s) {
        int timeStart = Math.max(s.indexOf('T'), Math.max(s.indexOf('t'), s.indexOf(' ')));
        return timeStart > 0 && (s.indexOf('+', timeStart) > 0 || s.indexOf('-', timeStart) > 0);
    }

    private static String abbreviate(Number n) {
        return abbreviate(n.toString());
    }

    private static String abbreviate(String s) {
        return s.length() <= 64 ? s : s.substring(0, 64) + "...";
    }
}
