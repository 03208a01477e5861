package io.ingestline.query.lang;

/** The characters of the query text: what separates and ends words, and the escapes of a bare word. */
final class Chars {
    /** Characters that end a bare word unless escaped with a backslash. */
    static final String WORD_ENDS = "()[]{}\":";
    /** Characters a bare word must escape: those that end it, the escape itself and the refused {@code ^ ~}. */
    static final String SPECIAL = WORD_ENDS + "\\^~";

    private Chars() {
    }

    static boolean isSpace(char c) {
        return Character.isWhitespace(c);
    }

    static boolean endsWord(char c) {
        return isSpace(c) || WORD_ENDS.indexOf(c) >= 0;
    }

    /** A bare word's source as a {@link Term} pattern: escapes resolved but for {@code \*}, {@code \?}, {@code \\}. */
    static String pattern(String source) {
        StringBuilder out = new StringBuilder(source.length());
        for (int i = 0; i < source.length(); i++) {
            char c = source.charAt(i);
            if (c == '\\') {
                c = source.charAt(++i);
                if (c == '*' || c == '?' || c == '\\') {
                    out.append('\\');
                }
            }
            out.append(c);
        }
        return out.toString();
    }

    /** A bare word's source with every escape resolved. */
    static String unescape(String source) {
        StringBuilder out = new StringBuilder(source.length());
        for (int i = 0; i < source.length(); i++) {
            char c = source.charAt(i);
            out.append(c == '\\' ? source.charAt(++i) : c);
        }
        return out.toString();
    }
}
