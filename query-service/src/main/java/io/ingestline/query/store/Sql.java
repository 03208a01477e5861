package io.ingestline.query.store;

import java.util.ArrayList;
import java.util.List;

/** SQL text being built, with its bound parameters in order: user text only ever goes into {@link #param}. */
final class Sql {
    private final StringBuilder text = new StringBuilder();
    private final List<Object> params = new ArrayList<>();

    Sql append(String sql) {
        text.append(sql);
        return this;
    }

    /**
     * A {@code ?} bound to {@code value}: a String, Long, Double, or String[] as a {@code VARCHAR[]} (DuckDB), or an
     * Integer, BigDecimal or OffsetDateTime (PostgreSQL).
     */
    Sql param(Object value) {
        text.append('?');
        params.add(value);
        return this;
    }

    String text() {
        return text.toString();
    }

    List<Object> params() {
        return List.copyOf(params);
    }
}
