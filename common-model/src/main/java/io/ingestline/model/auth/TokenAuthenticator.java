package io.ingestline.model.auth;

import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * The tokens this node accepts: fixed ones from its settings plus those of the configuration topic, which
 * {@link io.ingestline.edge.config.ConfigStore} keeps up to date. Looks a secret up by its hash, then compares the
 * hashes in constant time.
 */
public final class TokenAuthenticator {
    private final Map<String, ApiToken> byHash = new ConcurrentHashMap<>();
    private final Map<String, ApiToken> byId = new ConcurrentHashMap<>();
    private final Set<String> fixedIds;

    /** @param fixed tokens from the node's settings: always accepted, never changed through the admin API */
    public TokenAuthenticator(Collection<ApiToken> fixed) {
        fixed.forEach(this::put);
        fixedIds = fixed.stream().map(ApiToken::id).collect(Collectors.toUnmodifiableSet());
    }

    /** Whether a token comes from the node's settings rather than the configuration topic. */
    public boolean isFixed(String id) {
        return fixedIds.contains(id);
    }

    /** The token whose secret this is, or empty. */
    public Optional<ApiToken> authenticate(String secret) {
        if (secret == null || secret.isEmpty()) {
            return Optional.empty();
        }
        String hash = ApiToken.hash(secret);
        ApiToken t = byHash.get(hash);
        if (t == null || !java.security.MessageDigest.isEqual(
                t.secretHash().getBytes(StandardCharsets.US_ASCII), hash.getBytes(StandardCharsets.US_ASCII))) {
            return Optional.empty();
        }
        return Optional.of(t);
    }

    /** Adds or replaces a token; a fixed token's id cannot be taken over. */
    public void put(ApiToken token) {
        if (fixedIds != null && fixedIds.contains(token.id())) {
            return;
        }
        ApiToken old = byId.put(token.id(), token);
        if (old != null) {
            byHash.remove(old.secretHash());
        }
        byHash.put(token.secretHash(), token);
    }

    /**
     * Applies a token record of the configuration topic ({@code ConfigKeys.TOKEN} + id): its stored form, or null
     * (a tombstone) for a revoked token. Throws {@link java.io.IOException} for a record it cannot read.
     */
    public void apply(String id, byte[] value) throws java.io.IOException {
        if (value == null) {
            remove(id);
        } else {
            put(ApiToken.fromJson(value));
        }
    }

    public void remove(String id) {
        if (fixedIds.contains(id)) {
            return;
        }
        ApiToken old = byId.remove(id);
        if (old != null) {
            byHash.remove(old.secretHash());
        }
    }

    public List<ApiToken> list() {
        return List.copyOf(byId.values());
    }

    public Optional<ApiToken> get(String id) {
        return Optional.ofNullable(byId.get(id));
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
