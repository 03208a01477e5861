package io.ingestline.sink.storage;

import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Compresses on a thread of its own, so that a sink worker only copies bytes: the worker fills 1 MiB chunks and
 * hands them over; the compressor writes them, in the order handed over, into the files' compressing streams. A
 * fixed pool of chunks bounds the memory held and makes the worker wait when compression falls behind.
 */
final class Compressor implements AutoCloseable {
    static final int CHUNK = 1 << 20;
    private static final int CHUNKS = 8;

    private final ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "sink-compressor");
        t.setDaemon(true);
        return t;
    });
    private final BlockingQueue<byte[]> free = new ArrayBlockingQueue<>(CHUNKS);
    private volatile IOException failure;

    Compressor() {
        for (int i = 0; i < CHUNKS; i++) {
            free.add(new byte[CHUNK]);
        }
    }

    /** An empty chunk to fill, waiting while every chunk is in use. */
    byte[] chunk() {
        try {
            return free.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the compressor", e);
        }
    }

    /** Writes {@code length} bytes of the chunk into {@code out} on the compressor's thread; the chunk comes back. */
    void write(OutputStream out, byte[] chunk, int length) {
        thread.execute(() -> {
            try {
                if (failure == null) {
                    out.write(chunk, 0, length);
                }
            } catch (IOException e) {
                failure = e;
            } finally {
                free.add(chunk);
            }
        });
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

    /** Waits until everything handed over is written; throws the first failure. */
    void drain() throws IOException {
        try {
            thread.submit(() -> { }).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while compressing", e);
        } catch (ExecutionException e) {
            throw new IOException(e.getCause());
        }
        IOException f = failure;
        if (f != null) {
            failure = null;
            throw f;
        }
    }

    @Override
    public void close() {
        thread.shutdown();
    }
}
