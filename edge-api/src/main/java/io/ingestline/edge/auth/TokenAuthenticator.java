package io.ingestline.edge.auth;

import java.util.List;
import java.util.Optional;

/**
 * Checks a presented secret against the known tokens. Compares hashes in constant time and goes through every token,
 * so the time taken tells nothing about which or how much of a secret matched.
 */
public final class TokenAuthenticator {
    private final List<StaticToken> tokens;

    public TokenAuthenticator(List<StaticToken> tokens) {
        this.tokens = List.copyOf(tokens);
    }

    /** The id of the token whose secret this is, or empty. */
    public Optional<String> authenticate(String secret) {
        if (secret == null || secret.isEmpty()) {
            return Optional.empty();
        }
        byte[] presented = StaticToken.sha256(secret);
        String found = null;
        for (StaticToken t : tokens) {
            if (t.matches(presented) && found == null) {
                found = t.id();
            }
        }
        return Optional.ofNullable(found);
    }

    /** The secret of an {@code Authorization: Bearer <secret>} header value, or null. */
    public static String bearer(String authorization) {
        if (authorization == null) {
            return null;
        }
        String v = authorization.trim();
        if (v.length() > 7 && v.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return v.substring(7).trim();
        }
        return null;
    }
}
