package io.ingestline.kql.eval;

import static io.ingestline.kql.eval.ExprCompiler.derived;
import static io.ingestline.kql.eval.ExprCompiler.error;

import io.ingestline.kql.syntax.Token;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;

/**
 * {@code + - * / %} on numbers (two integers, int or long, give a long, with 64-bit wrap-around on overflow; with a
 * real a real; a dynamic operand counts as a real; an integer division truncates; {@code %} is never negative,
 * {@code 0 <= N % D < abs(D)}, as the numerical operators page defines it), datetimes and timespans
 * ({@code datetime - datetime} is a timespan, {@code datetime ± timespan} a datetime, {@code timespan * number} and
 * {@code timespan / number} timespans, {@code timespan / timespan} a real).
 * Null in, null out. An integer division by zero fails the event.
 */
final class Arithmetic {
    private Arithmetic() {
    }

    static Scalar compile(String op, Scalar l, Scalar r, Token at) {
        KType a = l.type();
        KType b = r.type();
        if (numericLike(a) && numericLike(b)) {
            KType t = a == KType.REAL || b == KType.REAL || a == KType.DYNAMIC || b == KType.DYNAMIC ? KType.REAL
                    : KType.LONG;
            return numbers(op, t, l, r, at);
        }
        if (a == KType.DATETIME && b == KType.DATETIME && op.equals("-")) {
            return derived(KType.TIMESPAN, row -> {
                Instant x = (Instant) l.eval(row);
                Instant y = (Instant) r.eval(row);
                return x == null || y == null ? null : Duration.between(y, x);
            }, l, r);
        }
        if (a == KType.DATETIME && b == KType.TIMESPAN && (op.equals("+") || op.equals("-"))) {
            boolean plus = op.equals("+");
            return derived(KType.DATETIME, row -> {
                Instant x = (Instant) l.eval(row);
                Duration y = (Duration) r.eval(row);
                return x == null || y == null ? null : plus ? x.plus(y) : x.minus(y);
            }, l, r);
        }
        if (a == KType.TIMESPAN && b == KType.DATETIME && op.equals("+")) {
            return compile(op, r, l, at);
        }
        if (a == KType.TIMESPAN && b == KType.TIMESPAN) {
            return switch (op) {
                case "+", "-", "%" -> derived(KType.TIMESPAN, row -> {
                    Duration x = (Duration) l.eval(row);
                    Duration y = (Duration) r.eval(row);
                    if (x == null || y == null) {
                        return null;
                    }
                    if (op.equals("%")) {
                        if (y.isZero()) {
                            throw new KqlRuntimeException("timespan modulo by zero");
                        }
                        return Duration.ofNanos(x.toNanos() % y.toNanos());
                    }
                    return op.equals("+") ? x.plus(y) : x.minus(y);
                }, l, r);
                case "/" -> derived(KType.REAL, row -> {
                    Duration x = (Duration) l.eval(row);
                    Duration y = (Duration) r.eval(row);
                    return x == null || y == null ? null : (double) x.toNanos() / y.toNanos();
                }, l, r);
                default -> throw error("cannot multiply two timespans", at);
            };
        }
        if (a == KType.TIMESPAN && numericLike(b) && (op.equals("*") || op.equals("/"))) {
            boolean times = op.equals("*");
            return derived(KType.TIMESPAN, row -> {
                Duration x = (Duration) l.eval(row);
                Double y = Values.toReal(r.eval(row));
                if (x == null || y == null) {
                    return null;
                }
                if (!times && y == 0) {
                    throw new KqlRuntimeException("timespan divided by zero");
                }
                BigDecimal nanos = BigDecimal.valueOf(x.toNanos());
                BigDecimal f = BigDecimal.valueOf(y);
                return Duration.ofNanos((times ? nanos.multiply(f) : nanos.divide(f, java.math.MathContext.DECIMAL64))
                        .longValue());
            }, l, r);
        }
        if (numericLike(a) && b == KType.TIMESPAN && op.equals("*")) {
            return compile(op, r, l, at);
        }
        throw error("'" + op + "' cannot take " + a.kustoName() + " and " + b.kustoName()
                + (a == KType.STRING && b == KType.STRING ? " (strcat() joins strings)" : ""), at);
    }

    private static boolean numericLike(KType t) {
        return t.numeric() || t == KType.DYNAMIC;
    }

    private static Scalar numbers(String op, KType t, Scalar l, Scalar r, Token at) {
        if (t == KType.REAL) {
            return derived(KType.REAL, row -> {
                Double x = Values.toReal(l.eval(row));
                Double y = Values.toReal(r.eval(row));
                if (x == null || y == null) {
                    return null;
                }
                return switch (op) {
                    case "+" -> x + y;
                    case "-" -> x - y;
                    case "*" -> x * y;
                    case "/" -> x / y;
                    default -> modulo(x, y);
                };
            }, l, r);
        }
        return derived(t, row -> {
            Long x = Values.toLong(l.eval(row));
            Long y = Values.toLong(r.eval(row));
            if (x == null || y == null) {
                return null;
            }
            long v = switch (op) {
                case "+" -> x + y;
                case "-" -> x - y;
                case "*" -> x * y;
                case "/" -> {
                    if (y == 0) {
                        throw new KqlRuntimeException("integer division by zero");
                    }
                    yield x / y;
                }
                default -> {
                    if (y == 0) {
                        throw new KqlRuntimeException("integer modulo by zero");
                    }
                    yield y == Long.MIN_VALUE ? (x >= 0 ? x : x - Long.MIN_VALUE) : Math.floorMod(x, Math.abs(y));
                }
            };
            return v;
        }, l, r);
    }

    /** {@code x % y} of reals, never negative: in {@code [0, abs(y))}. */
    private static double modulo(double x, double y) {
        double m = x % y;
        if (m > 0 || Double.isNaN(m)) {
            return m;
        }
        if (m == 0) {
            return 0.0; // not -0.0
        }
        double up = m + Math.abs(y);
        return up < Math.abs(y) ? up : 0; // a tiny negative m rounds up to abs(y) itself
    }
}
