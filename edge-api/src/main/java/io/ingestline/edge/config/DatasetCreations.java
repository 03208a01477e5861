package io.ingestline.edge.config;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which token created which dataset, from the {@code created/<dataset>} records of the configuration topic: what
 * every edge node counts a token's new datasets from.
 */
public final class DatasetCreations {
    private final Map<String, String> creators = new ConcurrentHashMap<>();

    void put(String dataset, String tokenId) {
        creators.put(dataset, tokenId);
    }

    void remove(String dataset) {
        creators.remove(dataset);
    }

    public boolean recorded(String dataset) {
        return creators.containsKey(dataset);
    }

    /** Datasets the token is recorded as having created. */
    public int createdBy(String tokenId) {
        return (int) creators.values().stream().filter(tokenId::equals).count();
    }
}
