package io.ingestline.kql.conformance;

import java.util.Map;

/**
 * One conformance case: a query over input columns and one event, and what must come of it: the output columns
 * ({@code out}, as {@code name:type, ...}), the row (JSON), a dropped row, a compile error (text, and
 * {@code line:column}) or a runtime failure (text). Unset expectations are not checked.
 */
record Case(String name, Map<String, String> columns, String event, String query, String out, String row,
        boolean dropped, String error, String errorAt, String failed) {
}
