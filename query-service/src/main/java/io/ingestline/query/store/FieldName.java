package io.ingestline.query.store;

/**
 * A field's name as a query writes it, from its keys: {@code json.} and the keys joined by {@code .}, each character
 * that the query language treats specially in a key escaped with {@code \} (white space and the other Unicode
 * separators, {@code ()[]{}":\^~.*?}). The same escaping as the file store's {@code q_name} macro
 * ({@link FacetSql}), so both stores name a field alike and the name parses back to the same keys.
 */
final class FieldName {
    private static final String SPECIAL = "()[]{}\":\\^~.*?";

    private FieldName() {
    }

    static String of(String[] keys) {
        StringBuilder out = new StringBuilder("json");
        for (String key : keys) {
            out.append('.');
            key.codePoints().forEach(c -> {
                if (special(c)) {
                    out.append('\\');
                }
                out.appendCodePoint(c);
            });
        }
        return out.toString();
    }

    private static boolean special(int c) {
        if (c == ' ' || (c >= '\t' && c <= '\r') || (c >= 0x1C && c <= 0x1F) || SPECIAL.indexOf(c) >= 0) {
            return true;
        }
        int type = Character.getType(c);
        return type == Character.SPACE_SEPARATOR || type == Character.LINE_SEPARATOR
                || type == Character.PARAGRAPH_SEPARATOR;
    }
}
