package io.ingestline.kql.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.ingestline.model.IsoTimes;
import io.ingestline.model.Json;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.Map;
import java.util.IdentityHashMap;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.util.Locale;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Kusto's conversions between its values, and between them and JSON. A conversion that cannot be made gives null, as
 * Kusto's {@code to*} functions do; strings have no null (an absent string is {@code ""}).
 *
 * <p>JSON mapping of results: {@code bool}, {@code int}, {@code long}, {@code real} as JSON booleans and numbers (a
 * real that is not finite as the string {@code "NaN"}, {@code "Infinity"}, {@code "-Infinity"}); {@code string} as a
 * string; {@code datetime} as RFC 3339 in UTC to 100 ns, without trailing zeros ({@code
 * 2024-05-31T15:30:45.25Z}); {@code timespan} as Kusto writes it ({@code [-][d.]hh:mm:ss[.fffffff]}); {@code guid}
 * as its lower-case text; {@code dynamic} as the JSON value itself; null as JSON null.
 */
public final class Values {
    /** Reads dynamic values within the project's JSON limits ({@link Json}); reals as doubles, as Kusto's are. */
    static final ObjectMapper MAPPER = JsonMapper.builder(Json.newFactory()).build();
    static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final Pattern SPAN_UNIT = Pattern.compile(
            "(-?\\d+(?:\\.\\d+)?)(days|day|d|hours|hour|hrs|hr|h|minutes|minute|min|m|seconds|second|sec|s|"
                    + "milliseconds|millisecond|milli|ms|microseconds|microsecond|micros|microsec|ticks|tick|"
                    + "nanoseconds|nanosecond|nanos)");
    private static final Pattern SPAN_CLOCK = Pattern.compile("(-)?(?:(\\d+)\\.)?(\\d{1,2}):(\\d{2})(?::(\\d{2})(?:\\.(\\d{1,7}))?)?");
    private static final DateTimeFormatter SQL = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss[.SSSSSSSSS][.SSSSSSS][.SSSSSS][.SSS][.SS][.S]");
    /** US month/day/year, as in Kusto's own {@code parse} example ({@code 02/17/2016 08:40:01}). */
    private static final DateTimeFormatter US = DateTimeFormatter.ofPattern("M/d/yyyy[ H:mm[:ss[.SSSSSSS][.SSSSSS][.SSS]]]");
    /** The same with dashes, as in the todatetime page's {@code todatetime('12-02-2022')}. */
    private static final DateTimeFormatter US_DASHES = DateTimeFormatter.ofPattern("M-d-yyyy[ H:mm[:ss]]");
    /** RFC 822 ({@code Sat, 8 Nov 14 15:05:02 GMT}) and RFC 850 ({@code Saturday, 08-Nov-14 15:05 GMT}). */
    private static final DateTimeFormatter RFC822 = rfc(" ");
    private static final DateTimeFormatter RFC850 = rfc("-");
    /** Sortable, one-digit month and day allowed: {@code 1970-5-12}, {@code 2014-11-08 15:05:25 GMT}. */
    private static final DateTimeFormatter SORTABLE = new DateTimeFormatterBuilder().parseCaseInsensitive()
            .appendPattern("yyyy-M-d[[' ']['T']H:mm[:ss][ z]]").toFormatter(Locale.ENGLISH);

    private static DateTimeFormatter rfc(String separator) {
        return new DateTimeFormatterBuilder().parseCaseInsensitive()
                .optionalStart().appendPattern("EEEE', '").optionalEnd()
                .optionalStart().appendPattern("EEE', '").optionalEnd()
                .appendPattern("d" + separator + "MMM" + separator)
                .appendValueReduced(ChronoField.YEAR, 2, 2, 1950) // two-digit years as .NET reads them: 1950-2049
                .appendPattern(" H:mm[:ss][ z]")
                .toFormatter(Locale.ENGLISH);
    }

    private Values() {
    }

    // --- parsing literals and strings

    /**
     * A datetime from text: RFC 3339 / ISO 8601 (offset or {@code Z}, else UTC), {@code yyyy-MM-dd HH:mm:ss[.f]}, a
     * date, US {@code M/d/yyyy[ H:mm[:ss]]} or {@code M-d-yyyy}, RFC 822 and RFC 850 (Kusto's datetime page), the
     * sortable form ({@code 1970-5-12}, {@code 2014-11-08 15:05:25 GMT}).
     */
    public static Instant parseDateTime(String text) {
        String t = text.strip();
        if (t.isEmpty()) {
            return null;
        }
        Instant fast = IsoTimes.parse(t);
        return fast != null ? fast : parseDateTimeSlowly(t);
    }

