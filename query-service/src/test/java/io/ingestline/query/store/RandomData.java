package io.ingestline.query.store;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ingestline.query.lang.Field;
import io.ingestline.query.lang.Query;
import io.ingestline.query.lang.Term;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Seeded random events and queries over a small vocabulary (so that queries find something), restricted to what both
 * the store and {@code Matcher} define alike: numbers written as Jackson writes them back (integers, halves), arrays
 * nested at most twice, letters whose lower case is one letter (ASCII, é, ï, Ø).
 */
final class RandomData {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> WORDS = List.of("error", "Error", "TIMEOUT", "disk", "full", "db-01", "x_y",
            "café", "Naïve", "NAÏVE", "ØRE", "øre", "10.0.0.7", "refused", "connection", "404", "4.5");
    private static final List<String> SEPARATORS = List.of(" ", ", ", ": ", " (", ") ", "\t", "/", "\"", "\\");
    private static final List<String> LEVELS = List.of("error", "Error", "warn", "INFO", "error: disk", "");
    private static final List<String> NAMES = List.of("ann", "Bob", "bo", "bob_2", "Émile", "zoë");
    private static final List<Field> FIELDS = List.of(Field.json("level"), Field.json("status"), Field.json("msg"),
            Field.json("user", "name"), Field.json("user", "roles"), Field.json("items", "sku"), Field.json("ratio"),
            Field.json("ok"), Field.json("n"), Field.json("missing"), Field.json("user"), Field.tag());
    private static final List<String> VALUES = List.of("error", "ERROR", "warn", "404", "404.0", "500", "4.5", "0.5",
            "true", "false", "ann", "bob", "admin", "A-1", "b-2", "web", "Émile", "émile", "ÉMILE", "db-01", "x_y",
            "disk full");
    private static final List<String> PATTERNS = List.of("err*", "*or", "e?ror", "b*", "?", "*-*", "4*", "*.5",
            "a\\*", "x\\_y", "*é*", "t*e");

    private final Random random;

    RandomData(Random random) {
        this.random = random;
    }

    private <T> T pick(List<T> items) {
        return items.get(random.nextInt(items.size()));
    }

    /** An event at {@code time}: a message of words, a level, a status, a user, items, tags and a few scalars. */
    String event(Instant time) {
        ObjectNode event = JSON.createObjectNode().put("_time", time.toString()).put("_id", "e" + random.nextLong());
        event.put("level", pick(LEVELS)).put("msg", message());
        switch (random.nextInt(4)) {
            case 0 -> event.put("status", 404);
            case 1 -> event.put("status", "404");
            case 2 -> event.put("status", 200 + random.nextInt(400));
            default -> { }
        }
        ObjectNode user = event.putObject("user").put("name", pick(NAMES));
        ArrayNode roles = user.putArray("roles");
        for (int i = random.nextInt(3); i > 0; i--) {
            roles.add(pick(List.of("admin", "Admin", "dev", "ops")));
        }
        if (random.nextBoolean()) {
            event.putArray("items").add(JSON.createObjectNode().put("sku", "A-1"))
                    .add(JSON.createObjectNode().set("sku", JSON.createArrayNode().add("B-2").add(7)));
        }
        ArrayNode tags = event.putArray("tags");
        for (int i = random.nextInt(3); i > 0; i--) {
            tags.add(pick(List.of("web", "WEB", "prod", "db")));
        }
        event.put("ratio", random.nextInt(10) / 2.0).put("ok", random.nextBoolean());
        if (random.nextBoolean()) {
            event.putNull("n");
        }
        return event.toString();
    }

    private String message() {
        StringBuilder out = new StringBuilder();
        for (int i = 1 + random.nextInt(5); i > 0; i--) {
            out.append(pick(WORDS)).append(i > 1 ? pick(SEPARATORS) : "");
        }
        return out.toString();
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
        for (int i = 2 + random.nextInt(2); i > 0; i--) {
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
                return new Query.Exists(pick(FIELDS), 0);
            case 3:
                return new Query.Range(pick(FIELDS), bound(), bound(), 0);
            default:
                return new Query.FieldMatch(pick(FIELDS), value(), 0);
        }
    }

    private Term freeText() {
        switch (random.nextInt(3)) {
            case 0:
                return Term.phrase(pick(WORDS) + pick(SEPARATORS) + pick(WORDS));
            case 1:
                return Term.word(pick(PATTERNS));
            default:
                return Term.word(pick(WORDS));
        }
    }

    private Term value() {
        int kind = random.nextInt(3);
        return kind == 0 ? Term.word(pick(PATTERNS)) : kind == 1 ? Term.phrase(pick(VALUES)) : Term.word(pick(VALUES));
    }

    private Query.Bound bound() {
        boolean inclusive = random.nextBoolean();
        switch (random.nextInt(4)) {
            case 0:
                return Query.Bound.open(inclusive);
            case 1:
                return new Query.Bound(pick(List.of("a", "bob", "E", "error", "warn", "ïz")), inclusive);
            default:
                return new Query.Bound(pick(List.of("0", "1.5", "404", "300", "500", "-1")), inclusive);
        }
    }

    /**
     * The time of the {@code i}-th of {@code events} over {@code span}: mostly moving forward as a stream does, on
     * whole seconds (many ties), a few late events, a quarter at 999 ms past their second.
     */
    Instant time(Instant start, Duration span, int i, int events) {
        long seconds = span.toSeconds() * i / events;
        if (random.nextInt(20) == 0) {
            seconds = Math.max(0, seconds - random.nextInt(7200));
        }
        return start.plusSeconds(seconds - seconds % 30).plusMillis(random.nextInt(4) == 0 ? 999 : 0);
    }

    /** A range inside [start, end): from a minute to the whole span, its ends on and off the hours. */
    Instant[] range(Instant start, Instant end) {
        long span = Duration.between(start, end).toSeconds();
        long from = random.nextInt(4) == 0 ? 0 : random.nextLong(span);
        long length = 60 + random.nextLong(Math.max(1, span - from));
        if (random.nextBoolean()) {
            from -= from % 3600;
        }
        return new Instant[] {start.plusSeconds(from), start.plusSeconds(Math.min(span + 3600, from + length))};
    }
}
