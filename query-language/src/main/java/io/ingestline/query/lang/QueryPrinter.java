package io.ingestline.query.lang;

import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Writes a query back as text that {@link QueryParser} reads to the same tree (positions aside): explicit
 * {@code AND}/{@code OR}/{@code NOT}, parentheses only where the tree needs them, every special character escaped.
 */
public final class QueryPrinter {
    private static final Pattern PLAIN_BOUND = Pattern.compile("[\\p{L}\\p{N}._-]+");
    private static final List<String> KEYWORDS = List.of("AND", "OR", "NOT", "TO");

    private QueryPrinter() {
    }

    public static String print(Query query) {
        if (query instanceof Query.And and) {
            return join(and.clauses(), " AND ", true);
        }
        if (query instanceof Query.Or or) {
            return join(or.clauses(), " OR ", false);
        }
        if (query instanceof Query.Not not) {
            Query clause = not.clause();
            return "NOT " + (clause instanceof Query.And || clause instanceof Query.Or ? group(clause) : print(clause));
        }
        if (query instanceof Query.Text text) {
            return term(text.term());
        }
        if (query instanceof Query.FieldMatch match) {
            return field(match.field()) + ":" + term(match.term());
        }
        if (query instanceof Query.Exists exists) {
            return field(exists.field()) + ":*";
        }
        if (query instanceof Query.Range range) {
            return field(range.field()) + ":" + (range.lower().inclusive() ? "[" : "{") + bound(range.lower())
                    + " TO " + bound(range.upper()) + (range.upper().inclusive() ? "]" : "}");
        }
        return "*";
    }

    /** Clauses joined; an OR clause, and under AND also an AND clause, is put in parentheses. */
    private static String join(List<Query> clauses, String operator, boolean groupAnd) {
        return clauses.stream()
                .map(c -> c instanceof Query.Or || (groupAnd && c instanceof Query.And) ? group(c) : print(c))
                .collect(Collectors.joining(operator));
    }

    private static String group(Query query) {
        return "(" + print(query) + ")";
    }

    private static String term(Term term) {
        return term.phrase() ? quote(term.text()) : word(term.text());
    }

    /** A pattern as a bare word: its own escapes kept, special characters and a leading sign escaped. */
    private static String word(String pattern) {
        StringBuilder out = new StringBuilder(pattern.length() + 4);
        if (KEYWORDS.contains(pattern) || pattern.startsWith("-") || pattern.startsWith("+")) {
            out.append('\\');
        }
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (c == '\\') {
                out.append(c).append(pattern.charAt(++i));
                continue;
            }
            if (Chars.isSpace(c) || Chars.SPECIAL.indexOf(c) >= 0) {
                out.append('\\');
            }
            out.append(c);
        }
        return out.toString();
    }

    private static String quote(String text) {
        return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private static String field(Field field) {
        if (field.kind() == Field.Kind.TAG) {
            return "tag";
        }
        StringBuilder out = new StringBuilder("json");
        for (String key : field.path()) {
            out.append('.');
            for (int i = 0; i < key.length(); i++) {
                char c = key.charAt(i);
                if (Chars.isSpace(c) || Chars.SPECIAL.indexOf(c) >= 0 || c == '.' || c == '*' || c == '?') {
                    out.append('\\');
                }
                out.append(c);
            }
        }
        return out.toString();
    }

    private static String bound(Query.Bound bound) {
        if (bound.isOpen()) {
            return "*";
        }
        String value = bound.value();
        return PLAIN_BOUND.matcher(value).matches() && !KEYWORDS.contains(value) ? value : quote(value);
    }
}
