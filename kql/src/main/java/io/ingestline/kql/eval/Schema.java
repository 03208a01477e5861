package io.ingestline.kql.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** The columns of a row, in order, with their types; a row is an {@code Object[]} in the same order. */
public final class Schema {
    private final List<String> names;
    private final List<KType> types;

    public Schema(List<String> names, List<KType> types) {
        if (names.size() != types.size()) {
            throw new IllegalArgumentException("names and types differ in length");
        }
        this.names = List.copyOf(names);
        this.types = List.copyOf(types);
    }

    public int size() {
        return names.size();
    }

    public String name(int i) {
        return names.get(i);
    }

    public KType type(int i) {
        return types.get(i);
    }

    public List<String> names() {
        return names;
    }

    /** The column's position, or -1. Column names are case-sensitive, as in Kusto. */
    public int indexOf(String name) {
        return names.indexOf(name);
    }

    /** This schema with {@code name} set to {@code type}: replaced in place when present, else appended. */
    Schema with(String name, KType type) {
        List<String> n = new ArrayList<>(names);
        List<KType> t = new ArrayList<>(types);
        int i = n.indexOf(name);
        if (i >= 0) {
            t.set(i, type);
        } else {
            n.add(name);
            t.add(type);
        }
        return new Schema(n, t);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Schema s && s.names.equals(names) && s.types.equals(types);
    }

    @Override
    public int hashCode() {
        return Objects.hash(names, types);
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("(");
        for (int i = 0; i < names.size(); i++) {
            b.append(i == 0 ? "" : ", ").append(names.get(i)).append(':').append(types.get(i).kustoName());
        }
        return b.append(')').toString();
    }
}
