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
            case "getmonth" -> date(c, a, d -> (long) d.getMonthValue(), KType.INT);
            case "getyear" -> date(c, a, d -> (long) d.getYear(), KType.INT);
            case "hourofday" -> date(c, a, d -> (long) d.getHour(), KType.INT);
            case "weekofyear" -> date(c, a, d -> (long) d.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR), KType.INT);
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
            case "ceiling" -> real(c, a, Math::ceil);
            case "exp" -> real(c, a, Math::exp);
            case "exp2" -> real(c, a, x -> Math.pow(2, x));
            case "exp10" -> real(c, a, x -> Math.pow(10, x));
            case "log" -> real(c, a, Math::log);
            case "log2" -> real(c, a, x -> Math.log(x) / Math.log(2));
            case "log10" -> real(c, a, Math::log10);
            case "sign" -> real(c, a, Math::signum);
            case "pow" -> {
                count(c, 2, 2);
                yield derived(KType.REAL, row -> {
                    Double x = Values.toReal(a.get(0).eval(row));
                    Double y = Values.toReal(a.get(1).eval(row));
                    return x == null || y == null ? null : Math.pow(x, y);
                }, a);
            }
            case "round" -> {
                count(c, 1, 2);
                yield derived(KType.REAL, row -> {
                    Double x = Values.toReal(a.get(0).eval(row));
                    Long digits = a.size() > 1 ? Values.toLong(a.get(1).eval(row)) : Long.valueOf(0);
                    if (x == null || digits == null || !Double.isFinite(x)) {
                        return x;
                    }
                    return new java.math.BigDecimal(Double.toString(x))
                            .setScale(digits.intValue(), java.math.RoundingMode.HALF_UP).doubleValue();
                }, a);
            }
            case "isnan" -> realTest(c, a, x -> x.isNaN());
            case "isinf" -> realTest(c, a, x -> x.isInfinite());
            case "isfinite" -> realTest(c, a, x -> Double.isFinite(x));
            case "max_of", "min_of" -> extreme(c, a, f.equals("max_of"));
            case "coalesce" -> {
                count(c, 1, 64);
                KType t = a.get(0).type();
                yield derived(t, row -> {
                    for (Scalar s : a) {
                        Object v = s.eval(row);
                        if (v != null && !(v instanceof String str && str.isEmpty())) {
                            return Values.convert(v, t);
                        }
                    }
                    return t == KType.STRING ? "" : null;
                }, a);
            }
            case "binary_and" -> bits(c, a, 2, (x, y) -> x & y);
            case "binary_or" -> bits(c, a, 2, (x, y) -> x | y);
            case "binary_xor" -> bits(c, a, 2, (x, y) -> x ^ y);
            case "binary_shift_left" -> bits(c, a, 2, (x, y) -> x << y);
            case "binary_shift_right" -> bits(c, a, 2, (x, y) -> x >> y);
            case "binary_not" -> bits(c, a, 1, (x, y) -> ~x);
            case "strcat_delim" -> {
                count(c, 3, 65); // the delimiter, then 2 to 64 arguments
                List<Scalar> parts = a.stream().map(ExprCompiler::text).toList();
                yield derived(KType.STRING, row -> {
                    String d = (String) parts.get(0).eval(row);
                    StringBuilder b = new StringBuilder();
                    for (int i = 1; i < parts.size(); i++) {
                        b.append(i == 1 ? "" : d).append((String) parts.get(i).eval(row));
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
            case "array_concat" -> derived(KType.DYNAMIC, row -> {
                ArrayNode out = Values.NODES.arrayNode();
                for (Scalar s : a) {
                    if (s.eval(row) instanceof JsonNode n && n.isArray()) {
                        out.addAll((ArrayNode) n);
                    } else {
                        return null;
                    }
                }
                return out;
            }, a);
            case "zip" -> derived(KType.DYNAMIC, row -> {
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
            }, a);
            default -> null;
        };
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

    private static Scalar makeDatetime(Call c, List<Scalar> a) {
        count(c, 3, 6);
        return derived(KType.DATETIME, row -> {
            long[] v = new long[6];
            for (int i = 0; i < a.size() && i < 6; i++) {
                Double d = Values.toReal(a.get(i).eval(row));
                if (d == null) {
                    return null;
                }
                v[i] = d.longValue();
                if (i == 5) {
                    double seconds = d;
                    try {
                        return LocalDateTime.of((int) v[0], (int) v[1], (int) v[2], (int) v[3], (int) v[4])
                                .toInstant(ZoneOffset.UTC).plusNanos(Math.round(seconds * 1e9));
                    } catch (java.time.DateTimeException e) {
                        return null;
                    }
                }
            }
            try {
                return LocalDateTime.of((int) v[0], (int) v[1], (int) v[2], (int) v[3], (int) v[4])
                        .toInstant(ZoneOffset.UTC);
            } catch (java.time.DateTimeException e) {
                return null;
            }
        }, a);
    }

    private static Scalar makeTimespan(Call c, List<Scalar> a) {
        count(c, 2, 4);
        return derived(KType.TIMESPAN, row -> {
            double[] v = new double[a.size()];
            for (int i = 0; i < v.length; i++) {
                Double d = Values.toReal(a.get(i).eval(row));
                if (d == null) {
                    return null;
                }
                v[i] = d;
            }
            // (hour, minute), (hour, minute, second) or (day, hour, minute, second)
            double seconds = switch (v.length) {
                case 2 -> v[0] * 3600 + v[1] * 60;
                case 3 -> v[0] * 3600 + v[1] * 60 + v[2];
                default -> v[0] * 86400 + v[1] * 3600 + v[2] * 60 + v[3];
            };
            return Duration.ofNanos(Math.round(seconds * 1e9));
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

    private static String part(Call c, Scalar s) {
        if (!s.constant() || s.type() != KType.STRING) {
            throw error(c.function() + "() takes the part as a constant string ('day', 'hour', ...)", c.at());
        }
        String p = (String) s.value();
        try {
            unit(p);
        } catch (IllegalArgumentException e) {
            throw error(c.function() + "(): unknown part '" + p + "'", c.at());
        }
        return p.toLowerCase(Locale.ROOT);
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

    private static Scalar datetimePart(Call c, List<Scalar> a) {
        count(c, 2, 2);
        String p = part(c, a.get(0));
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
                case "week" -> d.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR);
                case "day" -> d.getDayOfMonth();
                case "hour" -> d.getHour();
                case "minute" -> d.getMinute();
                case "second" -> d.getSecond();
                case "millisecond" -> d.getNano() / 1_000_000;
                case "microsecond" -> d.getNano() / 1_000;
                default -> d.getNano();
            };
        }, a);
    }

    /** {@code bin(value, roundTo)}: rounds down to a multiple; numbers, timespans, datetimes (from 0001-01-01). */
    private static Scalar bin(Call c, List<Scalar> a) {
        count(c, 2, 2);
        Scalar v = a.get(0);
        Scalar size = a.get(1);
        return switch (v.type()) {
            case DATETIME -> derived(KType.DATETIME, row -> {
                Instant i = (Instant) v.eval(row);
                Duration s = Values.toTimespan(size.eval(row));
                if (i == null || s == null || s.isZero()) {
                    return null;
                }
                long nanos = i.getEpochSecond() * 1_000_000_000L + i.getNano();
                long step = s.toNanos();
                return Instant.ofEpochSecond(0, Math.floorDiv(nanos, step) * step);
            }, a);
            case TIMESPAN -> derived(KType.TIMESPAN, row -> {
                Duration d = (Duration) v.eval(row);
                Duration s = Values.toTimespan(size.eval(row));
                return d == null || s == null || s.isZero() ? null
                        : Duration.ofNanos(Math.floorDiv(d.toNanos(), s.toNanos()) * s.toNanos());
            }, a);
            case INT, LONG -> size.type() == KType.REAL ? binReal(v, size, a) : derived(v.type(), row -> {
                Long x = Values.toLong(v.eval(row));
                Long s = Values.toLong(size.eval(row));
                if (x == null || s == null || s == 0) {
                    return null;
                }
                long r = Math.floorDiv(x, s) * s;
                return v.type() == KType.INT ? (Object) (int) r : (Object) r;
            }, a);
            default -> binReal(v, size, a);
        };
    }

    private static Scalar binReal(Scalar v, Scalar size, List<Scalar> a) {
        return derived(KType.REAL, row -> {
            Double x = Values.toReal(v.eval(row));
            Double s = Values.toReal(size.eval(row));
            return x == null || s == null || s == 0 ? null : Math.floor(x / s) * s;
        }, a);
    }

    private static Scalar real(Call c, List<Scalar> a, java.util.function.DoubleUnaryOperator f) {
        count(c, 1, 1);
        Scalar s = a.get(0);
        return derived(KType.REAL, row -> {
            Double x = Values.toReal(s.eval(row));
            return x == null ? null : f.applyAsDouble(x);
        }, s);
    }

    private static Scalar realTest(Call c, List<Scalar> a, java.util.function.Predicate<Double> p) {
        count(c, 1, 1);
        Scalar s = a.get(0);
        return derived(KType.BOOL, row -> {
            Double x = Values.toReal(s.eval(row));
            return x == null ? null : p.test(x);
        }, s);
    }

    private static Scalar extreme(Call c, List<Scalar> a, boolean max) {
        count(c, 1, 64);
        KType t = a.get(0).type();
        for (Scalar s : a) {
            if (ExprCompiler.Compare.common(t, s.type()) == null) {
                throw error(c.function() + "(): arguments of types " + t.kustoName() + " and " + s.type().kustoName(),
                        c.at());
            }
            t = t.numeric() && s.type().numeric() ? KType.widerNumber(t, s.type()) : t;
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
        long apply(long x, long y);
    }

    private static Scalar bits(Call c, List<Scalar> a, int n, LongOp op) {
        count(c, n, n);
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
