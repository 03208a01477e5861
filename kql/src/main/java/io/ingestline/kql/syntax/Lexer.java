package io.ingestline.kql.syntax;

import io.ingestline.kql.KqlCompileException;
import io.ingestline.kql.syntax.Token.Kind;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Splits a transformation's text into tokens, as Kusto reads it: {@code //} comments to the end of the line; strings
 * in single or double quotes with backslash escapes, verbatim ({@code @'...'}), obfuscated ({@code h'...'}) or
 * between triple backticks; integers (decimal or {@code 0x}), reals ({@code 1.5}, {@code 2e3}); timespans
 * ({@code 90s}, {@code 1.5h}, {@code 100ms}); typed literals ({@code datetime(...)}, {@code timespan(...)},
 * {@code guid(...)}, {@code dynamic(...)}, {@code int(...)}, {@code long(...)}, {@code real(...)}, {@code bool(...)} and
 * their aliases) taken whole; hyphenated operator names ({@code project-away}) as one name.
 */
public final class Lexer {
    /** Operator names that contain a hyphen; {@code a-b} between other names is a subtraction. */
    private static final Set<String> HYPHENATED = Set.of("project-away", "project-rename", "project-keep",
            "project-reorder", "mv-expand", "mv-apply", "make-series", "top-nested", "top-hitters", "parse-where",
            "parse-kv");
    /** Type names that, before a parenthesis, make a literal: {@code datetime(2024-01-01)}, {@code int(-2)}. */
    private static final Set<String> TYPED = Set.of("datetime", "date", "timespan", "time", "guid", "dynamic", "int",
            "long", "real", "double", "bool", "boolean");
    /** Longest first, so that {@code ==} is not read as {@code =} then {@code =}. */
    private static final List<String> PUNCT = List.of("..", "==", "!=", "<>", "<=",
            ">=", "=~", "!~", "|", "(", ")", "[", "]", "{", "}", ",", ";", ".", "=", "<", ">", "+", "-", "*", "/", "%",
            "!", ":", "?");
    /** Timespan units, longest first within a shared prefix. */
    private static final List<String> UNITS = List.of("days", "day", "d", "hours", "hour", "hrs", "hr", "h", "minutes",
            "minute", "min", "m", "seconds", "second", "sec", "s", "milliseconds", "millisecond", "milli", "ms",
            "microseconds", "microsecond", "micros", "microsec", "ticks", "tick", "nanoseconds", "nanosecond", "nanos");

    private final String src;
    private int pos;
    private int line = 1;
    private int lineStart;

    private Lexer(String src) {
        this.src = src;
    }

    /** @throws KqlCompileException for text that is no token (an unclosed string, a stray character) */
    public static List<Token> tokens(String text) {
        Lexer l = new Lexer(text);
        List<Token> out = new ArrayList<>();
        for (Token t = l.next(); ; t = l.next()) {
            out.add(t);
            if (t.kind() == Kind.END) {
                return out;
            }
        }
    }

