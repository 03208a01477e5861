package io.ingestline.query.search;

import io.ingestline.query.store.EventStore;
import io.ingestline.query.store.Page;
import io.ingestline.query.store.Search;
import io.ingestline.query.store.StoredEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Runs the store's work on this node: at most {@code concurrency} store calls at once, each waiting at most the
 * timeout for its turn ({@link BusyException} past it, which the API answers 503 with {@code Retry-After}), and the
 * background runs of {@code /apiv2/search}, which keep their result in the {@link ResultCache}.
 */
public final class Searches implements AutoCloseable {
    private final EventStore store;
    private final Semaphore turns;
    private final Duration wait;
    private final long resultBytes;
    private final ResultCache cache;
    private final ExecutorService background;

    /** No turn came within the wait: the node is busy. */
    public static final class BusyException extends RuntimeException {
        BusyException(String message) {
            super(message);
        }
    }

    public Searches(EventStore store, int concurrency, Duration wait, long resultBytes, ResultCache cache) {
        this.store = store;
        this.turns = new Semaphore(concurrency, true);
        this.wait = wait;
        this.resultBytes = resultBytes;
        this.cache = cache;
        // Background searches beyond four per turn are refused at once rather than queued: each would wait for a
        // turn anyway, and the rate limit per token keeps honest clients well below it.
        this.background = new ThreadPoolExecutor(0, concurrency * 4, 30, TimeUnit.SECONDS, new SynchronousQueue<>(),
                r -> {
                    Thread t = new Thread(r, "query-search");
                    t.setDaemon(true);
                    return t;
                });
    }

    public EventStore store() {
        return store;
    }

    public ResultCache cache() {
        return cache;
    }

    /** Runs {@code work} against the store in its turn. */
    public <T> T run(Supplier<T> work) {
        boolean got;
        try {
            got = turns.tryAcquire(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BusyException("interrupted while waiting for a turn");
        }
        if (!got) {
            throw new BusyException("every search slot of this node stayed busy for " + wait.toMillis() + " ms");
        }
        try {
            return work.get();
        } finally {
            turns.release();
        }
    }

    /** Starts computing a search's result in the background and keeps it under {@code id}. */
    public CompletableFuture<SearchResult> start(String id, SearchSpec spec) {
        CompletableFuture<SearchResult> result;
        try {
            result = CompletableFuture.supplyAsync(() -> compute(spec), background);
        } catch (RejectedExecutionException e) {
            throw new BusyException("too many searches are waiting on this node");
        }
        cache.put(id, result);
        return result;
    }

    /** The first events of the search (within the byte budget) and the count of the range. */
    SearchResult compute(SearchSpec spec) {
        long started = System.nanoTime();
        Search search = spec.search();
        Page page = run(() -> store.search(search));
        long total = run(() -> store.count(search));
        List<StoredEvent> kept = new ArrayList<>(page.events().size());
        long bytes = 0;
        boolean truncated = false;
        for (StoredEvent e : page.events()) {
            bytes += e.bytes();
            if (bytes > resultBytes) {
                truncated = true;
                break;
            }
            kept.add(e);
        }
        return new SearchResult(kept, Math.max(total, kept.size()), truncated, (System.nanoTime() - started) / 1e9);
    }

    /** Lets running searches finish for at most {@code wait}, then interrupts what is left. */
    public void close(Duration wait) {
        background.shutdown();
        try {
            background.awaitTermination(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        background.shutdownNow();
    }

    @Override
    public void close() {
        close(Duration.ZERO);
    }
}
