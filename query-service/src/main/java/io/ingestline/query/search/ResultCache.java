package io.ingestline.query.search;

import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;

/**
 * The kept results of {@code /apiv2/search}, by {@code rsid}: bounded by the bytes of the results held (least recently
 * used first out) and by time (a result unused for the time to live is dropped). A result still being computed counts
 * nothing until it completes; a failed one is not kept.
 */
public final class ResultCache {
    private final long maxBytes;
    private final long ttlNanos;
    private final LongSupplier nanoTime;
    private final LinkedHashMap<String, Entry> entries = new LinkedHashMap<>(16, 0.75f, true);
    private long bytes;

    private static final class Entry {
        final CompletableFuture<SearchResult> result;
        long bytes;
        long usedAt;

        Entry(CompletableFuture<SearchResult> result, long usedAt) {
            this.result = result;
            this.usedAt = usedAt;
        }
    }

    public ResultCache(long maxBytes, Duration ttl) {
        this(maxBytes, ttl, System::nanoTime);
    }

    ResultCache(long maxBytes, Duration ttl, LongSupplier nanoTime) {
        this.maxBytes = maxBytes;
        this.ttlNanos = ttl.toNanos();
        this.nanoTime = nanoTime;
    }

    /** Keeps a result being computed under {@code id}. */
    public void put(String id, CompletableFuture<SearchResult> result) {
        Entry e = new Entry(result, nanoTime.getAsLong());
        synchronized (this) {
            remove(id);
            entries.put(id, e);
        }
        result.whenComplete((r, error) -> completed(id, e, r, error));
    }

    /** The result kept under {@code id}, or null when there is none (never kept, expired or pushed out). */
    public synchronized CompletableFuture<SearchResult> get(String id) {
        expire();
        Entry e = entries.get(id);
        if (e == null) {
            return null;
        }
        e.usedAt = nanoTime.getAsLong();
        return e.result;
    }

    /** The bytes held now. */
    public synchronized long bytes() {
        return bytes;
    }

    public synchronized int size() {
        return entries.size();
    }

    private synchronized void completed(String id, Entry e, SearchResult r, Throwable error) {
        if (entries.get(id) != e) {
            return;
        }
        if (error != null) {
            entries.remove(id);
            return;
        }
        e.bytes = r.bytes();
        bytes += e.bytes;
        expire();
        // Least recently used first; the newest result is kept even when it alone is over the budget, so the client
        // that asked for it can read it (its size is bounded by the result budget).
        Iterator<Map.Entry<String, Entry>> it = entries.entrySet().iterator();
        while (bytes > maxBytes && it.hasNext()) {
            Map.Entry<String, Entry> oldest = it.next();
            if (oldest.getValue() != e) {
                bytes -= oldest.getValue().bytes;
                it.remove();
            }
        }
    }

    private void expire() {
        long now = nanoTime.getAsLong();
        Iterator<Map.Entry<String, Entry>> it = entries.entrySet().iterator();
        while (it.hasNext()) {
            Entry e = it.next().getValue();
            if (now - e.usedAt > ttlNanos && e.result.isDone()) {
                bytes -= e.bytes;
                it.remove();
            }
        }
    }

    private void remove(String id) {
        Entry old = entries.remove(id);
        if (old != null) {
            bytes -= old.bytes;
        }
    }
}