    /** {@link #parseDateTime} through {@code java.time.format} alone (the reference for {@link IsoTimes}). */
    static Instant parseDateTimeSlowly(String t) {
        try {
            return OffsetDateTime.parse(t).toInstant();
        } catch (DateTimeParseException ignored) {
            // not with an offset
        }
        try {
            return LocalDateTime.parse(t.replace(' ', 'T')).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException ignored) {
            // not a local date-time
        }
        try {
            return LocalDateTime.parse(t, SQL).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException ignored) {
            // not SQL form
        }
        try {
            return LocalDate.parse(t).atStartOfDay().toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException ignored) {
            // not a date
        }
        for (DateTimeFormatter f : new DateTimeFormatter[] {US, US_DASHES}) {
            try {
                var parsed = f.parseBest(t, LocalDateTime::from, LocalDate::from);
                return parsed instanceof LocalDateTime ldt ? ldt.toInstant(ZoneOffset.UTC)
                        : ((LocalDate) parsed).atStartOfDay().toInstant(ZoneOffset.UTC);
            } catch (DateTimeParseException ignored) {
                // not this form
            }
        }
        for (DateTimeFormatter f : new DateTimeFormatter[] {RFC822, RFC850, SORTABLE}) {
            try {
                var parsed = f.parseBest(t, ZonedDateTime::from, LocalDateTime::from, LocalDate::from);
                return parsed instanceof ZonedDateTime z ? z.toInstant() : parsed instanceof LocalDateTime l
                        ? l.toInstant(ZoneOffset.UTC) : ((LocalDate) parsed).atStartOfDay().toInstant(ZoneOffset.UTC);
            } catch (DateTimeParseException ignored) {
                // not this form
            }
        }
        return null;
    }

    /** A timespan from text: {@code 2d}, {@code 1.5h}, {@code 100ms}, {@code 1.02:03:04.5}, {@code 00:30}. */
    public static Duration parseTimespan(String text) {
        String t = text.strip();
        Matcher m = SPAN_UNIT.matcher(t);
        if (m.matches()) {
            if (m.group(1).length() > Json.MAX_NUMBER_LENGTH) {
                return null; // a number past the JSON limit: no timespan (and no quadratic BigDecimal parse)
            }
            BigDecimal n = new BigDecimal(m.group(1));
            long nanosPerUnit = switch (m.group(2)) {
                case "days", "day", "d" -> 86_400_000_000_000L;
                case "hours", "hour", "hrs", "hr", "h" -> 3_600_000_000_000L;
                case "minutes", "minute", "min", "m" -> 60_000_000_000L;
                case "seconds", "second", "sec", "s" -> 1_000_000_000L;
                case "milliseconds", "millisecond", "milli", "ms" -> 1_000_000L;
                case "microseconds", "microsecond", "micros", "microsec" -> 1_000L;
                case "ticks", "tick" -> 100L;
                default -> 1L;
            };
            try {
                return Duration.ofNanos(n.multiply(BigDecimal.valueOf(nanosPerUnit)).longValueExact());
            } catch (ArithmeticException tooLong) {
                return null; // past a timespan's range (about 292 years)
            }
        }
        m = SPAN_CLOCK.matcher(t);
        if (m.matches()) {
            try {
                long days = m.group(2) == null ? 0 : Long.parseLong(m.group(2));
                long hours = Long.parseLong(m.group(3));
                long minutes = Long.parseLong(m.group(4));
                long seconds = m.group(5) == null ? 0 : Long.parseLong(m.group(5));
                long nanos = m.group(6) == null ? 0 : Long.parseLong((m.group(6) + "000000000").substring(0, 9));
                Duration d = Duration.ofDays(days).plusHours(hours).plusMinutes(minutes).plusSeconds(seconds)
                        .plusNanos(nanos);
                d.toNanos(); // within a timespan's range
                return m.group(1) != null ? d.negated() : d;
            } catch (NumberFormatException | ArithmeticException tooLong) {
                return null; // days past a long, or past a timespan's range
            }
        }
        return null;
    }

