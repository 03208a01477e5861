package io.ingestline.sink.consume;

import io.ingestline.model.DatasetName;
import io.ingestline.model.Topics;
import java.util.regex.Pattern;

/**
 * The topics a sink worker reads and the dataset each one is stored as: every dataset topic as its dataset and, when
 * {@code deadLetters} is on, the dead-letter topic as the dataset {@link DatasetName#DEAD_LETTERS} (a reserved name,
 * so it has no dataset topic of its own).
 */
public record SinkTopics(Topics topics, boolean deadLetters) {
    /** The subscription: the dataset topics, and the dead-letter topic when it is stored. */
    public Pattern pattern() {
        Pattern datasets = topics.datasetPattern();
        return deadLetters ? Pattern.compile(datasets.pattern() + "|" + Pattern.quote(topics.deadLetters())) : datasets;
    }

    /** Whether records of this topic are dead letters. */
    public boolean isDeadLetters(String topic) {
        return deadLetters && topic.equals(topics.deadLetters());
    }

    /** The dataset a topic's records are stored as. */
    public String datasetOf(String topic) {
        return isDeadLetters(topic) ? DatasetName.DEAD_LETTERS : topics.datasetOf(topic);
    }

    /** The topic a dataset's records are read from. */
    public String topicOf(String dataset) {
        return deadLetters && dataset.equals(DatasetName.DEAD_LETTERS) ? topics.deadLetters() : topics.dataset(dataset);
    }
}
