package io.ingestline.kql.eval;

import static io.ingestline.kql.eval.ExprCompiler.derived;
import static io.ingestline.kql.eval.ExprCompiler.error;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.ingestline.kql.syntax.Ast.Call;
import java.nio.charset.StandardCharsets;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.time.temporal.IsoFields;
import java.time.temporal.TemporalAdjusters;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/** Datetime, math, bitwise and further string functions of Azure's list. Null in, null out. */
final class MoreFunctions {
    private MoreFunctions() {
    }

    /** The function compiled, or null when it is not one of these. */
    static Scalar compile(String f, Call c, List<Scalar> a) {
        return switch (f) {
            case "dayofmonth" -> date(c, a, d -> (long) d.getDayOfMonth(), KType.INT);
            case "dayofyear" -> date(c, a, d -> (long) d.getDayOfYear(), KType.INT);
            case "getmonth", "monthofyear" -> date(c, a, d -> (long) d.getMonthValue(), KType.INT);
            case "getyear" -> date(c, a, d -> (long) d.getYear(), KType.INT);
            case "hourofday" -> date(c, a, d -> (long) d.getHour(), KType.INT);
            case "week_of_year", "weekofyear" -> date(c, a, d -> (long) d.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR), KType.INT);
            case "dayofweek" -> date(c, a, d -> Duration.ofDays(d.getDayOfWeek().getValue() % 7), KType.TIMESPAN);
            case "startofday" -> date(c, a, d -> d.truncatedTo(ChronoUnit.DAYS), KType.DATETIME);
            case "startofmonth" -> date(c, a, d -> d.toLocalDate().withDayOfMonth(1).atStartOfDay(), KType.DATETIME);
            case "startofyear" -> date(c, a, d -> d.toLocalDate().withDayOfYear(1).atStartOfDay(), KType.DATETIME);
            case "startofweek" -> date(c, a, d -> d.toLocalDate()
                    .with(TemporalAdjusters.previousOrSame(DayOfWeek.SUNDAY)).atStartOfDay(), KType.DATETIME);
            case "endofday" -> date(c, a, d -> d.truncatedTo(ChronoUnit.DAYS).plusDays(1).minusNanos(100), KType.DATETIME);
            case "endofmonth" -> date(c, a, d -> d.toLocalDate().with(TemporalAdjusters.firstDayOfNextMonth())
                    .atStartOfDay().minusNanos(100), KType.DATETIME);
            case "endofyear" -> date(c, a, d -> d.toLocalDate().with(TemporalAdjusters.firstDayOfNextYear())
                    .atStartOfDay().minusNanos(100), KType.DATETIME);
            case "endofweek" -> date(c, a, d -> d.toLocalDate().with(TemporalAdjusters.next(DayOfWeek.SUNDAY))
                    .atStartOfDay().minusNanos(100), KType.DATETIME);
            case "make_datetime" -> makeDatetime(c, a);
            case "make_timespan" -> makeTimespan(c, a);
            case "datetime_add" -> datetimeAdd(c, a);
            case "datetime_diff" -> datetimeDiff(c, a);
            case "datetime_part" -> datetimePart(c, a);
            case "bin", "floor" -> bin(c, a);
            case "ceiling" -> ceiling(c, a);
            case "exp" -> real(c, a, Math::exp);
            case "exp2" -> real(c, a, x -> Math.pow(2, x));
            case "exp10" -> real(c, a, x -> Math.pow(10, x));
            case "log" -> real(c, a, x -> x < 0 ? null : Math.log(x));
            case "log2" -> real(c, a, x -> x < 0 ? null : Math.log(x) / Math.log(2));
            case "log10" -> real(c, a, x -> x < 0 ? null : Math.log10(x));
            case "sign" -> real(c, a, Math::signum);
            case "pow" -> {
                count(c, 2, 2);
                number(c, a, 0);
                number(c, a, 1);
                yield derived(KType.REAL, row -> {
                    Double x = Values.toReal(a.get(0).eval(row));
                    Double y = Values.toReal(a.get(1).eval(row));
                    return x == null || y == null ? null : Math.pow(x, y);
                }, a);
            }
            case "round" -> round(c, a);
            case "isnan" -> realTest(c, a, x -> x.isNaN());
            case "isinf" -> realTest(c, a, x -> x.isInfinite());
            case "isfinite" -> realTest(c, a, x -> Double.isFinite(x));
            case "max_of", "min_of" -> extreme(c, a, f.equals("max_of"));
            case "coalesce" -> {
                count(c, 2, 64);
                KType t = a.get(0).type();
                for (int i = 1; i < a.size(); i++) {
                    KType u = a.get(i).type();
                    if (u != t && !(t.numeric() && u.numeric())) {
                        throw ExprCompiler.argError("coalesce(): all arguments must be of the same type, not "
                                + t.kustoName() + " and " + u.kustoName(), c, i);
                    }
                    t = u == t ? t : KType.widerNumber(t, u);
                }
                KType type = t;
                yield derived(type, row -> {
                    for (Scalar s : a) {
                        Object v = s.eval(row);
                        if (v != null && !(v instanceof String str && str.isEmpty())) {
                            return Values.convert(v, type);
                        }
                    }
                    return type == KType.STRING ? "" : null;
                }, a);
            }
            case "binary_and" -> bits(c, a, 2, (x, y) -> x & y);
            case "binary_or" -> bits(c, a, 2, (x, y) -> x | y);
            case "binary_xor" -> bits(c, a, 2, (x, y) -> x ^ y);
            case "binary_shift_left" -> bits(c, a, 2, (x, y) -> y < 0 ? null : x << (y % 64));
            case "binary_shift_right" -> bits(c, a, 2, (x, y) -> y < 0 ? null : x >> (y % 64));
            case "binary_not" -> bits(c, a, 1, (x, y) -> ~x);
            case "strcat_delim" -> {
                count(c, 3, 65); // the delimiter, then 2 to 64 arguments
                List<Scalar> parts = a.stream().map(ExprCompiler::text).toList();
                yield derived(KType.STRING, row -> {
                    String d = (String) parts.get(0).eval(row);
                    StringBuilder b = new StringBuilder();
                    for (int i = 1; i < parts.size(); i++) {
                        String part = (String) parts.get(i).eval(row);
                        StringFunctions.checkLength((long) b.length() + (i == 1 ? 0 : d.length()) + part.length(),
                                "strcat_delim");
                        b.append(i == 1 ? "" : d).append(part);
                    }
                    return b.toString();
                }, parts);
            }
            case "base64_encodestring", "base64_encode_tostring" -> {
                count(c, 1, 1);
                Scalar s = ExprCompiler.text(a.get(0));
                yield derived(KType.STRING, row -> Base64.getEncoder()
                        .encodeToString(((String) s.eval(row)).getBytes(StandardCharsets.UTF_8)), s);
            }
            case "array_concat" -> arrays(c, a, 1, 64, row -> {
                ArrayNode out = Values.NODES.arrayNode();
                for (Scalar s : a) {
                    if (s.eval(row) instanceof JsonNode n && n.isArray()) {
                        out.addAll((ArrayNode) n);
                    } else {
                        return null;
                    }
                }
                return out;
            });
            case "zip" -> arrays(c, a, 2, 16, row -> {
                int longest = 0;
                JsonNode[] arrays = new JsonNode[a.size()];
                for (int i = 0; i < arrays.length; i++) {
                    if (!(a.get(i).eval(row) instanceof JsonNode n) || !n.isArray()) {
                        return null;
                    }
                    arrays[i] = n;
                    longest = Math.max(longest, n.size());
                }
                ArrayNode out = Values.NODES.arrayNode();
                for (int j = 0; j < longest; j++) {
                    ArrayNode tuple = out.addArray();
                    for (JsonNode arr : arrays) {
                        tuple.add(j < arr.size() ? arr.get(j) : Values.NODES.nullNode());
                    }
                }
                return out;
            });
            default -> null;
        };
    }

    /** A function of {@code min} to {@code max} dynamic arguments (arrays), of type dynamic. */
    private static Scalar arrays(Call c, List<Scalar> a, int min, int max, Scalar.Eval eval) {
        count(c, min, max);
        for (int i = 0; i < a.size(); i++) {
            Functions.dynamicArg(c, a, i);
        }
        return derived(KType.DYNAMIC, eval, a);
    }

    private static Scalar date(Call c, List<Scalar> a, Function<LocalDateTime, Object> f, KType result) {
        count(c, 1, 2);
        Scalar s = a.get(0);
        Scalar offset = a.size() > 1 ? a.get(1) : null;
        return derived(result, row -> {
            Instant i = Values.toDateTime(s.eval(row));
            if (i == null) {
                return null;
            }
            LocalDateTime d = LocalDateTime.ofInstant(i, ZoneOffset.UTC);
            if (offset != null) {
                Long n = Values.toLong(offset.eval(row));
                if (n == null) {
                    return null;
                }
                d = switch (c.function()) {
                    case "startofmonth", "endofmonth" -> d.plusMonths(n);
                    case "startofyear", "endofyear" -> d.plusYears(n);
                    case "startofweek", "endofweek" -> d.plusWeeks(n);
                    default -> d.plusDays(n);
                };
            }
            Object v = f.apply(d);
            if (v instanceof LocalDateTime ldt) {
                return ldt.toInstant(ZoneOffset.UTC);
            }
            return result == KType.INT && v instanceof Long l ? (Object) l.intValue() : v;
        }, a);
    }

    /**
     * {@code make_datetime(year, month, day[, hour, minute[, second]])}: null when a part is out of its range (second
     * in {@code [0, 60)}, kept to 100 ns) or the date does not exist.
     */
    private static Scalar makeDatetime(Call c, List<Scalar> a) {
        count(c, 3, 6);
        if (a.size() == 4) {
            throw error("make_datetime() takes 3, 5 or 6 arguments (year, month, day[, hour, minute[, second]]), not 4",
                    c.at());
        }
        return derived(KType.DATETIME, row -> {
            long[] v = new long[5];
            for (int i = 0; i < a.size() && i < 5; i++) {
                Long n = Values.toLong(a.get(i).eval(row));
                if (n == null || n < Integer.MIN_VALUE || n > Integer.MAX_VALUE) {
                    return null;
                }
                v[i] = n;
            }
            long ticks = 0;
            if (a.size() == 6) {
                Double seconds = Values.toReal(a.get(5).eval(row));
                if (seconds == null || !(seconds >= 0 && seconds < 60)) {
                    return null;
                }
                ticks = Math.min(599_999_999L, Math.round(seconds * 1e7));
            }
            try {
                return LocalDateTime.of((int) v[0], (int) v[1], (int) v[2], (int) v[3], (int) v[4])
                        .toInstant(ZoneOffset.UTC).plusNanos(ticks * 100);
            } catch (java.time.DateTimeException e) {
                return null;
            }
        }, a);
    }

    /**
     * {@code make_timespan(hour, minute)}, {@code (hour, minute, second)}, {@code (day, hour, minute, second)}: null
     * when the hour is not in 0-23, the minute in 0-59 or the second in {@code [0, 60)} (the page's ranges).
     */
    private static Scalar makeTimespan(Call c, List<Scalar> a) {
        count(c, 2, 4);
        return derived(KType.TIMESPAN, row -> {
            double[] v = new double[4];
            int first = a.size() == 4 ? 0 : 1; // v is (day, hour, minute, second)
            for (int i = 0; i < a.size(); i++) {
                Double d = Values.toReal(a.get(i).eval(row));
                if (d == null) {
                    return null;
                }
                v[first + i] = first + i == 3 ? d : (double) d.longValue();
            }
            if (!(v[1] >= 0 && v[1] <= 23 && v[2] >= 0 && v[2] <= 59 && v[3] >= 0 && v[3] < 60)
                    || Math.abs(v[0]) > 10_675_199) {
                return null;
            }
            long ticks = Math.round(v[3] * 1e7);
            return Duration.ofDays((long) v[0]).plusHours((long) v[1]).plusMinutes((long) v[2]).plusNanos(ticks * 100);
        }, a);
    }

    private static ChronoUnit unit(String part) {
        return switch (part.toLowerCase(Locale.ROOT)) {
            case "year" -> ChronoUnit.YEARS;
            case "quarter" -> null;
            case "month" -> ChronoUnit.MONTHS;
            case "week" -> ChronoUnit.WEEKS;
            case "day" -> ChronoUnit.DAYS;
            case "hour" -> ChronoUnit.HOURS;
            case "minute" -> ChronoUnit.MINUTES;
            case "second" -> ChronoUnit.SECONDS;
            case "millisecond" -> ChronoUnit.MILLIS;
            case "microsecond" -> ChronoUnit.MICROS;
            case "nanosecond" -> ChronoUnit.NANOS;
            default -> throw new IllegalArgumentException(part);
        };
    }

    /** The parts {@code datetime_part} takes (case-insensitive): its page's list. */
    private static final java.util.Set<String> DATE_PARTS = java.util.Set.of("year", "quarter", "month",
            "week_of_year", "day", "dayofyear", "hour", "minute", "second", "millisecond", "microsecond", "nanosecond");

    /** The period of {@code datetime_add} and {@code datetime_diff}, a constant string, lower-cased. */
    private static String part(Call c, Scalar s) {
        String p = constantPart(c, s);
        try {
            unit(p);
        } catch (IllegalArgumentException e) {
            throw ExprCompiler.argError(c.function() + "(): unknown period '" + s.value()
                    + "' (year, quarter, month, week, day, hour, minute, second, millisecond, microsecond, nanosecond)",
                    c, 0);
        }
        return p;
    }

    private static String constantPart(Call c, Scalar s) {
        if (!s.constant() || s.type() != KType.STRING) {
            throw ExprCompiler.argError(c.function() + "() takes the part as a constant string ('day', 'hour', ...)",
                    c, 0);
        }
        return ((String) s.value()).toLowerCase(Locale.ROOT);
    }

    private static Scalar datetimeAdd(Call c, List<Scalar> a) {
        count(c, 3, 3);
        String p = part(c, a.get(0));
        return derived(KType.DATETIME, row -> {
            Long n = Values.toLong(a.get(1).eval(row));
            Instant i = Values.toDateTime(a.get(2).eval(row));
            if (n == null || i == null) {
                return null;
            }
            LocalDateTime d = LocalDateTime.ofInstant(i, ZoneOffset.UTC);
            ChronoUnit u = unit(p);
            return (u == null ? d.plusMonths(3 * n) : d.plus(n, u)).toInstant(ZoneOffset.UTC);
        }, a);
    }

    private static Scalar datetimeDiff(Call c, List<Scalar> a) {
        count(c, 3, 3);
        String p = part(c, a.get(0));
        return derived(KType.LONG, row -> {
            Instant x = Values.toDateTime(a.get(1).eval(row));
            Instant y = Values.toDateTime(a.get(2).eval(row));
            if (x == null || y == null) {
                return null;
            }
            // Kusto counts boundaries crossed: the difference of the values truncated to the part
            LocalDateTime dx = LocalDateTime.ofInstant(x, ZoneOffset.UTC);
            LocalDateTime dy = LocalDateTime.ofInstant(y, ZoneOffset.UTC);
            return switch (p) {
                case "year" -> (long) (dx.getYear() - dy.getYear());
                case "quarter" -> (long) ((dx.getYear() * 4 + (dx.getMonthValue() - 1) / 3)
                        - (dy.getYear() * 4 + (dy.getMonthValue() - 1) / 3));
                case "month" -> (long) ((dx.getYear() * 12 + dx.getMonthValue()) - (dy.getYear() * 12 + dy.getMonthValue()));
                case "week" -> ChronoUnit.WEEKS.between(
                        dy.toLocalDate().with(TemporalAdjusters.previousOrSame(DayOfWeek.SUNDAY)),
                        dx.toLocalDate().with(TemporalAdjusters.previousOrSame(DayOfWeek.SUNDAY)));
                default -> {
                    ChronoUnit u = unit(p);
                    yield u.between(dy.truncatedTo(u), dx.truncatedTo(u));
                }
            };
        }, a);
    }

    /** {@code datetime_part(part, date)}: the parts of its page, case-insensitive; an int. */
    private static Scalar datetimePart(Call c, List<Scalar> a) {
        count(c, 2, 2);
        String p = constantPart(c, a.get(0));
        if (!DATE_PARTS.contains(p)) {
            throw ExprCompiler.argError("datetime_part(): unknown part '" + a.get(0).value() + "' (year, quarter, month,"
                    + " week_of_year, day, dayOfYear, hour, minute, second, millisecond, microsecond, nanosecond)", c, 0);
        }
        return derived(KType.INT, row -> {
            Instant i = Values.toDateTime(a.get(1).eval(row));
            if (i == null) {
                return null;
            }
            LocalDateTime d = LocalDateTime.ofInstant(i, ZoneOffset.UTC);
            return switch (p) {
                case "year" -> d.getYear();
                case "quarter" -> (d.getMonthValue() - 1) / 3 + 1;
                case "month" -> d.getMonthValue();
                case "week_of_year" -> d.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR);
                case "day" -> d.getDayOfMonth();
                case "dayofyear" -> d.getDayOfYear();
                case "hour" -> d.getHour();
                case "minute" -> d.getMinute();
                case "second" -> d.getSecond();
                case "millisecond" -> d.getNano() / 1_000_000;
                case "microsecond" -> d.getNano() / 1_000;
                default -> d.getNano();
            };
        }, a);
    }

    /**
     * {@code bin(value, roundTo)} (and {@code floor}): rounds down to a multiple of {@code roundTo}. Numbers (the
     * result real if either is, else long), a timespan by a timespan, a datetime by a timespan (counted from
     * 0001-01-01, as Kusto's ticks are). A null, zero or negative bin size gives null.
     */
    private static Scalar bin(Call c, List<Scalar> a) {
        count(c, 2, 2);
        Scalar v = a.get(0);
        Scalar size = a.get(1);
        return switch (v.type()) {
            case DATETIME -> {
                timespan(c, a, 1);
                yield derived(KType.DATETIME, row -> {
                    Instant i = (Instant) v.eval(row);
                    Duration s = (Duration) size.eval(row);
                    if (i == null || s == null || s.isNegative() || s.isZero()) {
                        return null;
                    }
                    long step = Math.max(1, s.toNanos() / 100);
                    long ticks = Math.floorDiv(Values.toLong(i), step) * step - TICKS_AT_EPOCH;
                    return Instant.ofEpochSecond(Math.floorDiv(ticks, 10_000_000L), Math.floorMod(ticks, 10_000_000L) * 100);
                }, a);
            }
            case TIMESPAN -> {
                timespan(c, a, 1);
                yield derived(KType.TIMESPAN, row -> {
                    Duration d = (Duration) v.eval(row);
                    Duration s = (Duration) size.eval(row);
                    return d == null || s == null || s.isNegative() || s.isZero() ? null
                            : Duration.ofNanos(Math.floorDiv(d.toNanos(), s.toNanos()) * s.toNanos());
                }, a);
            }
            case INT, LONG, REAL -> {
                number(c, a, 1);
                KType type = KType.widerNumber(v.type(), size.type()); // Kusto's widest, an int made long
                yield type == KType.REAL ? binReal(v, size, a) : derived(type, row -> {
                    Long x = Values.toLong(v.eval(row));
                    Long s = Values.toLong(size.eval(row));
                    if (x == null || s == null || s <= 0) {
                        return null;
                    }
                    return Math.floorDiv(x, s) * s;
                }, a);
            }
            default -> throw ExprCompiler.argError(c.function() + "(): argument 1 must be a number, a timespan or a"
                    + " datetime, not " + v.type().kustoName(), c, 0);
        };
    }

    /** Ticks (100 ns) from 0001-01-01 to 1970-01-01. */
    private static final long TICKS_AT_EPOCH = 621_355_968_000_000_000L;

    private static Scalar binReal(Scalar v, Scalar size, List<Scalar> a) {
        return derived(KType.REAL, row -> {
            Double x = Values.toReal(v.eval(row));
            Double s = Values.toReal(size.eval(row));
            return x == null || s == null || !(s > 0) ? null : Math.floor(x / s) * s;
        }, a);
    }

    /** {@code ceiling(number)}: of the argument's type (an integer is its own ceiling). */
    private static Scalar ceiling(Call c, List<Scalar> a) {
        count(c, 1, 1);
        Scalar s = number(c, a, 0);
        return s.type() == KType.REAL ? real(c, a, Math::ceil) : s;
    }

    /**
     * {@code round(number[, precision])}: to {@code precision} decimal digits (negative: to tens, hundreds...), half
     * away from zero, of the number's type.
     */
    private static Scalar round(Call c, List<Scalar> a) {
        count(c, 1, 2);
        Scalar s = number(c, a, 0);
        if (a.size() > 1) {
            integer(c, a, 1);
        }
        KType type = s.type();
        return derived(type, row -> {
            Object x = s.eval(row);
            Long digits = a.size() > 1 ? Values.toLong(a.get(1).eval(row)) : Long.valueOf(0);
            if (x == null || digits == null || x instanceof Double d && !Double.isFinite(d)) {
                return x == null || digits == null ? null : x;
            }
            java.math.BigDecimal exact = x instanceof Double d ? new java.math.BigDecimal(Double.toString(d))
                    : java.math.BigDecimal.valueOf(((Number) x).longValue());
            int scale = (int) Math.max(-400, Math.min(400, digits));
            java.math.BigDecimal r = exact.setScale(scale, java.math.RoundingMode.HALF_UP);
            return switch (type) {
                case INT -> (Object) r.intValue();
                case LONG -> (Object) r.longValue();
                default -> (Object) r.doubleValue();
            };
        }, a);
    }

    /** A function of one real (a number of any type converted); {@code f} may give null. */
    private static Scalar real(Call c, List<Scalar> a, java.util.function.DoubleFunction<Double> f) {
        count(c, 1, 1);
        Scalar s = number(c, a, 0);
        return derived(KType.REAL, row -> {
            Double x = Values.toReal(s.eval(row));
            return x == null ? null : f.apply(x);
        }, s);
    }

    private static Scalar realTest(Call c, List<Scalar> a, java.util.function.Predicate<Double> p) {
        count(c, 1, 1);
        Scalar s = number(c, a, 0);
        return derived(KType.BOOL, row -> {
            Double x = Values.toReal(s.eval(row));
            return x == null ? null : p.test(x);
        }, s);
    }

    /** Argument {@code i}, which Kusto's binder requires to be a number (int, long or real; not dynamic). */
    static Scalar number(Call c, List<Scalar> a, int i) {
        Scalar s = a.get(i);
        if (!s.type().numeric()) {
            throw ExprCompiler.argError(c.function() + "(): argument " + (i + 1) + " must be a number (int, long or"
                    + " real), not " + s.type().kustoName(), c, i);
        }
        return s;
    }

    /** Argument {@code i}, which must be an integer (int or long). */
    static Scalar integer(Call c, List<Scalar> a, int i) {
        Scalar s = a.get(i);
        if (s.type() != KType.INT && s.type() != KType.LONG) {
            throw ExprCompiler.argError(c.function() + "(): argument " + (i + 1) + " must be an integer (int or"
                    + " long), not " + s.type().kustoName(), c, i);
        }
        return s;
    }

    private static void timespan(Call c, List<Scalar> a, int i) {
        if (a.get(i).type() != KType.TIMESPAN) {
            throw ExprCompiler.argError(c.function() + "(): argument " + (i + 1) + " must be a timespan, not "
                    + a.get(i).type().kustoName(), c, i);
        }
    }

    private static Scalar extreme(Call c, List<Scalar> a, boolean max) {
        count(c, 2, 64);
        KType t = a.get(0).type();
        for (Scalar s : a) {
            if (ExprCompiler.Compare.common(t, s.type()) == null) {
                throw ExprCompiler.argError(c.function() + "(): arguments of types " + t.kustoName() + " and "
                        + s.type().kustoName(), c, a.indexOf(s));
            }
            t = t != s.type() && t.numeric() && s.type().numeric() ? KType.widerNumber(t, s.type()) : t;
        }
        KType type = t;
        return derived(type, row -> {
            Object best = null;
            for (Scalar s : a) {
                Object v = Values.convert(s.eval(row), type);
                if (v != null && (best == null || (ExprCompiler.Compare.compare(v, best) > 0) == max
                        && ExprCompiler.Compare.compare(v, best) != 0)) {
                    best = v;
                }
            }
            return best;
        }, a);
    }

    private interface LongOp {
        Long apply(long x, long y);
    }

    /** A bitwise function of integers, of type long; null in, null out. */
    private static Scalar bits(Call c, List<Scalar> a, int n, LongOp op) {
        count(c, n, n);
        for (int i = 0; i < n; i++) {
            integer(c, a, i);
        }
        return derived(KType.LONG, row -> {
            Long x = Values.toLong(a.get(0).eval(row));
            Long y = n > 1 ? Values.toLong(a.get(1).eval(row)) : Long.valueOf(0);
            return x == null || y == null ? null : op.apply(x, y);
        }, a);
    }

    private static void count(Call c, int min, int max) {
        Functions.count(c, min, max);
    }
}
