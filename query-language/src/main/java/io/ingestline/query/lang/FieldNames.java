package io.ingestline.query.lang;

import java.util.ArrayList;
import java.util.List;

/**
 * The field before a {@code :}: {@code tag}, or {@code json.} and a key path split at unescaped dots
 * ({@code json.a\.b} is the key {@code a.b}). Loggly's other fields ({@code syslog.*}, {@code http.*},
 * {@code logtype}, the parsed log types such as {@code apache.*}) are refused: the pipeline does not derive them.
 */
final class FieldNames {
    private FieldNames() {
    }

    static Field parse(String source, int column) {
        if (source.equals("tag")) {
            return Field.tag();
        }
        if (!source.startsWith("json.")) {
            throw new QuerySyntaxException(column, "the field '" + Chars.unescape(source)
                    + "' is not supported: search json.<path> or tag");
        }
        return new Field(Field.Kind.JSON, keys(source, "json.".length(), column));
    }

    private static List<String> keys(String source, int from, int column) {
        List<String> keys = new ArrayList<>();
        StringBuilder key = new StringBuilder();
        int keyStart = from;
        for (int i = from; i <= source.length(); i++) {
            char c = i < source.length() ? source.charAt(i) : '.';
            if (c == '\\') {
                key.append(source.charAt(++i));
            } else if (c == '.') {
                if (key.length() == 0) {
                    throw new QuerySyntaxException(column + keyStart, "expected a key name in the json path");
                }
                keys.add(key.toString());
                key.setLength(0);
                keyStart = i + 1;
            } else {
                key.append(c);
            }
        }
        return keys;
    }
}