    private Token next() {
        skipSpaceAndComments();
        int startLine = line;
        int startCol = pos - lineStart + 1;
        if (pos >= src.length()) {
            return new Token(Kind.END, "", null, startLine, startCol);
        }
        char c = src.charAt(pos);
        if (c == '`' && src.startsWith("```", pos)) {
            int end = src.indexOf("```", pos + 3);
            if (end < 0) {
                throw error("unterminated ``` string", startLine, startCol, "```");
            }
            String s = src.substring(pos + 3, end);
            advanceTo(end + 3);
            return new Token(Kind.STRING, s, null, startLine, startCol);
        }
        if (c == '\'' || c == '"') {
            return new Token(Kind.STRING, quoted(false, startLine, startCol), null, startLine, startCol);
        }
        if ((c == 'h' || c == 'H') && pos + 2 < src.length() && src.charAt(pos + 1) == '@'
                && (src.charAt(pos + 2) == '\'' || src.charAt(pos + 2) == '"')) {
            pos += 2; // an obfuscated verbatim string: h@'...'
            return new Token(Kind.STRING, quoted(true, startLine, startCol), null, startLine, startCol);
        }
        if ((c == '@' || c == 'h' || c == 'H') && pos + 1 < src.length()
                && (src.charAt(pos + 1) == '\'' || src.charAt(pos + 1) == '"')) {
            pos++;
            return new Token(Kind.STRING, quoted(c == '@', startLine, startCol), null, startLine, startCol);
        }
        if (isDigit(c) || (c == '.' && pos + 1 < src.length() && isDigit(src.charAt(pos + 1)))) {
            return number(startLine, startCol);
        }
        if (Character.isLetter(c) || c == '_' || c == '$') {
            int start = pos;
            while (pos < src.length() && isNamePart(src.charAt(pos))) {
                pos++;
            }
            String word = src.substring(start, pos);
            int hyphen = pos;
            if (hyphen < src.length() && src.charAt(hyphen) == '-') {
                int end = hyphen + 1;
                while (end < src.length() && isNamePart(src.charAt(end))) {
                    end++;
                }
                if (HYPHENATED.contains(src.substring(start, end))) {
                    pos = end;
                    word = src.substring(start, end);
                }
            }
            if (word.equals("in") && pos < src.length() && src.charAt(pos) == '~') {
                pos++;
                word = "in~";
            }
            if (TYPED.contains(word)) {
                int open = pos;
                while (open < src.length() && src.charAt(open) == ' ') {
                    open++;
                }
                if (open < src.length() && src.charAt(open) == '(') {
                    pos = open + 1;
                    return new Token(Kind.TYPED_LITERAL, word, balanced(startLine, startCol, word).strip(), startLine,
                            startCol);
                }
            }
            return new Token(Kind.IDENT, word, null, startLine, startCol);
        }
        if (c == '!' && pos + 1 < src.length() && Character.isLetter(src.charAt(pos + 1))) {
            // a negated word operator: !contains, !has_cs, !in, !in~, !startswith, ...
            int start = pos++;
            while (pos < src.length() && isNamePart(src.charAt(pos))) {
                pos++;
            }
            if (pos < src.length() && src.charAt(pos) == '~' && src.substring(start, pos).equals("!in")) {
                pos++;
            }
            return new Token(Kind.IDENT, src.substring(start, pos), null, startLine, startCol);
        }
        for (String p : PUNCT) {
            if (src.startsWith(p, pos)) {
                pos += p.length();
                return new Token(Kind.PUNCT, p, null, startLine, startCol);
            }
        }
        throw error("unexpected character", startLine, startCol, String.valueOf(c));
    }

    private static boolean isNamePart(char c) {
        return Character.isLetterOrDigit(c) || c == '_' || c == '$';
    }

    private void skipSpaceAndComments() {
        while (pos < src.length()) {
            char c = src.charAt(pos);
            if (c == '\n') {
                pos++;
                line++;
                lineStart = pos;
            } else if (Character.isWhitespace(c)) {
                pos++;
            } else if (c == '/' && pos + 1 < src.length() && src.charAt(pos + 1) == '/') {
                while (pos < src.length() && src.charAt(pos) != '\n') {
                    pos++;
                }
            } else {
                return;
            }
        }
    }

    /** Reads a quoted string whose opening quote is at {@code pos}; verbatim strings have no escapes. */
    private String quoted(boolean verbatim, int startLine, int startCol) {
        char quote = src.charAt(pos++);
        StringBuilder b = new StringBuilder();
        while (pos < src.length()) {
            char c = src.charAt(pos++);
            if (c == quote) {
                if (verbatim && pos < src.length() && src.charAt(pos) == quote) {
                    b.append(quote);
                    pos++;
                    continue;
                }
                return b.toString();
            }
            if (c == '\n') {
                break;
            }
            if (c == '\\' && !verbatim) {
                if (pos >= src.length()) {
                    break;
                }
                char e = src.charAt(pos++);
                switch (e) {
                    case 'n' -> b.append('\n');
                    case 't' -> b.append('\t');
                    case 'r' -> b.append('\r');
                    case '\\', '\'', '"' -> b.append(e);
                    case 'u' -> {
                        if (pos + 4 > src.length()) {
                            throw error("\\u needs four hex digits", startLine, startCol, "\\u");
                        }
                        try {
                            b.append((char) Integer.parseInt(src.substring(pos, pos + 4), 16));
                        } catch (NumberFormatException ex) {
                            throw error("\\u needs four hex digits", startLine, startCol, "\\u" + src.substring(pos, pos + 4));
                        }
                        pos += 4;
                    }
                    default -> throw error("unknown escape \\" + e + " in a string", startLine, startCol, "\\" + e);
                }
                continue;
            }
            b.append(c);
        }
        throw error("unterminated string", startLine, startCol, String.valueOf(quote));
    }