    public static UUID parseGuid(String text) {
        try {
            String t = text.strip();
            return t.length() == 36 ? UUID.fromString(t) : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /**
     * JSON text to a dynamic value; text that is not JSON stays a string, as Kusto's parse_json does. Text beyond one
     * of the project's JSON limits ({@link Json}: nesting, number or string length) is not JSON here either. Empty
     * (or blank) text is null, as Kusto's isnull and gettype pages show for {@code parse_json("")}.
     */
    public static JsonNode parseJson(String text) {
        if (text.isBlank()) {
            return null;
        }
        try {
            JsonNode n = MAPPER.readTree(text);
            return n == null || n.isMissingNode() ? NODES.textNode(text) : n;
        } catch (IOException e) {
            return NODES.textNode(text);
        }
    }

    // --- rows

    /** Column {@code i} of a row, converting an input field on its first read (and keeping the result in the row). */
    static Object read(Object[] row, int i) {
        Object v = row[i];
        if (v instanceof Raw r) {
            v = r.value();
            row[i] = v;
        }
        return v;
    }

    /** An input field as a row value, converted only when read: null, {@code ""} for a string, or deferred. */
    public static Object input(JsonNode field, KType type) {
        if (field == null || field.isNull() || field.isMissingNode()) {
            return type == KType.STRING ? "" : null;
        }
        if (type == KType.DYNAMIC) {
            return field;
        }
        return type == KType.STRING && field.isTextual() ? field.textValue() : new Raw(field, type);
    }

    /** A row value as output JSON; an input field nothing read is written as it came when already in its type's form. */
    public static JsonNode output(Object v) {
        return v instanceof Raw r ? r.json() : toJson(v);
    }

    /**
     * Why an output column's JSON ({@link #output} of {@code v}) cannot be in an event the project reads, or null: a
     * string longer than {@link Json#MAX_STRING_LENGTH} characters ({@code base64_encode_tostring} or {@code toupper}
     * of a client's megabyte), or nesting deeper than {@link Json#MAX_NESTING_DEPTH} with the event's object
     * ({@code parse_json} of a client's 200 levels, a {@code pack_array} around a dynamic value). A field passed on as
     * it came is within the limits already; only a value the rule built is walked.
     */
    public static String outputProblem(Object v, JsonNode json) {
        if (v instanceof Raw) {
            return null;
        }
        if (json.isTextual()) {
            return json.textValue().length() > Json.MAX_STRING_LENGTH ? TOO_LONG : null;
        }
        return json.isContainerNode() ? containerProblem(json, Json.MAX_NESTING_DEPTH - 1) : null;
    }

    private static final String TOO_LONG = "holds a string longer than " + Json.MAX_STRING_LENGTH
            + " characters, the longest an event may have";

    /** {@link #outputProblem} of a container that may nest {@code levels} more levels, itself included. */
    private static String containerProblem(JsonNode n, int levels) {
        // shared values are measured once: a rule can put one array in another 64 times, and that again, a small
        // tree in memory that a plain walk would take forever over
        int height = height(n, levels, new IdentityHashMap<>());
        if (height == LONG_STRING) {
            return TOO_LONG;
        }
        return height > levels ? "nests deeper than the " + Json.MAX_NESTING_DEPTH + " levels an event may have" : null;
    }

    private static final int LONG_STRING = -1;

    /**
     * The levels of containers in {@code n}, itself included; more than {@code levels} (and no further count) when
     * it nests deeper than that; {@link #LONG_STRING} when it holds a string over the limit. Only exact heights are
     * remembered: a subtree too deep at one place makes the whole value too deep.
     */
    private static int height(JsonNode n, int levels, Map<JsonNode, Integer> known) {
        Integer h = known.get(n);
        if (h != null) {
            return h;
        }
        if (levels <= 0) {
            return 1;
        }
        int height = 1;
        for (JsonNode child : n) {
            if (child.isContainerNode()) {
                int c = height(child, levels - 1, known);
                if (c == LONG_STRING || c + 1 > levels) {
                    return c == LONG_STRING ? LONG_STRING : levels + 1;
                }
                height = Math.max(height, c + 1);
            } else if (child.isTextual() && child.textValue().length() > Json.MAX_STRING_LENGTH) {
                return LONG_STRING;
            }
        }
        known.put(n, height);
        return height;
    }

    // --- conversions between values

    /** A dynamic value's scalar: a JSON number, string or boolean as Long/Double/String/Boolean; null for null. */
    public static Object scalar(Object v) {
        if (!(v instanceof JsonNode n)) {
            return v;
        }
        if (n.isNull() || n.isMissingNode()) {
            return null;
        }
        if (n.isIntegralNumber() && n.canConvertToLong()) {
            return n.longValue();
        }
        if (n.isNumber()) {
            return n.doubleValue();
        }
        if (n.isTextual()) {
            return n.textValue();
        }
        if (n.isBoolean()) {
            return n.booleanValue();
        }
        return n;
    }

    public static Long toLong(Object v) {
        Object s = scalar(v);
        if (s instanceof Long l) {
            return l;
        }
        if (s instanceof Integer i) {
            return i.longValue();
        }
        if (s instanceof Double d) {
            return d.isNaN() || d.isInfinite() ? null : (long) d.doubleValue();
        }
        if (s instanceof Boolean b) {
            return b ? 1L : 0L;
        }
        if (s instanceof String str) {
            try {
                return Long.parseLong(str.strip());
            } catch (NumberFormatException e) {
                Double d = toReal(str);
                return d == null ? null : toLong(d);
            }
        }
        if (s instanceof Duration d) {
            return d.toNanos() / 100; // ticks
        }
        if (s instanceof Instant i) {
            return i.getEpochSecond() * 10_000_000L + i.getNano() / 100 + 621_355_968_000_000_000L; // ticks since 0001
        }
        return null;
    }

    public static Integer toInt(Object v) {
        Long l = toLong(v);
        return l == null ? null : (int) l.longValue();
    }

    public static Double toReal(Object v) {
        Object s = scalar(v);
        if (s instanceof Double d) {
            return d;
        }
        if (s instanceof Long l) {
            return l.doubleValue();
        }
        if (s instanceof Integer i) {
            return i.doubleValue();
        }
        if (s instanceof Boolean b) {
            return b ? 1.0 : 0.0;
        }
        if (s instanceof String str) {
            String t = str.strip();
            return switch (t) {
                case "NaN" -> Double.NaN;
                case "inf", "+inf", "Infinity", "+Infinity" -> Double.POSITIVE_INFINITY;
                case "-inf", "-Infinity" -> Double.NEGATIVE_INFINITY;
                default -> decimalNumber(t) ? Double.valueOf(t) : null;
            };
        }
        return null;
    }

    /**
     * Whether text is a decimal number, {@code [+-]digits[.digits][e[+-]digits]} (digits on one side of the point at
     * least): Java's own suffixes, hexadecimal and words ({@code 1d}, {@code 0x1p3}) are not numbers to Kusto.
     */
    static boolean decimalNumber(String t) {
        int n = t.length();
        int i = n > 0 && (t.charAt(0) == '+' || t.charAt(0) == '-') ? 1 : 0;
        int digits = 0;
        while (i < n && t.charAt(i) >= '0' && t.charAt(i) <= '9') {
            i++;
            digits++;
        }
        if (i < n && t.charAt(i) == '.') {
            i++;
            while (i < n && t.charAt(i) >= '0' && t.charAt(i) <= '9') {
                i++;
                digits++;
            }
        }
        if (digits == 0 || digits > Json.MAX_NUMBER_LENGTH) {
            return false;
        }
        if (i < n && (t.charAt(i) == 'e' || t.charAt(i) == 'E')) {
            i++;
            if (i < n && (t.charAt(i) == '+' || t.charAt(i) == '-')) {
                i++;
            }
            int start = i;
            while (i < n && t.charAt(i) >= '0' && t.charAt(i) <= '9') {
                i++;
            }
            if (i == start) {
                return false;
            }
        }
        return i == n;
    }

    public static Boolean toBool(Object v) {
        Object s = scalar(v);
        if (s instanceof Boolean b) {
            return b;
        }
        if (s instanceof Long l) {
            return l != 0;
        }
        if (s instanceof Integer i) {
            return i != 0;
        }
        if (s instanceof Double d) {
            return d != 0;
        }
        if (s instanceof String str) {
            String t = str.strip();
            if (t.length() > 5) {
                return null; // no longer than "false"; lower-casing a client's İ is quadratic in Java
            }
            t = t.toLowerCase(Locale.ROOT);
            return t.equals("true") || t.equals("1") ? Boolean.TRUE : t.equals("false") || t.equals("0") ? Boolean.FALSE : null;
        }
        return null;
    }

    public static Instant toDateTime(Object v) {
        Object s = scalar(v);
        if (s instanceof Instant i) {
            return i;
        }
        if (s instanceof String str) {
            return parseDateTime(str);
        }
        return null;
    }

    public static Duration toTimespan(Object v) {
        Object s = scalar(v);
        if (s instanceof Duration d) {
            return d;
        }
        if (s instanceof String str) {
            return parseTimespan(str);
        }
        if (s instanceof Long l) {
            return Duration.ofNanos(l * 100); // ticks
        }
        return null;
    }

    public static UUID toGuid(Object v) {
        Object s = scalar(v);
        if (s instanceof UUID u) {
            return u;
        }
        return s instanceof String str ? guidPrefix(str) : null;
    }

    /**
     * {@code toguid}'s reading of text: the first 32 hexadecimal digits, hyphens among them skipped, the rest of the
     * text ignored; null when another character comes before the 32nd digit.
     */
    static UUID guidPrefix(String text) {
        long high = 0;
        long low = 0;
        int digits = 0;
        for (int i = 0; i < text.length() && digits < 32; i++) {
            char c = text.charAt(i);
            if (c == '-') {
                continue;
            }
            int d = Character.digit(c, 16);
            if (d < 0 || c > 'f') {
                return null;
            }
            if (digits < 16) {
                high = high << 4 | d;
            } else {
                low = low << 4 | d;
            }
            digits++;
        }
        return digits == 32 ? new UUID(high, low) : null;
    }

    /** Kusto's {@code tostring}: null becomes {@code ""}; a dynamic string is its text, other dynamic values JSON. */
    /** JSON text as {@link JsonNode#toString()} writes it. */
    private static final com.fasterxml.jackson.databind.ObjectWriter TEXT = new ObjectMapper().writer();

    /**
     * A container's JSON text ({@code tostring(dynamic)}), as {@link JsonNode#toString()} writes it, up to
     * {@link StringFunctions#MAX_STRING} characters: past it the event fails (64 references to a client's megabyte in
     * one array are 64 MiB of text, and the text of an array of 64 of those 4 Gi).
     */
    static String text(JsonNode n) {
        java.io.Writer out = new java.io.StringWriter() {
            @Override
            public void write(String str, int off, int len) {
                check(len);
                super.write(str, off, len);
            }

            @Override
            public void write(char[] cbuf, int off, int len) {
                check(len);
                super.write(cbuf, off, len);
            }

            @Override
            public void write(int c) {
                check(1);
                super.write(c);
            }

            private void check(int more) {
                StringFunctions.checkLength((long) getBuffer().length() + more, "tostring");
            }
        };
        try {
            TEXT.writeValue(out, n);
        } catch (IOException e) {
            throw new IllegalStateException(e); // a StringWriter does not throw
        }
        return out.toString();
    }

    public static String toStringValue(Object v) {
        if (v == null) {
            return "";
        }
        if (v instanceof String s) {
            return s;
        }
        if (v instanceof JsonNode n) {
            return n.isNull() || n.isMissingNode() ? "" : n.isTextual() ? n.textValue() : text(n);
        }
        if (v instanceof Double d) {
            return formatReal(d);
        }
        if (v instanceof Instant i) {
            return formatDateTimeText(i);
        }
        if (v instanceof Duration d) {
            return formatTimespan(d);
        }
        return v.toString();
    }

    /**
     * A real as Kusto prints it (.NET's shortest round-trip text): {@code 1}, {@code 1.5}, {@code 12345678.5},
     * {@code 0.0001}; in exponent form, with a sign and two digits at least, when the exponent is 15 or more or -5 or
     * less ({@code 1E+15}, {@code 1.5E-05}); {@code NaN}, {@code Infinity}, {@code -Infinity}.
     */
    public static String formatReal(double d) {
        if (Double.isNaN(d)) {
            return "NaN";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "Infinity" : "-Infinity";
        }
        if (d == 0) {
            return Double.doubleToRawLongBits(d) < 0 ? "-0" : "0";
        }
        BigDecimal b = new BigDecimal(Double.toString(Math.abs(d))).stripTrailingZeros();
        String digits = b.unscaledValue().toString();
        int exponent = digits.length() - 1 - b.scale(); // of the first digit
        StringBuilder out = new StringBuilder(d < 0 ? "-" : "");
        if (exponent >= 15 || exponent <= -5) {
            out.append(digits.charAt(0));
            if (digits.length() > 1) {
                out.append('.').append(digits, 1, digits.length());
            }
            int e = Math.abs(exponent);
            return out.append('E').append(exponent < 0 ? '-' : '+').append(e < 10 ? "0" : "").append(e).toString();
        }
        return out.append(b.toPlainString()).toString();
    }

    /** RFC 3339 in UTC at Kusto's precision (100 ns), fraction without trailing zeros: {@code 2024-05-31T15:30:45.25Z}. */
    public static String formatDateTime(Instant i) {
        String fast = IsoTimes.format(i);
        return fast != null ? fast : formatDateTimeSlowly(i);
    }

    /**
     * Kusto's text of a datetime ({@code tostring}, {@code strcat}): always seven fractional digits,
     * {@code 2022-01-01T00:00:00.0000000Z} (JSON output keeps {@link #formatDateTime}'s form).
     */
    public static String formatDateTimeText(Instant i) {
        String f = formatDateTime(i);
        StringBuilder b = new StringBuilder(f.length() + 8).append(f, 0, f.length() - 1);
        int dot = b.lastIndexOf(".");
        if (dot < b.lastIndexOf(":")) {
            dot = b.length();
            b.append('.');
        }
        while (b.length() < dot + 8) {
            b.append('0');
        }
        return b.append('Z').toString();
    }

    /** {@link #formatDateTime} through {@code java.time.format} (the reference for {@link IsoTimes}). */
    static String formatDateTimeSlowly(Instant i) {
        Instant t = i.truncatedTo(java.time.temporal.ChronoUnit.MICROS).plusNanos(i.getNano() % 1000 / 100 * 100);
        String whole = DateTimeFormatter.ISO_LOCAL_DATE_TIME.format(
                LocalDateTime.ofEpochSecond(t.getEpochSecond(), 0, ZoneOffset.UTC));
        int ticks = t.getNano() / 100;
        if (ticks == 0) {
            return whole + "Z";
        }
        String f = String.format(Locale.ROOT, "%07d", ticks);
        int end = f.length();
        while (f.charAt(end - 1) == '0') {
            end--;
        }
        return whole + "." + f.substring(0, end) + "Z";
    }

    /** {@code [-][d.]hh:mm:ss[.fffffff]}. */
    public static String formatTimespan(Duration d) {
        boolean negative = d.isNegative();
        Duration a = d.abs();
        long days = a.toDays();
        StringBuilder b = new StringBuilder();
        if (negative) {
            b.append('-');
        }
        if (days > 0) {
            b.append(days).append('.');
        }
        b.append(String.format(Locale.ROOT, "%02d:%02d:%02d", a.toHoursPart(), a.toMinutesPart(), a.toSecondsPart()));
        long ticks = a.toNanosPart() / 100;
        if (ticks > 0) {
            b.append('.').append(String.format(Locale.ROOT, "%07d", ticks));
        }
        return b.toString();
    }

    /** A result value as JSON (see the class comment). */
    public static JsonNode toJson(Object v) {
        if (v instanceof Raw r) {
            return r.json();
        }
        if (v == null) {
            return NODES.nullNode();
        }
        if (v instanceof JsonNode n) {
            return n;
        }
        if (v instanceof Boolean b) {
            return NODES.booleanNode(b);
        }
        if (v instanceof Integer i) {
            return NODES.numberNode(i);
        }
        if (v instanceof Long l) {
            return NODES.numberNode(l);
        }
        if (v instanceof Double d) {
            return Double.isFinite(d) ? NODES.numberNode(d) : NODES.textNode(formatReal(d));
        }
        if (v instanceof Instant i) {
            return NODES.textNode(formatDateTime(i)); // the pipeline's RFC 3339, not tostring's text
        }
        return NODES.textNode(toStringValue(v));
    }

    /** A JSON field of an incoming event as a value of its declared column type; null when it does not convert. */
    public static Object fromJson(JsonNode n, KType type) {
        if (n == null || n.isNull() || n.isMissingNode()) {
            return type == KType.STRING ? "" : null;
        }
        return switch (type) {
            case DYNAMIC -> n;
            case STRING -> n.isTextual() ? n.textValue() : n.toString();
            default -> convert(n, type);
        };
    }

    /** {@code v} converted to {@code type} as the {@code to*} functions do. */
    public static Object convert(Object v, KType type) {
        return switch (type) {
            case BOOL -> toBool(v);
            case INT -> toInt(v);
            case LONG -> toLong(v);
            case REAL -> toReal(v);
            case STRING -> toStringValue(v);
            case DATETIME -> toDateTime(v);
            case TIMESPAN -> toTimespan(v);
            case GUID -> toGuid(v);
            case DYNAMIC -> v == null ? null : v instanceof JsonNode n ? n : toJson(v);
        };
    }
}
