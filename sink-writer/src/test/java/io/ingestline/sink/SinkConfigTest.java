package io.ingestline.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ingestline.sink.storage.PostgresStorageWriter;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SinkConfigTest {
    @Test
    void buffer_stall_and_shutdown_have_defaults() {
        SinkConfig c = SinkConfig.fromEnv(Map.of());
        assertThat(c.bufferBytes()).isEqualTo(64L << 20);
        assertThat(c.stallAfter()).isEqualTo(Duration.ofSeconds(10));
        assertThat(c.shutdownTimeout()).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void the_stall_threshold_is_at_least_three_flush_intervals() {
        SinkConfig c = SinkConfig.fromEnv(Map.of("INGEST_SINK_FLUSH_MS", "5000", "INGEST_SINK_STALL_MS", "2000"));
        assertThat(c.stallAfter()).isEqualTo(Duration.ofSeconds(15));
    }

    @Test
    void refuses_a_buffer_under_1_mib_and_names_every_bad_value() {
        assertThatThrownBy(() -> SinkConfig.fromEnv(Map.of("INGEST_SINK_BUFFER_BYTES", "1000",
                "INGEST_SINK_SHUTDOWN_MS", "x"))).hasMessageContaining("INGEST_SINK_BUFFER_BYTES")
                .hasMessageContaining("INGEST_SINK_SHUTDOWN_MS");
    }

    @Test
    void the_postgresql_event_column_is_jsonb_unless_json_is_asked_for() {
        assertThat(SinkConfig.fromEnv(Map.of()).postgres().eventType())
                .isEqualTo(PostgresStorageWriter.EventType.JSONB);
        assertThat(SinkConfig.fromEnv(Map.of("INGEST_PG_EVENT_TYPE", "json")).postgres().eventType())
                .isEqualTo(PostgresStorageWriter.EventType.JSON);
        assertThatThrownBy(() -> SinkConfig.fromEnv(Map.of("INGEST_PG_EVENT_TYPE", "text")))
                .hasMessageContaining("INGEST_PG_EVENT_TYPE=text: must be jsonb or json");
    }

    @Test
    void dead_letters_are_stored_unless_turned_off() {
        assertThat(SinkConfig.fromEnv(Map.of()).storeDeadLetters()).isTrue();
        assertThat(SinkConfig.fromEnv(Map.of()).sinkTopics().pattern().matcher("ingest.deadletter").matches()).isTrue();
        SinkConfig off = SinkConfig.fromEnv(Map.of("INGEST_SINK_STORE_DEAD_LETTERS", "FALSE"));
        assertThat(off.storeDeadLetters()).isFalse();
        assertThat(off.sinkTopics().pattern().matcher("ingest.deadletter").matches()).isFalse();
        assertThatThrownBy(() -> SinkConfig.fromEnv(Map.of("INGEST_SINK_STORE_DEAD_LETTERS", "no")))
                .hasMessageContaining("INGEST_SINK_STORE_DEAD_LETTERS");
    }
}
