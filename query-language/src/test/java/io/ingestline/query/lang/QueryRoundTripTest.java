package io.ingestline.query.lang;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A seeded property: random trees, printed by {@link QueryPrinter}, parse back to the same tree. The seed is printed;
 * rerun one with {@code -Dqlang.seed=<seed>}.
 */
@Timeout(60)
class QueryRoundTripTest {
    private static final int TREES = 20_000;
    private static final int[] ALPHABET = ("aZk09_ -+.,:;()[]{}\"\\*?^~!&|/=<>'\té€\u00a0😀").codePoints().toArray();
    private static final List<String> KEYWORDS = List.of("AND", "OR", "NOT", "TO", "and", "*", "-", "+");

    @Test
    void a_printed_random_tree_parses_back_to_the_same_tree() {
        long seed = Long.getLong("qlang.seed", System.nanoTime());
        System.out.println("QueryRoundTripTest seed: " + seed);
        Random random = new Random(seed);
        for (int i = 0; i < TREES; i++) {
            Query tree = new Generator(random).query(random.nextInt(6));
            String text = QueryPrinter.print(tree);
            assertThat(Trees.withoutPositions(QueryParser.parse(text)))
                    .as("seed %d, tree %d, text %s", seed, i, text).isEqualTo(tree);
        }
    }

    @Test
    void the_printer_writes_plain_queries_plainly() {
        String text = "error AND (a OR b) AND NOT json.status:[400 TO 499} AND tag:prod AND json.user:*"
                + " AND json.msg:\"disk full\" AND json.host:web-*";
        assertThat(QueryPrinter.print(QueryParser.parse(text))).isEqualTo(text);
    }

    /** Random trees with position 0, only of shapes the parser can produce. */
    private static final class Generator {
        private final Random random;

        Generator(Random random) {
            this.random = random;
        }

        Query query(int depth) {
            if (depth == 0 || random.nextInt(10) < 4) {
                return leaf();
            }
            switch (random.nextInt(3)) {
                case 0:
                    return new Query.And(clauses(depth - 1), 0);
                case 1:
                    return new Query.Or(clauses(depth - 1), 0);
                default:
                    return new Query.Not(query(depth - 1), 0);
            }
        }

        private List<Query> clauses(int depth) {
            List<Query> clauses = new ArrayList<>();
            int n = 2 + random.nextInt(3);
            for (int i = 0; i < n; i++) {
                clauses.add(query(depth));
            }
            return clauses;
        }

        private Query leaf() {
            switch (random.nextInt(6)) {
                case 0:
                    return new Query.MatchAll(0);
                case 1:
                    return new Query.Text(freeText(), 0);
                case 2:
                    return new Query.FieldMatch(field(), value(), 0);
                case 3:
                    return new Query.Exists(field(), 0);
                default:
                    return new Query.Range(field(), bound(), bound(), 0);
            }
        }

        /** A term with a word to search for, and not the lone {@code *} (that is {@link Query.MatchAll}). */
        private Term freeText() {
            while (true) {
                Term term = random.nextBoolean() ? Term.phrase(text()) : Term.word(pattern());
                if (!Words.patterns(term).isEmpty() && !term.text().equals("*")) {
                    return term;
                }
            }
        }

        /** A field value: any phrase, or any non-empty pattern but the lone {@code *} (that is {@link Query.Exists}). */
        private Term value() {
            if (random.nextBoolean()) {
                return Term.phrase(text());
            }
            while (true) {
                String pattern = pattern();
                if (!pattern.isEmpty() && !pattern.equals("*")) {
                    return Term.word(pattern);
                }
            }
        }

        private Field field() {
            if (random.nextInt(4) == 0) {
                return Field.tag();
            }
            List<String> keys = new ArrayList<>();
            int n = 1 + random.nextInt(3);
            while (keys.size() < n) {
                String key = text();
                if (!key.isEmpty()) {
                    keys.add(key);
                }
            }
            return new Field(Field.Kind.JSON, keys);
        }

        private Query.Bound bound() {
            boolean inclusive = random.nextBoolean();
            return random.nextInt(4) == 0 ? Query.Bound.open(inclusive) : new Query.Bound(text(), inclusive);
        }

        private String text() {
            if (random.nextInt(8) == 0) {
                return KEYWORDS.get(random.nextInt(KEYWORDS.size()));
            }
            StringBuilder out = new StringBuilder();
            int n = random.nextInt(7);
            for (int i = 0; i < n; i++) {
                out.appendCodePoint(ALPHABET[random.nextInt(ALPHABET.length)]);
            }
            return out.toString();
        }

        /** A word pattern: literal characters (escaped where the pattern needs it) and wildcards. */
        private String pattern() {
            StringBuilder out = new StringBuilder();
            for (int cp : text().codePoints().toArray()) {
                if (cp == '*' || cp == '?') {
                    out.append(random.nextBoolean() ? "\\" : "");
                } else if (cp == '\\') {
                    out.append('\\');
                }
                out.appendCodePoint(cp);
            }
            return out.toString();
        }
    }
}
