package io.ingestline.kql.eval;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Azure Monitor's {@code parse_cef_dictionary} (transformations only): a CEF message to a dynamic bag. Azure documents
 * only that it "parses the Extension property of a CEF message into a dynamic key/value object", read as
 * {@code parse_cef_dictionary(m)["Extension"]}; what else the bag holds is our choice, from the CEF format
 * (ArcSight's "Implementing ArcSight Common Event Format"):
 *
 * <ul>
 *   <li>When the text holds {@code CEF:}, what comes before it (a syslog prefix) is skipped and the seven header
 *       fields, separated by {@code |} (escaped as {@code \|}, a backslash as {@code \\}), are {@code Version},
 *       {@code DeviceVendor}, {@code DeviceProduct}, {@code DeviceVersion}, {@code DeviceEventClassId}, {@code Name}
 *       and {@code Severity}, as strings; the rest, after the seventh {@code |}, is the extension. A header with
 *       fewer fields has only those. Without {@code CEF:}, the whole text is the extension.</li>
 *   <li>{@code Extension} is always there: a bag of the extension's {@code key=value} pairs, values as strings. A key
 *       is letters, digits, {@code _ . -} right before an unescaped {@code =}, at the start or after a space; a value
 *       runs to the space before the next key (so it may hold spaces), trailing spaces dropped. In values {@code \=}
 *       is {@code =}, {@code \\} a backslash, {@code \n} and {@code \r} a line feed and a carriage return; another
 *       escape is kept as written. A key given twice keeps its last value. Text before the first key is dropped.</li>
 * </ul>
 *
 * A semicolon is an ordinary character here (Azure asks to replace it before the call; we need not). One pass over
 * the text, no regular expression.
 */
final class Cef {
    static final String[] HEADER = {"Version", "DeviceVendor", "DeviceProduct", "DeviceVersion", "DeviceEventClassId",
        "Name", "Severity"};

    private Cef() {
    }

    static ObjectNode parse(String text) {
        ObjectNode out = Values.NODES.objectNode();
        int at = text.indexOf("CEF:");
        int extension = 0;
        if (at >= 0) {
            int from = at + 4;
            int field = 0;
            StringBuilder b = new StringBuilder();
            int i = from;
            for (; i < text.length() && field < HEADER.length; i++) {
                char c = text.charAt(i);
                if (c == '\\' && i + 1 < text.length() && (text.charAt(i + 1) == '|' || text.charAt(i + 1) == '\\')) {
                    b.append(text.charAt(++i));
                } else if (c == '|') {
                    out.put(HEADER[field++], b.toString());
                    b.setLength(0);
                } else {
                    b.append(c);
                }
            }
            if (field < HEADER.length && !b.isEmpty()) {
                out.put(HEADER[field], b.toString());
            }
            extension = field < HEADER.length ? text.length() : i;
        }
        out.set("Extension", extension(text, extension));
        return out;
    }

    /** The {@code key=value} pairs of {@code text} from {@code from}. */
    static ObjectNode extension(String text, int from) {
        ObjectNode bag = Values.NODES.objectNode();
        int key = -1;
        int eq = -1;
        for (int i = from; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == '=') {
                int start = i;
                while (start > from && keyChar(text.charAt(start - 1))) {
                    start--;
                }
                if (start < i && (start == from || Character.isWhitespace(text.charAt(start - 1)))) {
                    if (key >= 0) {
                        bag.put(text.substring(key, eq), value(text, eq + 1, start));
                    }
                    key = start;
                    eq = i;
                }
            }
        }
        if (key >= 0) {
            bag.put(text.substring(key, eq), value(text, eq + 1, text.length()));
        }
        return bag;
    }

    private static boolean keyChar(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '.' || c == '-';
    }

    private static String value(String text, int from, int to) {
        int end = to;
        while (end > from && Character.isWhitespace(text.charAt(end - 1))) {
            end--;
        }
        StringBuilder b = new StringBuilder(end - from);
        for (int i = from; i < end; i++) {
            char c = text.charAt(i);
            if (c == '\\' && i + 1 < end) {
                char next = text.charAt(++i);
                switch (next) {
                    case '=', '\\' -> b.append(next);
                    case 'n' -> b.append('\n');
                    case 'r' -> b.append('\r');
                    default -> b.append(c).append(next);
                }
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }
}
