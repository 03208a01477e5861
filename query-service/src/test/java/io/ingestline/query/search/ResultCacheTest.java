package io.ingestline.query.search;

import static org.assertj.core.api.Assertions.assertThat;

import io.ingestline.query.store.StoredEvent;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ResultCacheTest {
    private final AtomicLong clock = new AtomicLong();

    private static SearchResult result(int chars) {
        return new SearchResult(List.of(new StoredEvent(1, "f", 1, "x".repeat(chars))), 1, false, 0);
    }

    @Test
    void keeps_results_within_the_byte_budget_dropping_the_least_recently_used() {
        ResultCache cache = new ResultCache(10_000, Duration.ofMinutes(10), clock::get);
        cache.put("a", CompletableFuture.completedFuture(result(2_000)));
        cache.put("b", CompletableFuture.completedFuture(result(2_000)));
        assertThat(cache.get("a")).isNotNull(); // a is now the most recently used
        cache.put("c", CompletableFuture.completedFuture(result(2_000)));
        assertThat(cache.get("b")).isNull();
        assertThat(cache.get("a")).isNotNull();
        assertThat(cache.get("c")).isNotNull();
        assertThat(cache.bytes()).isLessThanOrEqualTo(10_000);
    }

    @Test
    void a_result_alone_over_the_budget_is_kept_for_its_reader_and_pushes_out_every_other() {
        ResultCache cache = new ResultCache(1_000, Duration.ofMinutes(10), clock::get);
        cache.put("small", CompletableFuture.completedFuture(result(10)));
        cache.put("big", CompletableFuture.completedFuture(result(5_000)));
        assertThat(cache.get("big")).isNotNull();
        assertThat(cache.get("small")).isNull();
        assertThat(cache.size()).isEqualTo(1);
    }

    @Test
    void drops_a_result_unused_for_its_time_to_live_but_not_one_in_use() {
        ResultCache cache = new ResultCache(1 << 20, Duration.ofSeconds(10), clock::get);
        cache.put("old", CompletableFuture.completedFuture(result(10)));
        cache.put("used", CompletableFuture.completedFuture(result(10)));
        clock.addAndGet(Duration.ofSeconds(6).toNanos());
        assertThat(cache.get("used")).isNotNull();
        clock.addAndGet(Duration.ofSeconds(6).toNanos());
        assertThat(cache.get("old")).isNull();
        assertThat(cache.get("used")).isNotNull();
        assertThat(cache.bytes()).isEqualTo(result(10).bytes());
    }

    @Test
    void a_running_search_counts_nothing_until_it_completes_and_a_failed_one_is_not_kept() {
        ResultCache cache = new ResultCache(1 << 20, Duration.ofSeconds(10), clock::get);
        CompletableFuture<SearchResult> running = new CompletableFuture<>();
        CompletableFuture<SearchResult> failing = new CompletableFuture<>();
        cache.put("running", running);
        cache.put("failing", failing);
        clock.addAndGet(Duration.ofMinutes(1).toNanos());
        assertThat(cache.get("running")).isSameAs(running);
        assertThat(cache.bytes()).isZero();
        failing.completeExceptionally(new IllegalStateException("boom"));
        assertThat(cache.get("failing")).isNull();
        running.complete(result(100));
        assertThat(cache.bytes()).isEqualTo(result(100).bytes());
    }
}