    /** Reads up to the parenthesis that closes the one just passed, skipping quoted parts; returns what is inside. */
    private String balanced(int startLine, int startCol, String type) {
        int depth = 1;
        int start = pos;
        while (pos < src.length()) {
            char c = src.charAt(pos);
            if (c == '\'' || c == '"') {
                quoted(false, startLine, startCol);
                continue;
            }
            if (c == '\n') {
                line++;
                lineStart = pos + 1;
            }
            pos++;
            if (c == '(') {
                depth++;
            } else if (c == ')' && --depth == 0) {
                return src.substring(start, pos - 1);
            }
        }
        throw error(type + "( is not closed", startLine, startCol, type + "(");
    }

    /** An ASCII digit: numbers are written in them (Java's isDigit takes every script's, which no parser reads). */
    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isHexDigit(char c) {
        return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F';
    }

    private Token number(int startLine, int startCol) {
        int start = pos;
        if (src.startsWith("0x", pos) || src.startsWith("0X", pos)) {
            pos += 2;
            while (pos < src.length() && isHexDigit(src.charAt(pos))) {
                pos++;
            }
            if (pos == start + 2) {
                throw error("0x needs hex digits", startLine, startCol, src.substring(start, pos));
            }
            return new Token(Kind.LONG, src.substring(start, pos), null, startLine, startCol);
        }
        boolean real = false;
        while (pos < src.length() && isDigit(src.charAt(pos))) {
            pos++;
        }
        if (pos + 1 < src.length() && src.charAt(pos) == '.' && isDigit(src.charAt(pos + 1))) {
            real = true;
            pos++;
            while (pos < src.length() && isDigit(src.charAt(pos))) {
                pos++;
            }
        }
        if (pos < src.length() && (src.charAt(pos) == 'e' || src.charAt(pos) == 'E')) {
            int e = pos + 1;
            if (e < src.length() && (src.charAt(e) == '+' || src.charAt(e) == '-')) {
                e++;
            }
            if (e < src.length() && isDigit(src.charAt(e))) {
                real = true;
                pos = e;
                while (pos < src.length() && isDigit(src.charAt(pos))) {
                    pos++;
                }
            }
        }
        for (String unit : UNITS) {
            int end = pos + unit.length();
            if (src.startsWith(unit, pos) && (end >= src.length() || !isNamePart(src.charAt(end)))) {
                pos = end;
                return new Token(Kind.TIMESPAN, src.substring(start, pos), null, startLine, startCol);
            }
        }
        if (pos < src.length() && isNamePart(src.charAt(pos))) {
            int end = pos;
            while (end < src.length() && isNamePart(src.charAt(end))) {
                end++;
            }
            throw error("a number cannot be followed by letters", startLine, startCol, src.substring(start, end));
        }
        return new Token(real ? Kind.REAL : Kind.LONG, src.substring(start, pos), null, startLine, startCol);
    }

    private void advanceTo(int end) {
        for (int i = pos; i < end; i++) {
            if (src.charAt(i) == '\n') {
                line++;
                lineStart = i + 1;
            }
        }
        pos = end;
    }

    private static KqlCompileException error(String problem, int line, int column, String token) {
        return new KqlCompileException(problem, line, column, token);
    }
}
