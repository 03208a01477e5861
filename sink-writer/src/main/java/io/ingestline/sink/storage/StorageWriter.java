package io.ingestline.sink.storage;

import java.util.Collection;

/**
 * A storage backend, driven by one consumer thread. The sink commits an offset only after {@link #flush()} has
 * returned for every record up to it, so a backend may buffer between flushes but must hold everything durably when
 * flush returns.
 */
public interface StorageWriter extends AutoCloseable {

    /** Accepts one record; it may stay buffered until {@link #flush()}. */
    void write(SinkRecord record);

    /** Makes every record written so far durable (on disk, committed), or throws. */
    void flush();

    /** Releases what the backend holds for these partitions of a dataset; called after a flush on revocation. */
    void release(String dataset, Collection<Integer> partitions);

    /** Releases everything; the last {@link #flush()} has happened already. */
    @Override
    void close();
}
