package io.ingestline.model.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RateLimiterTest {
    private final AtomicLong now = new AtomicLong();
    private final RateLimiter limiter = new RateLimiter(now::get);

    @Test
    void admits_until_a_second_worth_is_spent_then_refills_over_time() {
        RateLimiter.Limit limit = new RateLimiter.Limit(100, 0);
        assertThat(limiter.admit("t", limit).admitted()).isTrue();
        RateLimiter.State after = limiter.charge("t", limit, 150, 10_000);
        assertThat(after.remaining()).isZero();

        RateLimiter.State refused = limiter.admit("t", limit);
        assertThat(refused.admitted()).isFalse();
        assertThat(refused.retryAfterSeconds()).isEqualTo(1);
        assertThat(refused.limit()).isEqualTo(100);

        now.addAndGet(TimeUnit.MILLISECONDS.toNanos(600));
        assertThat(limiter.admit("t", limit).admitted()).isTrue();
        assertThat(limiter.admit("other", limit).admitted()).as("tokens have their own budgets").isTrue();
    }

    @Test
    void limits_bytes_too_and_no_limit_admits_everything() {
        RateLimiter.Limit bytes = new RateLimiter.Limit(0, 1000);
        limiter.charge("t", bytes, 1, 5000);
        assertThat(limiter.admit("t", bytes).admitted()).isFalse();
        assertThat(limiter.admit("t", bytes).retryAfterSeconds()).isEqualTo(5);
        assertThat(limiter.charge("u", RateLimiter.Limit.NONE, 1_000_000, 1_000_000_000).admitted()).isTrue();
        assertThat(limiter.admit("u", RateLimiter.Limit.NONE).admitted()).isTrue();
    }

    @Test
    void a_token_own_limit_wins_over_the_node_default() {
        ApiToken own = new ApiToken("a", "a", "h", java.util.List.of("*"), java.util.Set.of(ApiToken.Capability.INGEST),
                java.time.Instant.EPOCH, new RateLimiter.Limit(5, 0));
        assertThat(own.rateOr(new RateLimiter.Limit(100, 2000))).isEqualTo(new RateLimiter.Limit(5, 2000));
    }
}
