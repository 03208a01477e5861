package io.ingestline.sink.storage;

/** One partition of a dataset's topic. */
public record DatasetPartition(String dataset, int partition) {
    @Override
    public String toString() {
        return dataset + "-" + partition;
    }
}
