package io.ingestline.kql.eval;

import static org.assertj.core.api.Assertions.assertThat;

import io.ingestline.model.IsoTimes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The fast datetime paths against java.time.format on the same inputs: they must never disagree. */
class IsoTimesTest {
    private static final String[] SEEDS = {
        "2023-11-14T15:10:02Z", "2023-11-14T15:10:02.5Z", "2023-11-14T15:10:02.123456789Z", "2023-11-14 15:10:02",
        "2023-11-14T15:10:02", "2023-11-14T15:10:02+05:30", "2023-11-14T15:10:02.25-08:00", "2024-02-29T23:59:59Z",
        "2023-02-29T10:00:00Z", "2023-11-14T24:00:00Z", "2023-11-14 15:10:02.1234567", "2023-11-14T15:10Z",
        "2023-11-14", "11/14/2023 15:10:02", "2023-11-14T15:10:02.Z", "2023-11-14t15:10:02z",
        "2023-11-14T15:10:02+0530", "2023-11-14T15:10:02.1234567891Z", "0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z",
        "2023-11-14T15:10:02+18:00", "2023-11-14T15:10:02+19:00", "2023-11-14 15:10:02Z", "2023-13-01T00:00:00Z"};
    private static final String ALPHABET = "0123456789-:T .Z+zt/";

    @Test
    void parsing_agrees_with_java_time_on_seeds_and_on_their_mutations() {
        Random r = new Random(7);
        List<String> inputs = new ArrayList<>(List.of(SEEDS));
        for (int n = 0; n < 50_000; n++) {
            StringBuilder s = new StringBuilder(SEEDS[r.nextInt(SEEDS.length)]);
            for (int m = r.nextInt(3); m >= 0; m--) {
                int at = r.nextInt(s.length());
                switch (r.nextInt(3)) {
                    case 0 -> s.setCharAt(at, ALPHABET.charAt(r.nextInt(ALPHABET.length())));
                    case 1 -> s.deleteCharAt(at);
                    default -> s.insert(at, ALPHABET.charAt(r.nextInt(ALPHABET.length())));
                }
            }
            inputs.add(s.toString());
        }
        for (int n = 0; n < 20_000; n++) {
            String base = String.format("%04d-%02d-%02d%s%02d:%02d:%02d", r.nextInt(10_000), 1 + r.nextInt(12),
                    1 + r.nextInt(31), r.nextBoolean() ? "T" : " ", r.nextInt(25), r.nextInt(60), r.nextInt(61));
            String fraction = r.nextBoolean() ? "" : "." + Long.toString(Math.abs(r.nextLong())).substring(0,
                    1 + r.nextInt(9));
            String zone = switch (r.nextInt(4)) {
                case 0 -> "";
                case 1 -> "Z";
                case 2 -> String.format("%s%02d:%02d", r.nextBoolean() ? "+" : "-", r.nextInt(20), r.nextInt(60));
                default -> " ";
            };
            inputs.add(base + fraction + zone);
        }
        int fast = 0;
        for (String s : inputs) {
            String t = s.strip();
            if (t.isEmpty()) {
                continue;
            }
            Instant expected = Values.parseDateTimeSlowly(t);
            assertThat(Values.parseDateTime(s)).as(s).isEqualTo(expected);
            fast += IsoTimes.parse(t) != null ? 1 : 0;
        }
        assertThat(fast).as("inputs the fast path took").isGreaterThan(10_000);
    }

    @Test
    void formatting_agrees_with_java_time() {
        Random r = new Random(11);
        for (int n = 0; n < 50_000; n++) {
            Instant i = Instant.ofEpochSecond(r.nextLong() % 253_402_300_799L, r.nextInt(1_000_000_000)
                    / (n % 3 == 0 ? 1 : 10_000_000) * (n % 3 == 0 ? 1 : 10_000_000));
            assertThat(Values.formatDateTime(i)).isEqualTo(Values.formatDateTimeSlowly(i));
        }
        assertThat(Values.formatDateTime(Instant.parse("+12000-01-01T00:00:00Z")))
                .isEqualTo(Values.formatDateTimeSlowly(Instant.parse("+12000-01-01T00:00:00Z")));
    }
}
