package io.ingestline.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TopicsTest {
    @Test
    void names_every_topic_from_one_prefix() {
        Topics t = new Topics("acme.");
        assertThat(t.raw()).isEqualTo("acme.raw");
        assertThat(t.deadLetters()).isEqualTo("acme.deadletter");
        assertThat(t.config()).isEqualTo("acme.config");
        assertThat(t.dataset("web-logs")).isEqualTo("acme.ds.web-logs");
        assertThat(t.datasetOf("acme.ds.web-logs")).isEqualTo("web-logs");
    }

    @Test
    void dataset_pattern_matches_dataset_topics_only() {
        Topics t = Topics.defaults();
        assertThat(t.datasetPattern().matcher(t.dataset("a_b-1")).matches()).isTrue();
        assertThat(t.datasetPattern().matcher(t.raw()).matches()).isFalse();
        assertThat(t.datasetPattern().matcher(t.deadLetters()).matches()).isFalse();
        assertThat(t.datasetPattern().matcher("other.ds.web").matches()).isFalse();
    }

    @Test
    void refuses_invalid_dataset_names() {
        assertThat(DatasetName.isValid("a".repeat(128))).isTrue();
        assertThat(DatasetName.problem("a".repeat(129))).hasValueSatisfying(p -> assertThat(p).contains("128"));
        assertThat(DatasetName.isValid("")).isFalse();
        assertThat(DatasetName.isValid("web.logs")).isFalse();
        assertThat(DatasetName.isValid("wéb")).isFalse();
        assertThatThrownBy(() -> Topics.defaults().dataset("a/b")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void the_dead_letter_dataset_is_reserved_in_any_case_and_underscores_elsewhere_stay_valid() {
        assertThat(DatasetName.problem("_deadletter")).hasValueSatisfying(p -> assertThat(p).contains("dead letters"));
        assertThat(DatasetName.isValid("_DeadLetter")).isFalse();
        assertThat(DatasetName.isValid("_deadletters")).isTrue();
        assertThat(DatasetName.isValid("MyTable_CL")).isTrue();
        assertThat(DatasetName.isValid("_internal")).isTrue();
        assertThatThrownBy(() -> Topics.defaults().dataset("_deadletter")).isInstanceOf(IllegalArgumentException.class);
    }
}
