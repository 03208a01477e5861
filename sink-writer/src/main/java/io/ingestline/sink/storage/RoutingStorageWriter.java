package io.ingestline.sink.storage;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** Sends each dataset to the backend configuration names for it; every backend gets only its own partitions. */
public final class RoutingStorageWriter implements StorageWriter {
    private final Map<String, StorageWriter> backends;
    private final Function<String, String> backendOf;

    /**
     * @param backends  backends by name
     * @param backendOf the backend name of a dataset
     */
    public RoutingStorageWriter(Map<String, StorageWriter> backends, Function<String, String> backendOf) {
        this.backends = Map.copyOf(backends);
        this.backendOf = backendOf;
    }

    private StorageWriter of(String dataset) {
        StorageWriter w = backends.get(backendOf.apply(dataset));
        if (w == null) {
            throw new IllegalStateException("no storage backend for dataset " + dataset);
        }
        return w;
    }

    private Map<StorageWriter, List<DatasetPartition>> split(Collection<DatasetPartition> partitions) {
        Map<StorageWriter, List<DatasetPartition>> out = new LinkedHashMap<>();
        partitions.forEach(dp -> out.computeIfAbsent(of(dp.dataset()), w -> new ArrayList<>()).add(dp));
        return out;
    }

    @Override
    public Map<DatasetPartition, Long> open(Collection<DatasetPartition> partitions, int generation) {
        Map<DatasetPartition, Long> resume = new HashMap<>();
        split(partitions).forEach((w, dps) -> resume.putAll(w.open(dps, generation)));
        return resume;
    }

    @Override
    public void write(SinkRecord record) {
        of(record.dataset()).write(record);
    }

    @Override
    public void write(DatasetPartition dp, long offset, io.ingestline.model.DatasetRecord.Events events) {
        of(dp.dataset()).write(dp, offset, events);
    }

    @Override
    public boolean commitDue() {
        for (StorageWriter w : backends.values()) { // asked after every record: no stream
            if (w.commitDue()) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void commit(Map<DatasetPartition, Long> next, Fence fence) {
        split(next.keySet()).forEach((w, dps) -> {
            Map<DatasetPartition, Long> own = new LinkedHashMap<>();
            dps.forEach(dp -> own.put(dp, next.get(dp)));
            w.commit(own, fence);
        });
    }

    @Override
    public void release(Collection<DatasetPartition> partitions) {
        split(partitions).forEach(StorageWriter::release);
    }

    @Override
    public void close() {
        RuntimeException first = null;
        for (StorageWriter w : backends.values()) {
            try {
                w.close();
            } catch (RuntimeException e) {
                first = first == null ? e : first;
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
