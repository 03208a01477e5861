package io.ingestline.edge.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Objects;

/**
 * An API token as the edge keeps it: an id (its name, safe to log and to put on records) and the SHA-256 hash of the
 * secret. The secret itself is not kept.
 */
public record StaticToken(String id, byte[] secretHash) {
    public StaticToken {
        Objects.requireNonNull(id, "id");
        secretHash = secretHash.clone();
    }

    public static StaticToken of(String id, String secret) {
        return new StaticToken(id, sha256(secret));
    }

    @Override
    public byte[] secretHash() {
        return secretHash.clone();
    }

    static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    boolean matches(byte[] presentedHash) {
        return MessageDigest.isEqual(secretHash, presentedHash);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StaticToken t && t.id.equals(id) && MessageDigest.isEqual(t.secretHash, secretHash);
    }

    @Override
    public int hashCode() {
        return id.hashCode();
    }

    @Override
    public String toString() {
        return "StaticToken[" + id + "]";
    }
}
