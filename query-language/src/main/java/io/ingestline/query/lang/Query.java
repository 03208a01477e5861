package io.ingestline.query.lang;

import java.util.List;
import java.util.Objects;

/**
 * A parsed search query. Every node carries {@code column}: the 1-based position (in UTF-16 chars) of its first
 * character in the query text; a node built by hand (tests, generators) may use 0.
 */
public sealed interface Query {

    int column();

    /** All clauses hold: {@code a AND b}, and {@code a b} (the default operator is AND). At least two clauses. */
    record And(List<Query> clauses, int column) implements Query {
        public And {
            clauses = List.copyOf(clauses);
            if (clauses.size() < 2) {
                throw new IllegalArgumentException("AND needs two clauses or more");
            }
        }
    }

    /** At least one clause holds: {@code a OR b}. At least two clauses. */
    record Or(List<Query> clauses, int column) implements Query {
        public Or {
            clauses = List.copyOf(clauses);
            if (clauses.size() < 2) {
                throw new IllegalArgumentException("OR needs two clauses or more");
            }
        }
    }

    /** The clause does not hold: {@code NOT a}, {@code -a}. */
    record Not(Query clause, int column) implements Query {
        public Not {
            Objects.requireNonNull(clause, "clause");
        }
    }

    /** Every event: the query {@code *}. */
    record MatchAll(int column) implements Query {
    }

    /** A free-text word, wildcard word or phrase, searched in the event's text. */
    record Text(Term term, int column) implements Query {
        public Text {
            Objects.requireNonNull(term, "term");
        }
    }

    /** {@code field:value} or {@code field:"a phrase"}. */
    record FieldMatch(Field field, Term term, int column) implements Query {
        public FieldMatch {
            Objects.requireNonNull(field, "field");
            Objects.requireNonNull(term, "term");
        }
    }

    /** {@code field:*}: the field has a value. */
    record Exists(Field field, int column) implements Query {
        public Exists {
            Objects.requireNonNull(field, "field");
        }
    }

    /** {@code field:[a TO b]} (ends included), {@code field:{a TO b}} (excluded), or one of each. */
    record Range(Field field, Bound lower, Bound upper, int column) implements Query {
        public Range {
            Objects.requireNonNull(field, "field");
            Objects.requireNonNull(lower, "lower");
            Objects.requireNonNull(upper, "upper");
        }
    }

    /**
     * One end of a range: {@code value} is the literal text (escapes removed, no wildcards), or null for the open end
     * {@code *}.
     */
    record Bound(String value, boolean inclusive) {
        public static Bound open(boolean inclusive) {
            return new Bound(null, inclusive);
        }

        public boolean isOpen() {
            return value == null;
        }
    }
}
