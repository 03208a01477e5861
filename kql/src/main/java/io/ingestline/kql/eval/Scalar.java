package io.ingestline.kql.eval;

/**
 * A compiled scalar expression: its static type and how to compute it from a row.
 *
 * @param type     the type Kusto gives the expression
 * @param eval     computes it; may throw {@link KqlRuntimeException}, which fails only the event at hand
 * @param constant whether it is the same for every row (a literal, or a function of literals without {@code now()})
 */
public record Scalar(KType type, Eval eval, boolean constant) {

    @FunctionalInterface
    public interface Eval {
        Object eval(Object[] row);
    }

    static Scalar of(KType type, Eval eval) {
        return new Scalar(type, eval, false);
    }

    static Scalar constant(KType type, Object value) {
        return new Scalar(type, row -> value, true);
    }

    Object eval(Object[] row) {
        return eval.eval(row);
    }

    /** The value, for a constant. */
    Object value() {
        return eval.eval(null);
    }
}
