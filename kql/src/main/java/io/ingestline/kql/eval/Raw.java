package io.ingestline.kql.eval;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * An input field not yet converted to its column's type: converted when an operator first reads it
 * ({@link Values#read}), or written out as it came when nothing did and it already has its type's JSON form.
 */
record Raw(JsonNode node, KType type) {

    Object value() {
        return Values.fromJson(node, type);
    }

    /** The field as output JSON: as it came when that is already its type's form, else converted. */
    JsonNode json() {
        boolean asIs = switch (type) {
            case DYNAMIC -> true;
            case STRING -> node.isTextual();
            case LONG -> node.isIntegralNumber() && node.canConvertToLong();
            case INT -> node.isIntegralNumber() && node.canConvertToInt();
            case REAL -> node.isFloatingPointNumber();
            case BOOL -> node.isBoolean();
            case DATETIME -> node.isTextual() && canonicalTime(node.textValue());
            default -> false;
        };
        return asIs ? node : Values.toJson(value());
    }

    /** RFC 3339 in UTC as {@code yyyy-MM-ddTHH:mm:ss[.f...]Z}, checked by shape and then by parsing. */
    private static boolean canonicalTime(String s) {
        int n = s.length();
        if (n < 20 || s.charAt(n - 1) != 'Z' || s.charAt(10) != 'T' || s.charAt(4) != '-' || s.charAt(7) != '-'
                || s.charAt(13) != ':' || s.charAt(16) != ':') {
            return false;
        }
        for (int i = 0; i < n - 1; i++) {
            char c = s.charAt(i);
            if (!(c >= '0' && c <= '9') && i != 4 && i != 7 && i != 10 && i != 13 && i != 16 && !(i == 19 && c == '.')) {
                return false;
            }
        }
        return n == 20 || s.charAt(19) == '.' && n > 21;
    }
}
