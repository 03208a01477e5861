package io.ingestline.edge.auth;

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

    private static boolean matches(String p, int pi, String s, int si) {
        while (pi < p.length()) {
            char c = p.charAt(pi);
            if (c == '*') {
                for (int k = si; k <= s.length(); k++) {
                    if (matches(p, pi + 1, s, k)) {
                        return true;
                    }
                }
                return false;
            }
            if (si >= s.length() || s.charAt(si) != c) {
                return false;
            }
            pi++;
            si++;
        }
        return si == s.length();
    }
}
