package io.ingestline.query.lang;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads Loggly's search query language (Lucene-based) by recursive descent; the grammar is in the module README.
 * Bounded: a query over {@value #MAX_BYTES} bytes of UTF-8, or nested deeper than {@value #MAX_DEPTH} (parentheses
 * and {@code NOT}/{@code -}/{@code +} prefixes), is refused; each character is read a bounded number of times.
 */
public final class QueryParser {
    public static final int MAX_BYTES = 64 * 1024;
    public static final int MAX_DEPTH = 100;

    private static final String CLAUSE = "a term, a \"phrase\", field:value, '(' or '*'";

    private final String text;
    private int pos;

    private QueryParser(String text) {
        this.text = text;
    }

    /** The query's tree; throws {@link QuerySyntaxException} for text it cannot read. */
    public static Query parse(String query) {
        if (query.length() > MAX_BYTES || (query.length() * 3L > MAX_BYTES && utf8Length(query) > MAX_BYTES)) {
            throw new QuerySyntaxException(1, "the query is longer than " + MAX_BYTES + " bytes");
        }
        QueryParser parser = new QueryParser(query);
        parser.skipSpace();
        if (parser.atEnd()) {
            throw QuerySyntaxException.expected(1, CLAUSE, "an empty query");
        }
        Query result = parser.or(0);
        parser.skipSpace();
        if (!parser.atEnd()) {
            throw parser.expected("AND, OR, NOT, " + CLAUSE + " or the end of the query");
        }
        return result;
    }

    private static long utf8Length(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }

    private Query or(int depth) {
        List<Query> clauses = new ArrayList<>();
        clauses.add(and(depth));
        while (skipSpace() && keyword("OR")) {
            pos += 2;
            clauses.add(and(depth));
        }
        return clauses.size() == 1 ? clauses.get(0) : new Query.Or(clauses, clauses.get(0).column());
    }

    private Query and(int depth) {
        List<Query> clauses = new ArrayList<>();
        clauses.add(unary(depth));
        while (skipSpace() && !atEnd() && peek() != ')' && !keyword("OR")) {
            if (keyword("AND")) {
                pos += 3;
            }
            clauses.add(unary(depth));
        }
        return clauses.size() == 1 ? clauses.get(0) : new Query.And(clauses, clauses.get(0).column());
    }

    private Query unary(int depth) {
        skipSpace();
        if (depth > MAX_DEPTH) {
            throw new QuerySyntaxException(column(), "the query is nested deeper than " + MAX_DEPTH);
        }
        int column = column();
        if (keyword("NOT")) {
            pos += 3;
            return new Query.Not(unary(depth + 1), column);
        }
        if (!atEnd() && (peek() == '-' || peek() == '+')) {
            char sign = text.charAt(pos++);
            if (atEnd() || Chars.isSpace(peek())) {
                throw expected("a term right after '" + sign + "'");
            }
            Query clause = primary(depth + 1);
            return sign == '-' ? new Query.Not(clause, column) : clause;
        }
        return primary(depth);
    }

    private Query primary(int depth) {
        int column = column();
        if (atEnd()) {
            throw expected(CLAUSE);
        }
        char c = peek();
        if (c == '(') {
            return group(depth);
        }
        if (c == '"') {
            return new Query.Text(freeText(phrase(), column), column);
        }
        if (c == '[' || c == '{') {
            throw new QuerySyntaxException(column, "a range needs a field: json.<path>:[a TO b]");
        }
        if (Chars.endsWord(c) || keyword("AND") || keyword("OR") || keyword("NOT")) {
            throw expected(CLAUSE);
        }
        String word = word();
        if (!atEnd() && peek() == ':') {
            return fieldClause(FieldNames.parse(word, column), column);
        }
        if (word.equals("*")) {
            return new Query.MatchAll(column);
        }
        return new Query.Text(freeText(Term.word(Chars.pattern(word)), column), column);
    }

    private Query group(int depth) {
        int open = column();
        pos++;
        skipSpace();
        if (!atEnd() && peek() == ')') {
            throw expected(CLAUSE + " inside the parentheses");
        }
        Query inner = or(depth + 1);
        skipSpace();
        if (atEnd() || peek() != ')') {
            throw expected("')' to close the '(' at column " + open);
        }
        pos++;
        return inner;
    }

    /** A free-text term must hold a word to search for (see {@link Words}). */
    private static Term freeText(Term term, int column) {
        if (Words.patterns(term).isEmpty()) {
            throw new QuerySyntaxException(column,
                    "the text has no letter or digit to search for; search a field for it (json.<path>:value)");
        }
        return term;
    }

