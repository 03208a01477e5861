package io.ingestline.rules;

import io.ingestline.model.EventEnvelope;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * What a streaming pass ({@link EventTokens}) does with each top-level field name, worked out once per name instead
 * of once per event: its role ({@code _time}, {@code _id}, a declared column, or copied), the problem
 * {@link EventChecks#fieldName} finds in it, and for the first names put in the table (64 bits are handed out, one to
 * each entry made; an entry that loses its slot to another thread's wastes its bit) a bit of its own, so that an
 * event's names are checked for one given twice with a {@code long} instead of a set per event. A name keeps the one
 * entry it first got (entries are never replaced: a name's bit and role stay the same across events and threads);
 * names the table has no room for, and long ones, get an entry without a bit each time, and the caller checks them
 * with a set. A dataset whose first events bring many names that never come back (ids as keys) fills the table for
 * good: its later names then cost four probes and an entry each, a little more than before this cache.
 *
 * <p>The bytes route ({@link EventBytes}) finds a name by its UTF-8 bytes instead ({@link #of(byte[], int, int,
 * int)}): a second table of the same entries, made once per entry, so that a known name costs no string.
 *
 * <p>Bounded by count and size: {@value #SLOTS} entries of names up to {@value #MAX_CACHED_LENGTH} characters; safe
 * for any number of threads (entries are immutable and put in place by compare-and-set).
 */
final class FieldNames {
    static final byte TIME = 0;
    static final byte ID = 1;
    static final byte DECLARED = 2;
    static final byte COPIED = 3;

    private static final int SLOTS = 128;
    private static final int PROBES = 4;
    private static final int MAX_CACHED_LENGTH = 64;

    private final Set<String> declared;
    private final Set<String> outputs;
    private final AtomicReferenceArray<Name> table = new AtomicReferenceArray<>(SLOTS);
    /** The table's entries by their names' UTF-8 bytes, for the bytes route ({@link EventBytes}). */
    private final AtomicReferenceArray<Utf8Name> byBytes = new AtomicReferenceArray<>(SLOTS);
    private final AtomicInteger bits = new AtomicInteger();

    /** No declared columns and no transformation (a pass-through). */
    FieldNames(Set<String> declared) {
        this(declared, Set.of());
    }

    /**
     * @param declared the declared columns, read into the pass's small tree rather than copied
     * @param outputs  the columns a transformation's rows may have (its output schema): a copied field of another
     *                 name is never replaced by the row's
     */
    FieldNames(Set<String> declared, Set<String> outputs) {
        this.declared = declared;
        this.outputs = outputs;
    }

    /** How many columns are declared (read into the pass's small tree rather than copied). */
    int declared() {
        return declared.size();
    }

    /** One name's facts. */
    static final class Name {
        final String name;
        /** {@link #TIME}, {@link #ID}, {@link #DECLARED} or {@link #COPIED}. */
        final byte role;
        /** What {@link EventChecks#fieldName} says of it; null when nothing. */
        final String problem;
        /** Its bit among the names of one object; 0 when it has none (the caller checks it with a set). */
        final long bit;
        /** Whether a transformation's row may have a column of this name (which then replaces the copied field). */
        final boolean output;
        /** Whether it is the table's entry for its name (else made for one lookup: the table has no room for it). */
        final boolean kept;

        Name(String name, byte role, String problem, long bit, boolean output, boolean kept) {
            this.name = name;
            this.role = role;
            this.problem = problem;
            this.bit = bit;
            this.output = output;
            this.kept = kept;
        }
    }

    /** A table entry with its name's UTF-8 bytes and their hash ({@link Arrays#hashCode(byte[])}). */
    private record Utf8Name(byte[] utf8, int hash, Name name) {
    }

    /** The facts of {@code name}. */
    Name of(String name) {
        if (name.length() > MAX_CACHED_LENGTH) {
            return make(name, 0, false);
        }
        int h = name.hashCode();
        int i = (h ^ h >>> 16) & (SLOTS - 1);
        for (int probe = 0; probe < PROBES; probe++, i = (i + 1) & (SLOTS - 1)) {
            Name n = table.get(i);
            if (n == null) {
                int ordinal = bits.get() < Long.SIZE ? bits.getAndIncrement() : Long.SIZE;
                Name made = make(name, ordinal < Long.SIZE ? 1L << ordinal : 0, true);
                if (table.compareAndSet(i, null, made)) {
                    return made;
                }
                n = table.get(i); // another thread's, perhaps for this very name
            }
            if (n.name == name || n.name.equals(name)) {
                return n;
            }
        }
        return make(name, 0, false);
    }

    /**
     * The facts of the name whose UTF-8 bytes (well formed) are {@code b[from, to)}, {@code hash} being what
     * {@link Arrays#hashCode(byte[])} gives for them: found by its bytes when it has an entry there, without making
     * its string.
     */
    Name of(byte[] b, int from, int to, int hash) {
        int i = (hash ^ hash >>> 16) & (SLOTS - 1);
        for (int probe = 0; probe < PROBES; probe++, i = (i + 1) & (SLOTS - 1)) {
            Utf8Name n = byBytes.get(i);
            if (n == null) {
                Name made = of(new String(b, from, to - from, StandardCharsets.UTF_8));
                if (made.kept) {
                    // the table's entry for the name, which never changes: one entry here for the same name
                    byBytes.compareAndSet(i, null, new Utf8Name(Arrays.copyOfRange(b, from, to), hash, made));
                }
                return made;
            }
            if (n.hash == hash && Arrays.equals(n.utf8, 0, n.utf8.length, b, from, to)) {
                return n.name;
            }
        }
        return of(new String(b, from, to - from, StandardCharsets.UTF_8));
    }

    private Name make(String name, long bit, boolean kept) {
        byte role = name.equals(EventEnvelope.TIME) ? TIME : name.equals(EventEnvelope.ID) ? ID
                : declared.contains(name) ? DECLARED : COPIED;
        return new Name(name, role, EventChecks.fieldName(name), bit, outputs.contains(name), kept);
    }
}
