package io.ingestline.model.auth;

/** Dataset name patterns in tokens: an exact name, or {@code *} standing for any run of characters. */
public final class DatasetPattern {
    private DatasetPattern() {
    }

    public static boolean matches(String pattern, String dataset) {
        return matches(pattern, 0, dataset, 0);
    }

    /** Whether a pattern is well formed: dataset-name characters and {@code *}, 1 to 128 of them. */
    public static boolean isValid(String pattern) {
        return pattern != null && !pattern.isEmpty() && pattern.length() <= 128
                && pattern.chars().allMatch(c -> c == '*' || c == '-' || c == '_' || Character.isLetterOrDigit(c) && c < 128);
    }

    /**
     * Glob matching with one back-tracking point (the last {@code *}): linear in practice and never exponential, so a
     * pattern of many stars costs no more than a few passes over the name.
     */
    private static boolean matches(String p, int pi, String s, int si) {
        int star = -1;
        int resume = 0;
        while (si < s.length()) {
            if (pi < p.length() && p.charAt(pi) == '*') {
                star = pi++;
                resume = si;
            } else if (pi < p.length() && p.charAt(pi) == s.charAt(si)) {
                pi++;
                si++;
            } else if (star >= 0) {
                pi = star + 1;
                si = ++resume;
            } else {
                return false;
            }
        }
        while (pi < p.length() && p.charAt(pi) == '*') {
            pi++;
        }
        return pi == p.length();
    }
}
