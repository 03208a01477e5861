package io.ingestline.sink.storage;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Compresses on a thread of its own, so that a sink worker only copies bytes: the worker fills chunks and hands them
 * over; the compressor writes them, in the order handed over, into the files' compressing streams. The bytes handed
 * over and not yet written are bounded: past the bound the worker waits for the compressor, which always works its
 * queue down by itself (a wait that only the waiting thread could end, such as for a chunk another open file holds, is
 * what deadlocked the fixed pool of chunks this replaces). Full-size chunks are reused.
 */
final class Compressor implements AutoCloseable {
    static final int CHUNK = 1 << 20;
    /** Longest wait for the compressor: past it the disk under it is taken for stuck, and the commit fails. */
    private static final long PATIENCE_SECONDS = 60;

    private final ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "sink-compressor");
        t.setDaemon(true);
        return t;
    });
    private final long maxQueued;
    private final AtomicLong queued = new AtomicLong();
    private final Queue<byte[]> free = new ConcurrentLinkedQueue<>();
    private final AtomicInteger freeCount = new AtomicInteger();
    private final Object progress = new Object();
    private volatile IOException failure;

    /** @param maxQueued bytes handed over and not yet compressed past which the worker waits (one chunk always goes) */
    Compressor(long maxQueued) {
        this.maxQueued = maxQueued;
    }

    /** A chunk of {@code size} bytes to fill: a reused one when it is full-size and one is free. */
    byte[] chunk(int size) {
        if (size == CHUNK) {
            byte[] c = free.poll();
            if (c != null) {
                freeCount.decrementAndGet();
                return c;
            }
        }
        return new byte[size];
    }

    /** Bytes handed over and not yet written. */
    long queued() {
        return queued.get();
    }

    /**
     * Writes {@code length} bytes of the chunk into {@code out} on the compressor's thread; waits first while the
     * compressor is behind by more than the bound.
     */
    void write(OutputStream out, byte[] chunk, int length) throws IOException {
        awaitRoom();
        queued.addAndGet(chunk.length);
        thread.execute(() -> {
            try {
                if (failure == null) {
                    out.write(chunk, 0, length);
                }
            } catch (IOException e) {
                failure = e;
            } finally {
                if (chunk.length == CHUNK && freeCount.get() * (long) CHUNK < maxQueued) {
                    freeCount.incrementAndGet();
                    free.add(chunk);
                }
                queued.addAndGet(-chunk.length);
                synchronized (progress) {
                    progress.notifyAll();
                }
            }
        });
    }

    private void awaitRoom() throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(PATIENCE_SECONDS);
        synchronized (progress) {
            while (queued.get() >= maxQueued) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new IOException("the compressor wrote nothing for " + PATIENCE_SECONDS + " s");
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(progress, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted while waiting for the compressor", e);
                }
            }
        }
    }

    /** Finishes and closes the stream on the compressor's thread, after what was handed over before. */
    void close(OutputStream out) {
        thread.execute(() -> {
            try {
                out.close();
            } catch (IOException e) {
                if (failure == null) {
                    failure = e;
                }
            }
        });
    }

    /**
     * Waits until everything handed over is written; throws the first failure, again on every later call: once a
     * write failed, every write after it was skipped (for every file), so nothing this compressor wrote may be
     * committed and its writer must be replaced.
     */
    void drain() throws IOException {
        try {
            thread.submit(() -> { }).get(PATIENCE_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while compressing", e);
        } catch (ExecutionException e) {
            throw new IOException(e.getCause());
        } catch (TimeoutException e) {
            throw new IOException("the compressor did not finish within " + PATIENCE_SECONDS + " s", e);
        }
        IOException f = failure;
        if (f != null) {
            throw new IOException("an earlier write failed: " + f.getMessage(), f);
        }
    }

    @Override
    public void close() {
        thread.shutdown();
    }
}