    private Query fieldClause(Field field, int column) {
        pos++;
        if (atEnd() || Chars.isSpace(peek())) {
            throw expected("a value, a \"phrase\", a range or '*' right after ':'");
        }
        char c = peek();
        if (c == '"') {
            return new Query.FieldMatch(field, phrase(), column);
        }
        if (c == '[' || c == '{') {
            return range(field, column);
        }
        if (c == '(') {
            throw new QuerySyntaxException(column(), "field groups are not supported: write field:a OR field:b");
        }
        if (Chars.endsWord(c)) {
            throw expected("a value, a \"phrase\", a range or '*' after ':'");
        }
        String word = word();
        if (!atEnd() && peek() == ':') {
            throw new QuerySyntaxException(column(), "a ':' in a value must be escaped (\\:) or the value quoted");
        }
        return word.equals("*") ? new Query.Exists(field, column) : new Query.FieldMatch(field,
                Term.word(Chars.pattern(word)), column);
    }

    private Query range(Field field, int column) {
        boolean lowerInclusive = text.charAt(pos++) == '[';
        Query.Bound lower = bound(lowerInclusive);
        skipSpace();
        if (!keywordBefore("TO")) {
            throw expected("TO in the range");
        }
        pos += 2;
        Query.Bound upper = bound(true);
        skipSpace();
        if (atEnd() || (peek() != ']' && peek() != '}')) {
            throw expected("']' or '}' to close the range");
        }
        boolean upperInclusive = text.charAt(pos++) == ']';
        return new Query.Range(field, lower, new Query.Bound(upper.value(), upperInclusive), column);
    }

    private Query.Bound bound(boolean inclusive) {
        skipSpace();
        if (!atEnd() && peek() == '"') {
            return new Query.Bound(phrase().text(), inclusive);
        }
        if (atEnd() || Chars.endsWord(peek()) || keywordBefore("TO")) {
            throw expected("a value or '*' in the range");
        }
        String word = word();
        return word.equals("*") ? Query.Bound.open(inclusive) : new Query.Bound(Chars.unescape(word), inclusive);
    }

    /** A quoted phrase at pos: its text with the escapes resolved. */
    private Term phrase() {
        int open = column();
        pos++;
        StringBuilder out = new StringBuilder();
        while (!atEnd() && peek() != '"') {
            char c = text.charAt(pos++);
            if (c == '\\') {
                if (atEnd()) {
                    break;
                }
                c = text.charAt(pos++);
            }
            out.append(c);
        }
        if (atEnd()) {
            throw expected("'\"' to close the phrase opened at column " + open);
        }
        pos++;
        return Term.phrase(out.toString());
    }

    /** The source text of a bare word at pos (escapes kept), up to a character that ends words. */
    private String word() {
        int start = pos;
        while (!atEnd() && !Chars.endsWord(peek())) {
            char c = text.charAt(pos);
            if (c == '\\') {
                if (pos + 1 == text.length()) {
                    throw QuerySyntaxException.expected(column(), "a character after '\\'", "the end of the query");
                }
                pos += 2;
            } else if (c == '^' || c == '~') {
                throw new QuerySyntaxException(column(), c == '^' ? "boosts (^) are not supported"
                        : "fuzzy and proximity searches (~) are not supported");
            } else {
                pos++;
            }
        }
        return text.substring(start, pos);
    }

    /** An operator keyword (upper case only, as in Lucene) at pos, standing alone. */
    private boolean keyword(String keyword) {
        if (!text.startsWith(keyword, pos)) {
            return false;
        }
        int end = pos + keyword.length();
        return end == text.length() || Chars.isSpace(text.charAt(end)) || text.charAt(end) == '('
                || text.charAt(end) == ')' || text.charAt(end) == '"';
    }

    /** {@code TO} inside a range: followed by a space or by the range's end. */
    private boolean keywordBefore(String keyword) {
        if (!text.startsWith(keyword, pos)) {
            return false;
        }
        int end = pos + keyword.length();
        return end == text.length() || Chars.isSpace(text.charAt(end)) || "\"]}".indexOf(text.charAt(end)) >= 0;
    }

    private QuerySyntaxException expected(String what) {
        return QuerySyntaxException.expected(column(), what, found());
    }

    private String found() {
        if (atEnd()) {
            return "the end of the query";
        }
        for (String keyword : List.of("AND", "OR", "NOT", "TO")) {
            if (keyword(keyword)) {
                return keyword;
            }
        }
        return "'" + new String(Character.toChars(text.codePointAt(pos))) + "'";
    }

    /** Skips white space; always true, so that it can lead a loop condition. */
    private boolean skipSpace() {
        while (!atEnd() && Chars.isSpace(peek())) {
            pos++;
        }
        return true;
    }

    private boolean atEnd() {
        return pos >= text.length();
    }

    private char peek() {
        return text.charAt(pos);
    }

    private int column() {
        return pos + 1;
    }
}
