package io.ingestline.edge.http;

import io.ingestline.model.auth.ApiToken;
import io.ingestline.model.auth.RateLimiter;
import io.javalin.http.Context;

/**
 * Applies per-token rate limits to HTTP requests: refuses with 429 and {@code Retry-After} while a token's budget is
 * spent, and reports the budget in {@code X-RateLimit-Limit}, {@code X-RateLimit-Remaining} and
 * {@code X-RateLimit-Reset} (Unix seconds) as Axiom does.
 */
public final class RateLimits {
    private final RateLimiter limiter;
    private final RateLimiter.Limit nodeDefault;

    public RateLimits(RateLimiter limiter, RateLimiter.Limit nodeDefault) {
        this.limiter = limiter;
        this.nodeDefault = nodeDefault;
    }

    /** @throws RateLimitedException while the token's budget is spent */
    void admit(Context ctx, ApiToken token) {
        RateLimiter.Limit limit = token.rateOr(nodeDefault);
        RateLimiter.State s = limiter.admit(token.id(), limit);
        headers(ctx, limit, s);
        if (!s.admitted()) {
            ctx.header("Retry-After", Long.toString(s.retryAfterSeconds()));
            throw new RateLimitedException("rate limit of token " + token.id() + " reached; retry after "
                    + s.retryAfterSeconds() + " s");
        }
    }

    void charge(Context ctx, ApiToken token, long events, long bytes) {
        RateLimiter.Limit limit = token.rateOr(nodeDefault);
        headers(ctx, limit, limiter.charge(token.id(), limit, events, bytes));
    }

    private static void headers(Context ctx, RateLimiter.Limit limit, RateLimiter.State s) {
        if (limit.none()) {
            return;
        }
        ctx.header("X-RateLimit-Limit", Long.toString(s.limit()));
        ctx.header("X-RateLimit-Remaining", Long.toString(s.remaining()));
        ctx.header("X-RateLimit-Reset", Long.toString(System.currentTimeMillis() / 1000 + s.resetSeconds()));
    }

    /** A token over its rate: 429. */
    public static final class RateLimitedException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        RateLimitedException(String message) {
            super(message);
        }
    }
}
