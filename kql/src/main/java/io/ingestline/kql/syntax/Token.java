package io.ingestline.kql.syntax;

/**
 * One token of a transformation's text.
 *
 * @param kind   what it is
 * @param text   its text as written; for a string its decoded value; for a typed literal such as
 *               {@code datetime(2024-01-01)} the type name
 * @param inner  for a typed literal, what is inside its parentheses, trimmed; else null
 * @param line   1-based line of its first character
 * @param column 1-based column of its first character
 */
public record Token(Kind kind, String text, String inner, int line, int column) {

    public enum Kind {
        /** A name: column, function, keyword ({@code project-away} and its kin are one name). */
        IDENT,
        /** A quoted name: {@code ['my column']} (made by the parser from its three tokens). */
        QUOTED_IDENT,
        STRING,
        /** An integer literal: decimal or {@code 0x} hex. */
        LONG,
        REAL,
        /** A timespan literal such as {@code 1d}, {@code 30m}, {@code 100ms}. */
        TIMESPAN,
        /** {@code datetime(...)}, {@code timespan(...)}, {@code guid(...)}, {@code dynamic(...)}: text holds the inside. */
        TYPED_LITERAL,
        PUNCT,
        END
    }

    public boolean is(Kind k, String t) {
        return kind == k && text.equals(t);
    }

    public boolean isPunct(String t) {
        return kind == Kind.PUNCT && text.equals(t);
    }

    /** A keyword or name, compared as Kusto does: case-sensitively. */
    public boolean isWord(String t) {
        return kind == Kind.IDENT && text.equals(t);
    }

    /** How a person would see it in the text. */
    public String shown() {
        return switch (kind) {
            case END -> "";
            case STRING -> "'" + text + "'";
            case TYPED_LITERAL -> text + "(" + inner + ")";
            default -> text;
        };
    }
}
