package io.ingestline.sink.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeout;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;

/**
 * Fuzzes {@link PlainFields} against Jackson's parser with any bytes as an event (read from inside a larger array):
 * {@link TypedFields#read} gives the parser's values ({@link TypedFields#parsed}), node for node, whether the quick
 * pass read it or gave up; an event it read holds nothing {@link JsonbRisk} flags in either encoding; each input in
 * bounded time. The columns are {@link PlainFieldsTest}'s. Seeds: {@code PlainFieldsFuzzTestInputs}.
 */
class PlainFieldsFuzzTest {
    private static final Duration PER_INPUT = Duration.ofSeconds(10);
    private final TypedFields fields = new TypedFields(PlainFieldsTest.COLUMNS);

    @FuzzTest
    void typed_fields_read_plain_are_the_parsers(byte[] input) {
        assertTimeout(PER_INPUT, () -> check(input));
    }

    private void check(byte[] input) {
        byte[] in = new byte[input.length + 2];
        in[0] = '{';
        in[in.length - 1] = '"';
        System.arraycopy(input, 0, in, 1, input.length);
        JsonNode[] read = fields.read(in, 1, input.length).clone();
        boolean plain = fields.wasPlain();
        JsonNode[] parsed = fields.parsed(in, 1, input.length).clone();
        assertThat(read).containsExactly(parsed);
        for (int i = 0; i < read.length; i++) {
            if (read[i] != null) {
                assertThat(read[i].getClass()).isEqualTo(parsed[i].getClass());
            }
        }
        if (plain) {
            assertThat(JsonbRisk.risky(input, 0, input.length, true)).isFalse();
            assertThat(JsonbRisk.risky(input, 0, input.length, false)).isFalse();
        }
    }
}
