package io.ingestline.query.lang;

import java.util.List;
import java.util.Objects;

/**
 * A searchable field: {@code json.<path>} (a key path into the event's JSON object, {@code path} holding the keys)
 * or {@code tag} (the event's tags, {@code path} empty).
 */
public record Field(Kind kind, List<String> path) {

    public enum Kind { JSON, TAG }

    public Field {
        Objects.requireNonNull(kind, "kind");
        path = List.copyOf(path);
        if ((kind == Kind.JSON) == path.isEmpty()) {
            throw new IllegalArgumentException("a json field has a path, a tag field none");
        }
    }

    public static Field json(String... keys) {
        return new Field(Kind.JSON, List.of(keys));
    }

    public static Field tag() {
        return new Field(Kind.TAG, List.of());
    }
}
