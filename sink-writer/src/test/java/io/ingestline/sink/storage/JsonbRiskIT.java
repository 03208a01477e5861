package io.ingestline.sink.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.ingestline.sink.TestPostgres;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link JsonbRisk} against PostgreSQL itself (a UTF-8 database): of seeded random JSON texts built from the pieces
 * where {@code json} and {@code jsonb} part (escapes of NUL, of surrogates alone, paired, reversed, in either case,
 * behind an escaped backslash; numbers with exponents and digit runs around {@code numeric}'s limits), every one that
 * {@code json} takes and {@code jsonb} refuses is said risky. Replay a seed with {@code -Djsonb.seed=<seed>}.
 */
@Timeout(120)
class JsonbRiskIT {
    private static final String[] PIECES = {"\\u0000", "\\u0001", "\\ud800", "\\uD83D\\uDE00", "\\ud83d\\ude00",
        "\\udc00", "\\ude00\\ud83d", "\\ud83d", "\\uDBFF\\uDFFF", "\\ud800\\u0041", "\\\\u0000", "\\\\ud800", "\\u00e9",
        "\\u4e2d", "e12345", "E99999", "x", " ", "\\\"", "\\n", "😀", "é", "\\u000", "\\ud8", "\\ud800\\ud800",
        "\\uDC00\\uDBFF"};

    @Test
    void every_text_json_takes_and_jsonb_refuses_is_risky() throws Exception {
        long seed = Long.getLong("jsonb.seed", System.nanoTime());
        System.out.println("JsonbRiskIT seed " + seed + " (replay: -Djsonb.seed=" + seed + ")");
        Random random = new Random(seed);
        int parted = 0;
        int risky = 0;
        try (Connection c = TestPostgres.connect()) {
            c.setAutoCommit(false);
            for (int i = 0; i < 3000; i++) {
                String text = random.nextBoolean() ? string(random) : number(random);
                boolean json = takes(c, text, "json");
                boolean jsonb = takes(c, text, "jsonb");
                byte[] b = ("  " + text + " ").getBytes(StandardCharsets.UTF_8);
                boolean said = JsonbRisk.risky(b, 2, b.length - 3, true);
                if (json && !jsonb) {
                    parted++;
                    assertThat(said).as("seed %d: %s is taken by json, refused by jsonb", seed, text).isTrue();
                }
                if (said) {
                    risky++;
                }
                assertThat(jsonb && !json).as("seed %d: %s", seed, text).isFalse();
            }
            c.rollback();
        }
        System.out.printf("JsonbRiskIT: 3000 texts, %d taken by json only, %d said risky%n", parted, risky);
        assertThat(parted).as("seed %d: the pieces part json and jsonb", seed).isGreaterThan(100);
    }

    /** A JSON string of a few pieces. */
    private static String string(Random random) {
        StringBuilder b = new StringBuilder("{\"s\":\"");
        for (int n = random.nextInt(4); n >= 0; n--) {
            b.append(PIECES[random.nextInt(PIECES.length)]);
        }
        return b.append("\"}").toString();
    }

    /** A number whose digits or exponent are around {@code numeric}'s limits, or an ordinary one. */
    private static String number(Random random) {
        int kind = random.nextInt(6);
        if (kind == 0) { // around numeric's 16,383 digits after the point
            return "[0." + digits(random, 16_375 + random.nextInt(15)) + "]";
        }
        if (kind == 1) { // fewer such digits, with a four-digit exponent that adds to them
            return "[0." + digits(random, 6_380 + random.nextInt(20)) + "e-" + (9_990 + random.nextInt(10)) + "]";
        }
        StringBuilder b = new StringBuilder("[");
        if (random.nextBoolean()) {
            b.append('-');
        }
        int digits = random.nextInt(4) == 0 ? 900 + random.nextInt(300) : 1 + random.nextInt(20);
        b.append(1 + random.nextInt(9));
        for (int i = 1; i < digits; i++) {
            b.append(random.nextInt(10));
        }
        if (random.nextBoolean()) {
            b.append('.');
            int fraction = random.nextInt(4) == 0 ? 900 + random.nextInt(300) : 1 + random.nextInt(20);
            for (int i = 0; i < fraction; i++) {
                b.append(random.nextInt(10));
            }
        }
        if (random.nextInt(3) > 0) {
            b.append(random.nextBoolean() ? 'e' : 'E').append(new String[] {"", "+", "-"}[random.nextInt(3)]);
            int[] near = {9, 99, 999, 9999, 10000, 16383, 16384, 131071, 131072, 1000000};
            int e = random.nextBoolean() ? near[random.nextInt(near.length)] - random.nextInt(3) : random.nextInt(20000);
            b.append(random.nextInt(5) == 0 ? "0" : "").append(e);
        }
        return b.append(']').toString();
    }

    private static String digits(Random random, int n) {
        StringBuilder b = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            b.append((char) ('0' + random.nextInt(10)));
        }
        return b.toString();
    }

    /** Whether PostgreSQL's input function of the type takes the text. */
    private static boolean takes(Connection c, String text, String type) throws SQLException {
        Savepoint sp = c.setSavepoint();
        try (PreparedStatement q = c.prepareStatement("SELECT CAST(? AS " + type + ") IS NULL")) {
            q.setString(1, text);
            q.executeQuery().close();
            c.releaseSavepoint(sp);
            return true;
        } catch (SQLException e) {
            c.rollback(sp);
            return false;
        }
    }
}
