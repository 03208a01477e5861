package io.ingestline.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class ProcessLayoutTest {
    private static final Map<String, String> BASE = Map.of("INGEST_SINK_GROUP", "bench-sink",
            "KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092");

    @Test
    void reads_the_layouts_named_in_order_and_refuses_an_unknown_one() {
        assertThat(ProcessLayout.parse("scaled, one,SEPARATE")).containsExactly(ProcessLayout.SCALED,
                ProcessLayout.ONE, ProcessLayout.SEPARATE);
        assertThatThrownBy(() -> ProcessLayout.parse("one,two")).hasMessageContaining("two");
    }

    @Test
    void the_one_jvm_keeps_its_settings() {
        assertThat(ProcessLayout.ONE.env(BASE)).isEqualTo(BASE);
        assertThat(ProcessLayout.ONE.suffix()).isEmpty();
    }

    @Test
    void each_separate_layout_has_its_own_topics_application_id_and_group_shared_by_its_processes() {
        Map<String, String> separate = ProcessLayout.SEPARATE.env(BASE);
        Map<String, String> scaled = ProcessLayout.SCALED.env(BASE);
        for (Map<String, String> env : List.of(separate, scaled)) {
            assertThat(env).containsEntry("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092");
        }
        assertThat(List.of(separate.get("INGEST_TOPIC_PREFIX"), scaled.get("INGEST_TOPIC_PREFIX")))
                .doesNotHaveDuplicates().doesNotContainNull().doesNotContain("ingest.");
        assertThat(List.of(separate.get("INGEST_VALIDATOR_APP_ID"), scaled.get("INGEST_VALIDATOR_APP_ID"),
                "ingest-validator")).doesNotHaveDuplicates().doesNotContainNull();
        assertThat(List.of(separate.get("INGEST_SINK_GROUP"), scaled.get("INGEST_SINK_GROUP"), "bench-sink"))
                .doesNotHaveDuplicates();
        // four sink workers (two processes of two) each get a partition of the dataset topics
        assertThat(scaled).containsEntry("INGEST_DATASET_PARTITIONS", "4");
        assertThat(separate).doesNotContainKey("INGEST_DATASET_PARTITIONS");
    }
}
