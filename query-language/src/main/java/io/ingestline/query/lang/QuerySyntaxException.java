package io.ingestline.query.lang;

/**
 * A query the parser refuses, at a 1-based column of the query text (in UTF-16 chars), with what it expected or why
 * it refuses. The query service answers 400 with {@link #getMessage()}.
 */
public final class QuerySyntaxException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int column;
    private final String reason;

    public QuerySyntaxException(int column, String reason) {
        super("column " + column + ": " + reason);
        this.column = column;
        this.reason = reason;
    }

    static QuerySyntaxException expected(int column, String expected, String found) {
        return new QuerySyntaxException(column, "expected " + expected + ", found " + found);
    }

    public int column() {
        return column;
    }

    /** The message without the column. */
    public String reason() {
        return reason;
    }
}
