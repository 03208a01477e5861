package io.ingestline.model;

/**
 * Keys of the compacted configuration topic ({@link Topics#config()}): {@code <kind>/<id>}, the value a JSON
 * document, a tombstone (null value) deleting it. Every node reads the topic from the start and follows it, so a
 * change reaches all of them within moments and survives restarts.
 */
public final class ConfigKeys {
    /** API tokens: {@code token/<id>}, value {@code {"id","name","secretHash","datasets","capabilities","createdAt"}}. */
    public static final String TOKEN = "token/";
    /** Data collection rules: {@code dcr/<immutableId>}, value as {@code DataCollectionRule.toJson()}. */
    public static final String DCR = "dcr/";
    /** Datasets' own rules: {@code dataset/<name>}, value as {@code DatasetRule.toJson()}. */
    public static final String DATASET = "dataset/";
    /** Who created a dataset's topic: {@code created/<dataset>}, value {@code {"dataset","token","at"}}; each edge
     * counts a token's new datasets from these. */
    public static final String CREATED = "created/";

    private ConfigKeys() {
    }

    public static String token(String id) {
        return TOKEN + id;
    }

    public static String dcr(String immutableId) {
        return DCR + immutableId;
    }

    public static String created(String dataset) {
        return CREATED + dataset;
    }

    public static String dataset(String name) {
        return DATASET + name;
    }
}
