package io.ingestline.model;

import java.util.Optional;

/**
 * Dataset name rules: 1 to 128 characters, ASCII letters, digits, {@code -} and {@code _}. These are Axiom's rules plus
 * {@code _} (Azure's output tables are named {@code Custom-Name_CL}); every valid name is also a valid part of a Kafka
 * topic name, and no two valid names collide in Kafka's metric names (no {@code .} allowed).
 */
public final class DatasetName {
    public static final int MAX_LENGTH = 128;
    /**
     * Names that are paths of the ingest APIs ({@code /v1/drain}, {@code /v1/ingest/..}, {@code /v1/datasets/..}):
     * a Baselime client could not reach a dataset so named, so no dialect may create one.
     */
    public static final java.util.Set<String> RESERVED = java.util.Set.of("drain", "ingest", "datasets");
    /**
     * The dataset the sink stores the dead-letter topic in (read straight from that topic: it has no dataset topic).
     * Reserved, in any case, so that no client can write into it or hide its events there; readers (the query
     * service) accept it.
     */
    public static final String DEAD_LETTERS = "_deadletter";

    private DatasetName() {
    }

    /** Why {@code name} is not a valid dataset name, or empty when it is. */
    public static Optional<String> problem(String name) {
        if (name == null || name.isEmpty()) {
            return Optional.of("dataset name is empty");
        }
        if (name.length() > MAX_LENGTH) {
            return Optional.of("dataset name is longer than " + MAX_LENGTH + " characters");
        }
        String lower = name.toLowerCase(java.util.Locale.ROOT);
        if (RESERVED.contains(lower)) {
            return Optional.of("dataset name '" + name + "' is reserved: /v1/" + name + " is a path of the ingest API");
        }
        if (lower.equals(DEAD_LETTERS)) {
            return Optional.of("dataset name '" + name + "' is reserved: it holds the pipeline's dead letters");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
            if (!ok) {
                return Optional.of("dataset name may hold only ASCII letters, digits, '-' and '_'");
            }
        }
        return Optional.empty();
    }

    public static boolean isValid(String name) {
        return problem(name).isEmpty();
    }
}
