package io.ingestline.model.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class DatasetPatternTest {

    @Test
    void matches_as_a_regular_expression_of_the_same_pattern_does() {
        long seed = Long.getLong("pattern.seed", System.nanoTime());
        System.out.println("DatasetPatternTest seed " + seed + " (-Dpattern.seed=" + seed + " replays it)");
        Random random = new Random(seed);
        for (int i = 0; i < 20_000; i++) {
            String pattern = random(random, "ab*", 1 + random.nextInt(8));
            String name = random(random, "ab", 1 + random.nextInt(10));
            boolean expected = Pattern.matches(pattern.replace("*", ".*"), name);
            assertThat(DatasetPattern.matches(pattern, name)).as("%s against %s", pattern, name).isEqualTo(expected);
        }
    }

    @Test
    void a_pattern_of_many_stars_against_a_long_name_that_fails_returns_at_once() {
        // The recursive matcher tried every split: 2^60 of them here.
        String pattern = "a*".repeat(60) + "b";
        String name = "a".repeat(128);
        assertThat(DatasetPattern.matches(pattern, name)).isFalse();
        assertThat(DatasetPattern.matches(pattern, name + "b")).isTrue();
    }

    private static String random(Random random, String alphabet, int length) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < length; i++) {
            b.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return b.toString();
    }
}
