package io.ingestline.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.math.BigDecimal;
import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class EventTimeTest {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    @ParameterizedTest
    @CsvSource({
        "1700000000, 2023-11-14T22:13:20Z",
        "1700000000123, 2023-11-14T22:13:20.123Z",
        "1700000000123456, 2023-11-14T22:13:20.123456Z",
        "1700000000123456789, 2023-11-14T22:13:20.123456789Z",
    })
    void reads_epoch_numbers_in_every_unit(long epoch, String expected) {
        assertThat(EventTime.parse(F.numberNode(epoch))).isEqualTo(Instant.parse(expected));
        assertThat(EventTime.parse(F.textNode(Long.toString(epoch)))).isEqualTo(Instant.parse(expected));
    }

    @Test
    void reads_fractional_epoch_seconds() {
        assertThat(EventTime.parse(F.numberNode(new BigDecimal("1700000000.5"))))
                .isEqualTo(Instant.parse("2023-11-14T22:13:20.500Z"));
    }

    @ParameterizedTest
    @CsvSource({
        "2024-05-31T15:30:45Z, 2024-05-31T15:30:45Z",
        "2024-05-31T15:30:45.123456789Z, 2024-05-31T15:30:45.123456789Z",
        "2024-05-31T17:30:45+02:00, 2024-05-31T15:30:45Z",
        "2024-05-31T10:30:45-0500, 2024-05-31T15:30:45Z",
        "2024-05-31T15:30:45, 2024-05-31T15:30:45Z",
        "2024-05-31 15:30:45, 2024-05-31T15:30:45Z",
        "2024-05-31 15:30:45.25, 2024-05-31T15:30:45.250Z",
        "2024-05-31t15:30:45z, 2024-05-31T15:30:45Z",
    })
    void reads_rfc3339_iso8601_and_sql_times(String text, String expected) {
        assertThat(EventTime.parse(text)).isEqualTo(Instant.parse(expected));
    }

    @ParameterizedTest
    @ValueSource(strings = {"yesterday", "2024-13-01T00:00:00Z", "", "31/05/2024"})
    void refuses_what_is_not_a_time_with_a_reason(String text) {
        assertThatThrownBy(() -> EventTime.parse(text)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("time");
    }

    @Test
    void refuses_non_scalar_values() {
        assertThatThrownBy(() -> EventTime.parse(F.objectNode())).hasMessageContaining("string or a number");
        assertThatThrownBy(() -> EventTime.parse(F.booleanNode(true))).hasMessageContaining("string or a number");
    }

    /**
     * Issue 18: {@code 1e-10000000} took 6 s of scale arithmetic at the edge (and again in the validator) and was
     * read as 1970-01-01; {@code 1.5e-20000000} 25 s. Now its exponent is judged first and it is no time.
     */
    @ParameterizedTest
    @ValueSource(strings = {"1e-10000000", "1.5e-20000000", "-1e-10000000", "1e+10000000", "-7.25E+2147483647"})
    void refuses_a_time_number_with_an_absurd_exponent(String number) throws Exception {
        var node = Json.mapper().readTree("{\"_time\":" + number + "}").get("_time");
        assertThatThrownBy(() -> EventTime.parse(node)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("epoch time");
    }

    @ParameterizedTest
    @CsvSource({
        "0e-10000000, 1970-01-01T00:00:00Z",
        "1e-9, 1970-01-01T00:00:00.000000001Z",
        "-1.5e-9, 1969-12-31T23:59:59.999999998Z",
        "1.7e9, 2023-11-14T22:13:20Z",
        "1700000000.1234567891234, 2023-11-14T22:13:20.123456789Z",
    })
    void reads_time_numbers_with_an_exponent_to_the_nanosecond(String number, String expected) throws Exception {
        var node = Json.mapper().readTree("{\"_time\":" + number + "}").get("_time");
        assertThat(EventTime.parse(node)).isEqualTo(Instant.parse(expected));
    }

    @Test
    void refuses_time_numbers_longer_than_the_json_number_limit() {
        String tiny = "0." + "0".repeat(Json.MAX_NUMBER_LENGTH) + "1";
        assertThatThrownBy(() -> EventTime.parse(tiny)).hasMessageContaining("epoch time has more than");
        assertThatThrownBy(() -> EventTime.parse(F.numberNode(new BigDecimal("1." + "1".repeat(Json.MAX_NUMBER_LENGTH)))))
                .hasMessageContaining("epoch time has more than");
        assertThatThrownBy(() -> EventTime.parse(F.numberNode(java.math.BigInteger.TEN.pow(5000))))
                .hasMessage("epoch time out of range");
        assertThatThrownBy(() -> EventTime.parse("0.0000000001")).hasMessageContaining("below a nanosecond");
    }

    /** The fast path ({@link IsoTimes}) must give what java.time gives, on seeds, mutations and random times. */
    @Test
    void fast_path_agrees_with_java_time() {
        String[] seeds = {"2023-11-14T15:10:02Z", "2023-11-14T15:10:02.5Z", "2023-11-14T15:10:02.123456789Z",
            "2023-11-14 15:10:02", "2023-11-14T15:10:02", "2023-11-14T15:10:02+05:30", "2023-11-14T15:10:02.25-08:00",
            "2024-02-29T23:59:59Z", "2023-02-29T10:00:00Z", "2023-11-14T24:00:00Z", "2023-11-14T15:10Z",
            "2023-11-14t15:10:02z", "2023-11-14T15:10:02+0530", "2023-11-14T15:10:02+05", "2023-11-14 15:10:02Z",
            "2023-11-14T15:10:02.Z", "2023-11-14T15:10:02+18:00", "2023-11-14T15:10:02+19:00", "0001-01-01T00:00:00Z"};
        String alphabet = "0123456789-:T .Z+zt";
        java.util.Random r = new java.util.Random(3);
        java.util.List<String> inputs = new java.util.ArrayList<>(java.util.List.of(seeds));
        for (int n = 0; n < 30_000; n++) {
            StringBuilder s = new StringBuilder(seeds[r.nextInt(seeds.length)]);
            for (int m = r.nextInt(3); m >= 0; m--) {
                int at = r.nextInt(s.length());
                switch (r.nextInt(3)) {
                    case 0 -> s.setCharAt(at, alphabet.charAt(r.nextInt(alphabet.length())));
                    case 1 -> s.deleteCharAt(at);
                    default -> s.insert(at, alphabet.charAt(r.nextInt(alphabet.length())));
                }
            }
            inputs.add(s.toString());
        }
        for (int n = 0; n < 20_000; n++) {
            inputs.add(Instant.ofEpochSecond(r.nextLong() % 253_402_300_799L, r.nextInt(1_000_000_000)).toString());
        }
        int fast = 0;
        for (String in : inputs) {
            String s = in.strip();
            if (s.isEmpty() || EventTime.isEpochNumber(s)) {
                continue;
            }
            Object expected;
            try {
                expected = EventTime.parseSlowly(s);
            } catch (IllegalArgumentException e) {
                expected = "refused";
            }
            Object actual;
            try {
                actual = EventTime.parse(in);
            } catch (IllegalArgumentException e) {
                actual = "refused";
            }
            assertThat(actual).as(in).isEqualTo(expected);
            fast += IsoTimes.parse(s) != null ? 1 : 0;
        }
        assertThat(fast).as("inputs the fast path took").isGreaterThan(10_000);
    }

    @Test
    void formats_as_instant_to_string_does() {
        java.util.Random r = new java.util.Random(5);
        for (int n = 0; n < 100_000; n++) {
            long seconds = r.nextLong() % 400_000_000_000L;
            int nanos = switch (n % 4) {
                case 0 -> 0;
                case 1 -> r.nextInt(1000) * 1_000_000;
                case 2 -> r.nextInt(1_000_000) * 1000;
                default -> r.nextInt(1_000_000_000);
            };
            Instant i = Instant.ofEpochSecond(seconds, nanos);
            assertThat(EventTime.format(i)).isEqualTo(i.toString());
            int year = i.atOffset(java.time.ZoneOffset.UTC).getYear();
            assertThat(IsoTimes.formatInstant(i) != null).as("fast path for %s", i).isEqualTo(year >= 0 && year <= 9999);
        }
        for (String edge : new String[] {"0000-01-01T00:00:00Z", "9999-12-31T23:59:59.999999999Z", "1969-12-31T23:59:59.1Z",
            "+10000-01-01T00:00:00Z", "-0001-12-31T23:59:59Z", "2024-02-29T12:00:00.000001Z"}) {
            Instant i = Instant.parse(edge);
            assertThat(EventTime.format(i)).isEqualTo(i.toString());
        }
    }
}
