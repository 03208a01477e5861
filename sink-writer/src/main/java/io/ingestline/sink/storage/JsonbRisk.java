package io.ingestline.sink.storage;

/**
 * Whether an event's JSON text may be one that PostgreSQL's {@code json} takes and its {@code jsonb} refuses, so that a
 * table whose event column is {@code json} never holds a row that {@code event::jsonb} (what the query service reads)
 * would fail on. {@code json} only checks the syntax; {@code jsonb} also refuses a {@code \u0000} escape, an escaped
 * surrogate that is not part of a pair, a <code>&#92;u</code> escape above ASCII in a database whose encoding is not
 * UTF-8, and a number beyond {@code numeric}'s range (and values past 256 MB, far beyond any event's size). One pass
 * over the bytes that follows strings (escapes read whole, so that an escaped backslash is not taken for the start of
 * one; in text {@code json} takes, exact), erring on the side of yes: in strings, every {@code \u0000} and every escaped
 * surrogate but a high one followed by a low one; outside them, an {@code e} or {@code E} followed by an optional sign
 * and five digits or more (leading zeros included: an exponent of 10,000 or more, or a yes for nothing), and a run of
 * 1,000 digits or more ({@code numeric} takes up to 16,383 digits after the point and 131,072 before it). A yes costs a
 * check by PostgreSQL itself ({@code CAST(? AS jsonb)}), which decides: so it must be rare in ordinary events (a hex id
 * holding "e12345" is in a string, not a yes).
 */
final class JsonbRisk {
    /** Consecutive digits from which a number may exceed {@code numeric} (with an exponent of four digits at most). */
    static final int LONG_DIGITS = 1000;
    /** Exponent digits from which a number may exceed {@code numeric}. */
    static final int EXPONENT_DIGITS = 5;

    private JsonbRisk() {
    }

    /**
     * @param utf8 whether the database's encoding is UTF-8 (else any <code>&#92;u</code> escape above U+007F is a
     *             risk: {@code jsonb} cannot hold it)
     */
    static boolean risky(byte[] b, int off, int len, boolean utf8) {
        int end = off + len;
        boolean inString = false;
        int digits = 0;
        for (int i = off; i < end; i++) {
            byte c = b[i];
            if (inString) {
                if (c == '"') {
                    inString = false;
                } else if (c == '\\') {
                    // an escape, read whole: an escaped backslash before "u" is not taken for one
                    if (i + 5 < end && b[i + 1] == 'u') {
                        if (utf8 && pair(b, i, end)) {
                            i += 11;
                        } else if (escapeRisky(b, i + 2, utf8)) {
                            return true;
                        } else {
                            i += 5;
                        }
                    } else {
                        i++;
                    }
                }
                continue;
            }
            if (c >= '0' && c <= '9') {
                if (++digits >= LONG_DIGITS) {
                    return true;
                }
                continue;
            }
            digits = 0;
            if (c == '"') {
                inString = true;
            } else if ((c == 'e' || c == 'E') && longExponent(b, i + 1, end)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether the <code>&#92;u</code> escape at {@code at} is a high surrogate followed by a low one (a pair
     * {@code jsonb} takes in a UTF-8 database, as an emoji escaped by an ASCII-only encoder).
     */
    private static boolean pair(byte[] b, int at, int end) {
        return at + 11 < end && (b[at + 2] == 'd' || b[at + 2] == 'D') && between(b[at + 3], '8', 'b')
                && b[at + 6] == '\\' && b[at + 7] == 'u' && (b[at + 8] == 'd' || b[at + 8] == 'D')
                && between(b[at + 9], 'c', 'f') && hex(b[at + 4]) && hex(b[at + 5]) && hex(b[at + 10])
                && hex(b[at + 11]);
    }

    /** Whether a hex digit is within {@code [lo, hi]}, lowercase letters given (either case taken). */
    private static boolean between(byte h, char lo, char hi) {
        int v = Character.digit(h, 16);
        return v >= 0 && v >= Character.digit(lo, 16) && v <= Character.digit(hi, 16);
    }

    private static boolean hex(byte h) {
        return Character.digit(h, 16) >= 0;
    }

    /** The four hex digits of a <code>&#92;u</code> escape at {@code at}. */
    private static boolean escapeRisky(byte[] b, int at, boolean utf8) {
        byte h0 = b[at];
        byte h1 = b[at + 1];
        if (h0 == 'd' || h0 == 'D') {
            // D800-DFFF: a surrogate (and anything from D000 is above ASCII)
            return !utf8 || (h1 >= '8' && h1 <= '9') || (h1 >= 'a' && h1 <= 'f') || (h1 >= 'A' && h1 <= 'F');
        }
        if (h0 == '0' && h1 == '0') {
            byte h2 = b[at + 2];
            if (h2 == '0' && b[at + 3] == '0') {
                return true;
            }
            return !utf8 && !(h2 >= '0' && h2 <= '7');
        }
        return !utf8;
    }

    private static boolean longExponent(byte[] b, int at, int end) {
        if (at < end && (b[at] == '+' || b[at] == '-')) {
            at++;
        }
        int n = 0;
        while (at < end && b[at] >= '0' && b[at] <= '9') {
            if (++n >= EXPONENT_DIGITS) {
                return true;
            }
            at++;
        }
        return false;
    }
}
