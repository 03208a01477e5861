package io.ingestline.model.auth;

import java.util.Locale;
import java.util.EnumSet;
import java.util.ArrayList;
import io.ingestline.model.Json;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * An API token as the pipeline keeps it: never the secret, only its SHA-256 hash. Secrets are 256 random bits, so an
 * unsalted hash is enough to make a stolen hash useless.
 *
 * @param id           short public id, safe to log and to put on records
 * @param name         what the operator called it
 * @param secretHash   SHA-256 of the secret, lower-case hex
 * @param datasets     dataset names or patterns ({@code *} matches any run of characters) it may write
 * @param capabilities what it may do
 * @param createdAt    when it was issued
 * @param rate         its own rate limit on each node; {@link RateLimiter.Limit#NONE} takes the node's default
 */
public record ApiToken(String id, String name, String secretHash, List<String> datasets, Set<Capability> capabilities,
        Instant createdAt, RateLimiter.Limit rate) {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String SECRET_PREFIX = "ilt_";

    public ApiToken {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(secretHash, "secretHash");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(rate, "rate");
        datasets = List.copyOf(datasets);
        capabilities = Set.copyOf(capabilities);
    }

    /**
     * What a token may do with its datasets. Administration is not a token capability: the admin API has its own
     * token.
     */
    public enum Capability {
        /** Send events (the edge's dialects). */
        INGEST,
        /** Search and read stored events (the query service). */
        QUERY
    }

    /** A new token and its secret: the only moment the secret exists outside the client. */
    public record Issued(ApiToken token, String secret) {
    }

    public static Issued issue(String name, List<String> datasets, Set<Capability> capabilities,
            RateLimiter.Limit rate, Instant now) {
        byte[] raw = new byte[32];
        RANDOM.nextBytes(raw);
        String secret = SECRET_PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
        byte[] idBytes = new byte[6];
        RANDOM.nextBytes(idBytes);
        ApiToken t = new ApiToken(HexFormat.of().formatHex(idBytes), name, hash(secret), datasets, capabilities, now,
                rate);
        return new Issued(t, secret);
    }

    /** An ingest token whose secret the operator chose (for example from an environment variable). */
    public static ApiToken ofSecret(String id, String secret, List<String> datasets) {
        return ofSecret(id, secret, datasets, Set.of(Capability.INGEST));
    }

    /** A token whose secret the operator chose, with these capabilities. */
    public static ApiToken ofSecret(String id, String secret, List<String> datasets, Set<Capability> capabilities) {
        return new ApiToken(id, id, hash(secret), datasets, capabilities, Instant.EPOCH, RateLimiter.Limit.NONE);
    }

    public static String hash(String secret) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** Its rate limit: its own where set, else the node's default. */
    public RateLimiter.Limit rateOr(RateLimiter.Limit nodeDefault) {
        return new RateLimiter.Limit(rate.eventsPerSecond() > 0 ? rate.eventsPerSecond() : nodeDefault.eventsPerSecond(),
                rate.bytesPerSecond() > 0 ? rate.bytesPerSecond() : nodeDefault.bytesPerSecond());
    }

    /** Whether it may ingest into {@code dataset}. */
    public boolean mayIngest(String dataset) {
        return may(Capability.INGEST, dataset);
    }

    /** Whether it may search {@code dataset}. */
    public boolean mayQuery(String dataset) {
        return may(Capability.QUERY, dataset);
    }

    private boolean may(Capability capability, String dataset) {
        return capabilities.contains(capability) && datasets.stream().anyMatch(p -> DatasetPattern.matches(p, dataset));
    }

    @Override
    public String toString() {
        return "ApiToken[" + id + " " + name + " " + datasets + " " + capabilities + "]";
    }

    /** The stored form in the configuration topic (the secret's hash, never the secret). */
    public byte[] toJson() {
        ApiToken t = this;
        ObjectNode n = Json.mapper().createObjectNode();
        n.put("id", t.id());
        n.put("name", t.name());
        n.put("secretHash", t.secretHash());
        ArrayNode ds = n.putArray("datasets");
        t.datasets().forEach(ds::add);
        ArrayNode caps = n.putArray("capabilities");
        t.capabilities().forEach(c -> caps.add(c.name().toLowerCase(Locale.ROOT)));
        n.put("createdAt", t.createdAt().toString());
        n.put("eventsPerSecond", t.rate().eventsPerSecond());
        n.put("bytesPerSecond", t.rate().bytesPerSecond());
        return n.toString().getBytes(StandardCharsets.UTF_8);
    }

    public static ApiToken fromJson(byte[] value) throws java.io.IOException {
        JsonNode n = Json.mapper().readTree(value);
        List<String> datasets = new ArrayList<>();
        n.path("datasets").forEach(d -> datasets.add(d.asText()));
        Set<ApiToken.Capability> caps = EnumSet.noneOf(ApiToken.Capability.class);
        n.path("capabilities").forEach(c -> caps.add(ApiToken.Capability.valueOf(c.asText().toUpperCase(Locale.ROOT))));
        return new ApiToken(n.path("id").asText(), n.path("name").asText(), n.path("secretHash").asText(), datasets,
                caps, Instant.parse(n.path("createdAt").asText()),
                new RateLimiter.Limit(n.path("eventsPerSecond").asLong(0), n.path("bytesPerSecond").asLong(0)));
    }
}
