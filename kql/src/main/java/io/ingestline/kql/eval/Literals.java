package io.ingestline.kql.eval;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.time.temporal.TemporalAccessor;
import java.util.List;
import java.util.Locale;

/**
 * The insides of Kusto's typed literals ({@code int(-2)}, {@code real(+inf)}, {@code timespan(2)},
 * {@code datetime(1970-5-12)}), as the scalar data type pages list them; each method gives null for text that is not
 * such a literal. Run when a rule compiles, never per event.
 */
final class Literals {
    private static final java.math.BigDecimal NANOS_PER_DAY = java.math.BigDecimal.valueOf(86_400_000_000_000L);

    private Literals() {
    }

    /**
     * The datetime page's formats besides ISO 8601 ({@link Values#parseDateTime} reads those): RFC 822
     * ({@code Sat, 8 Nov 14 15:05:02 GMT}), RFC 850 ({@code Saturday, 08-Nov-14 15:05:02 GMT}), the sortable form with
     * unpadded month and day ({@code 2014-11-8 15:05}, {@code 1970-5-12}), the page's syntax with dots
     * ({@code year.month.day hour:minute:second.ms}), and month-day-year with dashes
     * ({@code 12-02-2022}, read as the US {@code M/d/yyyy} form is).
     */
    private static final List<DateTimeFormatter> DATE_TIMES = List.of(
            english("[EEEE, ][EEE, ]d MMM yy H:mm[:ss]"),
            english("[EEEE, ][EEE, ]d-MMM-yy H:mm[:ss]"),
            sortable("uuuu-M-d"),
            sortable("uuuu.M.d"),
            english("M-d-uuuu"));

    /** A date of {@code datePattern}, then an optional time: {@code [T| ]H:mm[:ss[.fffffffff]]}. */
    private static DateTimeFormatter sortable(String datePattern) {
        return new DateTimeFormatterBuilder().appendPattern(datePattern).optionalStart().appendPattern("['T'][' ']H:mm")
                .optionalStart().appendLiteral(':').appendValue(ChronoField.SECOND_OF_MINUTE, 2)
                .optionalStart().appendFraction(ChronoField.NANO_OF_SECOND, 1, 9, true)
                .toFormatter(Locale.ROOT);
    }

    private static DateTimeFormatter english(String pattern) {
        return new DateTimeFormatterBuilder().parseCaseInsensitive().appendPattern(pattern).toFormatter(Locale.ENGLISH);
    }

    /** A {@code datetime(...)} literal's text, in any format the datetime page lists; in UTC unless it says. */
    static Instant dateTime(String text) {
        Instant iso = Values.parseDateTime(text);
        if (iso != null) {
            return iso;
        }
        String t = withoutUtc(text.strip());
        for (DateTimeFormatter f : DATE_TIMES) {
            try {
                TemporalAccessor parsed = f.parseBest(t, LocalDateTime::from, LocalDate::from);
                return parsed instanceof LocalDateTime ldt ? ldt.toInstant(ZoneOffset.UTC)
                        : ((LocalDate) parsed).atStartOfDay().toInstant(ZoneOffset.UTC);
            } catch (DateTimeParseException ignored) {
                // the next format
            }
        }
        return null;
    }

    /** The text without a trailing UTC zone ({@code GMT}, {@code UTC}, {@code Z}): the formats read it as UTC. */
    private static String withoutUtc(String t) {
        for (String zone : List.of(" GMT", " UTC", "Z")) {
            if (t.length() > zone.length() && t.regionMatches(true, t.length() - zone.length(), zone, 0, zone.length())) {
                return t.substring(0, t.length() - zone.length()).strip();
            }
        }
        return t;
    }

    /**
     * A {@code timespan(...)} literal's text: a bare number is days ({@code timespan(2)}), a number and a unit may
     * have spaces between ({@code timespan(15 seconds)}), else as {@link Values#parseTimespan}.
     */
    static java.time.Duration timespan(String text) {
        String t = text.strip();
        Double days = number(t);
        if (days != null) {
            if (!(Math.abs(days) < 106_751)) {
                return null; // past a timespan's range (and no huge BigDecimal from 1e999999)
            }
            return java.time.Duration.ofNanos(new java.math.BigDecimal(t).multiply(NANOS_PER_DAY).longValue());
        }
        int unit = 0;
        while (unit < t.length() && (Character.isDigit(t.charAt(unit)) || "+-.".indexOf(t.charAt(unit)) >= 0)) {
            unit++;
        }
        if (unit > 0 && unit < t.length() && Character.isWhitespace(t.charAt(unit))) {
            return Values.parseTimespan(t.substring(0, unit) + t.substring(unit).strip());
        }
        return Values.parseTimespan(t);
    }

