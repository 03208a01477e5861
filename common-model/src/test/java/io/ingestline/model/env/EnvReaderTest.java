package io.ingestline.model.env;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class EnvReaderTest {
    private static final Setting PORT = new Setting("X_PORT", "8080", "port");
    private static final Setting SIZE = new Setting("X_SIZE", "10", "size");

    @Test
    void defaults_apply_when_unset_or_blank() {
        EnvReader env = new EnvReader(Map.of("X_SIZE", "  "));
        assertThat(env.integer(PORT, 0, 65535)).isEqualTo(8080);
        assertThat(env.integer(SIZE, 1, 100)).isEqualTo(10);
        env.finish("test");
    }

    @Test
    void lists_every_problem_at_once() {
        EnvReader env = new EnvReader(Map.of("X_PORT", "eighty", "X_SIZE", "1000"));
        env.integer(PORT, 0, 65535);
        env.integer(SIZE, 1, 100);
        assertThatThrownBy(() -> env.finish("test"))
                .hasMessageContaining("X_PORT=eighty: not an integer")
                .hasMessageContaining("X_SIZE=1000: must be between 1 and 100");
    }

    @Test
    void passes_kafka_settings_through_by_prefix() {
        EnvReader env = new EnvReader(Map.of("KAFKA_PRODUCER_LINGER_MS", "5", "KAFKA_PRODUCER_", "x", "OTHER", "y"));
        assertThat(env.passThrough("KAFKA_PRODUCER_")).containsExactly(Map.entry("linger.ms", "5"));
    }
}
