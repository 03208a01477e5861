package io.ingestline.edge.ingest;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.time.format.TextStyle;
import java.time.temporal.ChronoField;
import java.time.temporal.TemporalAccessor;
import java.util.Locale;

/**
 * A time layout in Go's reference-time notation ({@code Mon Jan 2 15:04:05 MST 2006}), as Axiom's
 * {@code timestamp-format} takes it, compiled to a {@link DateTimeFormatter}. Layouts without a zone read as UTC.
 */
public final class GoTimeLayout {
    // Longest tokens first, so that "2006" is not read as "2" then "006".
    private static final String[] TOKENS = {
        "January", "Monday", "Z07:00:00", "-07:00:00", "Z07:00", "-07:00", "Z0700", "-0700", "2006", "Jan", "Mon",
        "MST", "Z07", "-07", "002", "__2", "_2", "01", "02", "03", "04", "05", "06", "15", "PM", "pm", "1", "2", "3",
        "4", "5",
    };

    private final String layout;
    private final DateTimeFormatter formatter;

    private GoTimeLayout(String layout, DateTimeFormatter formatter) {
        this.layout = layout;
        this.formatter = formatter;
    }

    /** @throws IllegalArgumentException when the layout holds nothing to read a time from */
    public static GoTimeLayout compile(String layout) {
        DateTimeFormatterBuilder b = new DateTimeFormatterBuilder().parseCaseInsensitive();
        boolean hasDate = false;
        boolean hasHour = false;
        int i = 0;
        while (i < layout.length()) {
            String token = tokenAt(layout, i);
            if (token == null && (layout.startsWith(".0", i) || layout.startsWith(".9", i)
                    || layout.startsWith(",0", i) || layout.startsWith(",9", i))) {
                int j = i + 1;
                while (j < layout.length() && layout.charAt(j) == layout.charAt(i + 1)) {
                    j++;
                }
                if (j == layout.length() || !Character.isDigit(layout.charAt(j))) {
                    boolean optional = layout.charAt(i + 1) == '9';
                    b.appendFraction(ChronoField.NANO_OF_SECOND, optional ? 0 : j - i - 1, 9, true);
                    i = j;
                    continue;
                }
            }
            if (token == null) {
                b.appendLiteral(layout.charAt(i));
                i++;
                continue;
            }
            hasDate |= token.equals("2006") || token.equals("06");
            hasHour |= token.equals("15") || token.equals("03") || token.equals("3");
            append(b, token);
            i += token.length();
        }
        if (!hasDate) {
            throw new IllegalArgumentException("timestamp-format has no year (2006 or 06): " + layout);
        }
        if (!hasHour) {
            b.parseDefaulting(ChronoField.HOUR_OF_DAY, 0);
        }
        // Go's month and day names are English.
        DateTimeFormatter f = b.toFormatter(Locale.US).withResolverStyle(ResolverStyle.STRICT).withZone(ZoneOffset.UTC);
        return new GoTimeLayout(layout, f);
    }

    /** @throws IllegalArgumentException when the text is not a time in this layout */
    public Instant parse(String text) {
        try {
            TemporalAccessor t = formatter.parse(text.trim());
            return Instant.from(t);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("time " + text + " does not match timestamp-format " + layout, e);
        } catch (DateTimeException e) {
            // read, but not to an instant: the layout lacks a month or a day
            throw new IllegalArgumentException("time " + text + " is not a whole date and time in timestamp-format "
                    + layout, e);
        }
    }

    private static String tokenAt(String layout, int i) {
        for (String t : TOKENS) {
            if (layout.startsWith(t, i)) {
                return t;
            }
        }
        return null;
    }

    private static void append(DateTimeFormatterBuilder b, String token) {
        switch (token) {
            case "2006" -> b.appendValue(ChronoField.YEAR, 4);
            case "06" -> b.appendValueReduced(ChronoField.YEAR, 2, 2, 2000);
            case "January" -> b.appendText(ChronoField.MONTH_OF_YEAR, TextStyle.FULL);
            case "Jan" -> b.appendText(ChronoField.MONTH_OF_YEAR, TextStyle.SHORT);
            case "01" -> b.appendValue(ChronoField.MONTH_OF_YEAR, 2);
            case "1" -> b.appendValue(ChronoField.MONTH_OF_YEAR);
            case "Monday" -> b.appendText(ChronoField.DAY_OF_WEEK, TextStyle.FULL);
            case "Mon" -> b.appendText(ChronoField.DAY_OF_WEEK, TextStyle.SHORT);
            case "02" -> b.appendValue(ChronoField.DAY_OF_MONTH, 2);
            case "2" -> b.appendValue(ChronoField.DAY_OF_MONTH);
            // A padded number ends adjacent-value parsing (java.time casts the padded one, a ClassCastException).
            case "_2" -> b.padNext(2).appendValue(ChronoField.DAY_OF_MONTH).optionalStart().optionalEnd();
            case "002" -> b.appendValue(ChronoField.DAY_OF_YEAR, 3);
            case "__2" -> b.padNext(3).appendValue(ChronoField.DAY_OF_YEAR).optionalStart().optionalEnd();
            case "15" -> b.appendValue(ChronoField.HOUR_OF_DAY, 2);
            case "03" -> b.appendValue(ChronoField.CLOCK_HOUR_OF_AMPM, 2);
            case "3" -> b.appendValue(ChronoField.CLOCK_HOUR_OF_AMPM);
            case "04" -> b.appendValue(ChronoField.MINUTE_OF_HOUR, 2);
            case "4" -> b.appendValue(ChronoField.MINUTE_OF_HOUR);
            case "05" -> b.appendValue(ChronoField.SECOND_OF_MINUTE, 2);
            case "5" -> b.appendValue(ChronoField.SECOND_OF_MINUTE);
            case "PM", "pm" -> b.appendText(ChronoField.AMPM_OF_DAY, TextStyle.SHORT);
            case "MST" -> b.appendZoneText(TextStyle.SHORT);
            case "Z07:00:00" -> b.appendOffset("+HH:MM:ss", "Z");
            case "-07:00:00" -> b.appendOffset("+HH:MM:ss", "+00:00:00");
            case "Z07:00" -> b.appendOffset("+HH:MM", "Z");
            case "-07:00" -> b.appendOffset("+HH:MM", "+00:00");
            case "Z0700" -> b.appendOffset("+HHMM", "Z");
            case "-0700" -> b.appendOffset("+HHMM", "+0000");
            case "Z07" -> b.appendOffset("+HH", "Z");
            case "-07" -> b.appendOffset("+HH", "+00");
            default -> throw new IllegalStateException(token);
        }
    }
}
