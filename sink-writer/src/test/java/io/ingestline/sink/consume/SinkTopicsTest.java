package io.ingestline.sink.consume;

import static org.assertj.core.api.Assertions.assertThat;

import io.ingestline.model.Topics;
import org.junit.jupiter.api.Test;

class SinkTopicsTest {
    private final Topics topics = new Topics("acme.");

    @Test
    void reads_the_dead_letter_topic_as_the_reserved_dataset_when_on() {
        SinkTopics t = new SinkTopics(topics, true);
        assertThat(t.pattern().matcher("acme.deadletter").matches()).isTrue();
        assertThat(t.pattern().matcher("acme.ds.web").matches()).isTrue();
        assertThat(t.pattern().matcher("acme.raw").matches()).isFalse();
        assertThat(t.pattern().matcher("acme.deadletterx").matches()).isFalse();
        assertThat(t.pattern().matcher("acmeXdeadletter").matches()).as("the prefix's dot is literal").isFalse();
        assertThat(t.datasetOf("acme.deadletter")).isEqualTo("_deadletter");
        assertThat(t.topicOf("_deadletter")).isEqualTo("acme.deadletter");
        assertThat(t.datasetOf("acme.ds.web")).isEqualTo("web");
        assertThat(t.topicOf("web")).isEqualTo("acme.ds.web");
        assertThat(t.isDeadLetters("acme.deadletter")).isTrue();
    }

    @Test
    void reads_dataset_topics_only_when_off() {
        SinkTopics t = new SinkTopics(topics, false);
        assertThat(t.pattern().matcher("acme.deadletter").matches()).isFalse();
        assertThat(t.pattern().matcher("acme.ds.web").matches()).isTrue();
        assertThat(t.isDeadLetters("acme.deadletter")).isFalse();
    }
}
