package io.ingestline.kql;

/**
 * A transformation that cannot be compiled: what is wrong, where (1-based line and column of the offending token) and
 * the token itself, so that a person can fix the rule. {@link #getMessage()} carries all of it.
 */
public final class KqlCompileException extends RuntimeException {
    private final String problem;
    private final int line;
    private final int column;
    private final String token;

    public KqlCompileException(String problem, int line, int column, String token) {
        super("line " + line + ", column " + column + (token == null || token.isEmpty() ? "" : " at '" + token + "'")
                + ": " + problem);
        this.problem = problem;
        this.line = line;
        this.column = column;
        this.token = token;
    }

    /** What is wrong, without the position. */
    public String problem() {
        return problem;
    }

    public int line() {
        return line;
    }

    public int column() {
        return column;
    }

    /** The offending token's text; empty at the end of the text. */
    public String token() {
        return token;
    }
}
