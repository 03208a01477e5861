package io.ingestline.query.http;

import io.ingestline.model.auth.ApiToken;
import io.ingestline.model.auth.RateLimiter;
import io.ingestline.model.auth.TokenAuthenticator;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Who is asking, and whether they may: the token from {@code Authorization: bearer <token>} or HTTP Basic (the token
 * as the password, as Loggly's older clients send {@code username:password}; a Basic header with an empty password
 * takes the user name as the token), the {@code query} capability, the token's datasets, and its rate of searches.
 */
public final class Access {
    static final String CHALLENGE = "Basic realm=\"ingestline\", Bearer";

    private final TokenAuthenticator tokens;
    private final RateLimiter limiter;
    private final RateLimiter.Limit limit;

    public Access(TokenAuthenticator tokens, RateLimiter limiter, int searchesPerSecond) {
        this.tokens = tokens;
        this.limiter = limiter;
        this.limit = new RateLimiter.Limit(searchesPerSecond, 0);
    }

    /** The caller's token with the query capability; 401 without a known token, 403 without the capability. */
    public ApiToken caller(Context ctx) {
        String secret = secret(ctx.header("Authorization"));
        if (secret == null) {
            throw new ApiException(401, "authentication required: Authorization: bearer <token>, or HTTP Basic with the token as the password");
        }
        ApiToken token = tokens.authenticate(secret)
                .orElseThrow(() -> new ApiException(401, "unknown or revoked token"));
        if (!token.capabilities().contains(ApiToken.Capability.QUERY)) {
            throw new ApiException(403, "token " + token.id() + " lacks the query capability");
        }
        return token;
    }

    /** Refuses (403) a dataset the token may not read. */
    public void mayRead(ApiToken token, String dataset) {
        if (!token.mayQuery(dataset)) {
            throw new ApiException(403, "token " + token.id() + " may not read dataset " + dataset);
        }
    }

    /**
     * Counts one search against the token's rate; past it 503 with {@code Retry-After}, which is what Loggly documents
     * for a throttled query ("If you are sending requests at a high rate and receive a 503 error, you may have hit the
     * rate limit").
     */
    public void admitSearch(ApiToken token) {
        if (limit.none()) {
            return;
        }
        RateLimiter.State s = limiter.admit(token.id(), limit);
        if (!s.admitted()) {
            throw new ApiException(503, "rate limit: token " + token.id() + " may start " + limit.eventsPerSecond()
                    + " searches a second", 0, s.retryAfterSeconds());
        }
        limiter.charge(token.id(), limit, 1, 0);
    }

    /** The token in an Authorization header, or null. */
    static String secret(String authorization) {
        String bearer = TokenAuthenticator.bearer(authorization);
        if (bearer != null) {
            return bearer.isEmpty() ? null : bearer;
        }
        if (authorization == null) {
            return null;
        }
        String v = authorization.trim();
        if (v.length() <= 6 || !v.regionMatches(true, 0, "Basic ", 0, 6)) {
            return null;
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(v.substring(6).trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
        int colon = decoded.indexOf(':');
        String user = colon < 0 ? decoded : decoded.substring(0, colon);
        String password = colon < 0 ? "" : decoded.substring(colon + 1);
        String secret = password.isEmpty() ? user : password;
        return secret.isEmpty() ? null : secret;
    }
}