    /** An {@code int(...)}, {@code long(...)}, {@code real(...)} or {@code bool(...)} literal's value, or null. */
    static Object scalar(KType type, String text) {
        String t = text.strip();
        return switch (type) {
            case INT -> {
                Long v = integer(t);
                yield v != null && v == v.intValue() ? (Object) v.intValue() : null;
            }
            case LONG -> integer(t);
            case REAL -> real(t);
            case BOOL -> t.equals("true") ? Boolean.TRUE : t.equals("false") ? Boolean.FALSE : null;
            default -> null;
        };
    }

    private static Long integer(String t) {
        String digits = t.startsWith("+") ? t.substring(1) : t;
        try {
            if (digits.startsWith("0x") || digits.startsWith("0X")) {
                return Long.parseUnsignedLong(digits.substring(2), 16);
            }
            if (digits.startsWith("-0x") || digits.startsWith("-0X")) {
                return -Long.parseUnsignedLong(digits.substring(3), 16);
            }
            return Long.parseLong(digits);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** {@code 1}, {@code -1.5}, {@code 1e5}, {@code nan}, {@code +inf}, {@code -inf}. */
    private static Double real(String t) {
        switch (t) {
            case "nan":
                return Double.NaN;
            case "inf", "+inf":
                return Double.POSITIVE_INFINITY;
            case "-inf":
                return Double.NEGATIVE_INFINITY;
            default:
                return number(t);
        }
    }

    /** A plain decimal number (sign, digits, fraction, exponent), or null: no hex, no words such as Infinity. */
    private static Double number(String t) {
        if (t.isEmpty() || t.length() > 64) {
            return null;
        }
        for (int i = 0; i < t.length(); i++) {
            char c = t.charAt(i);
            if (!Character.isDigit(c) && "+-.eE".indexOf(c) < 0) {
                return null;
            }
        }
        try {
            return Double.parseDouble(t);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /**
     * A {@code dynamic(...)} literal's text as JSON: the typed literals it may hold ({@code datetime(1970-05-11)},
     * {@code timespan(1d)}, {@code guid(...)}, ...; the dynamic page allows them in a query's text) become their JSON
     * form (a datetime as its RFC 3339 string, as Kusto serializes a dynamic value), the rest is left as written.
     *
     * @param typed the value of the typed literal of a type name and its inside
     */
    static String dynamicJson(String inner, java.util.function.BiFunction<String, String, Object> typed) {
        StringBuilder out = new StringBuilder(inner.length());
        int i = 0;
        while (i < inner.length()) {
            char c = inner.charAt(i);
            if (c == '"' || c == '\'') {
                int end = stringEnd(inner, i);
                out.append(inner, i, end);
                i = end;
            } else if (Character.isLetter(c) && (i == 0 || !Character.isLetterOrDigit(inner.charAt(i - 1)))) {
                int end = i;
                while (end < inner.length() && Character.isLetterOrDigit(inner.charAt(end))) {
                    end++;
                }
                String word = inner.substring(i, end);
                int open = end;
                while (open < inner.length() && inner.charAt(open) == ' ') {
                    open++;
                }
                int close = open < inner.length() && inner.charAt(open) == '(' && KType.named(word) != null
                        && !word.equalsIgnoreCase("string") ? closing(inner, open) : -1;
                if (close < 0) {
                    out.append(word);
                    i = end;
                } else {
                    Object v = typed.apply(word, inner.substring(open + 1, close).strip());
                    out.append(v == null ? "null" : Values.output(v).toString());
                    i = close + 1;
                }
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }

    /** How many {@code word(} openings nest at most in the text, outside strings (an upper bound of typed literals'). */
    static int nestedTypedLiterals(String inner) {
        int depth = 0;
        int max = 0;
        int i = 0;
        while (i < inner.length()) {
            char c = inner.charAt(i);
            if (c == '"' || c == '\'') {
                i = stringEnd(inner, i);
                continue;
            }
            if (c == '(') {
                max = Math.max(max, ++depth);
            } else if (c == ')') {
                depth = Math.max(0, depth - 1);
            }
            i++;
        }
        return max;
    }

    /** Where the string opening at {@code start} ends (past its closing quote), backslash escapes skipped. */
    private static int stringEnd(String s, int start) {
        char quote = s.charAt(start);
        int i = start + 1;
        while (i < s.length() && s.charAt(i) != quote) {
            i += s.charAt(i) == '\\' ? 2 : 1;
        }
        return Math.min(i + 1, s.length());
    }

    /** The parenthesis that closes the one at {@code open}, or -1. */
    private static int closing(String s, int open) {
        int depth = 0;
        int i = open;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == '"' || c == '\'') {
                i = stringEnd(s, i);
                continue;
            }
            if (c == '(') {
                depth++;
            } else if (c == ')' && --depth == 0) {
                return i;
            }
            i++;
        }
        return -1;
    }
}
