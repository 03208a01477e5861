package io.ingestline.sink.storage;

/**
 * Where a backend sends a record it cannot store (a value storage refuses), with the reason: the dead-letter topic.
 * {@link #flush()} returns once every rejected record is durable, so a backend calls it before it commits the
 * offsets past them: nothing is dropped without a trace.
 */
public interface Rejects {
    void reject(SinkRecord record, String reason);

    void flush();
}
