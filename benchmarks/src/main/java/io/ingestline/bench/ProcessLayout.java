package io.ingestline.bench;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How the end-to-end benchmark runs the pipeline's services ({@code BENCH_PROCESSES}): all in one JVM
 * ({@link PipelineProcess}), or each in a JVM of its own as deployed ({@link ServiceProcess}), with one or two
 * validator and sink processes sharing the work (one Kafka Streams application id, one sink consumer group).
 *
 * <p>The broker is shared by every layout of a run, so each layout but {@link #ONE} (which keeps the settings it
 * always had) has its own topic prefix, application id and sink group: a validator of a new application id would
 * otherwise start from the beginning of the earlier layout's raw topic, and a sink group from the beginning of its
 * dataset topics.
 */
enum ProcessLayout {
    ONE("one", 0, 0, ""),
    SEPARATE("separate", 1, 1, "; edge, validator, sink in their own JVMs"),
    /**
     * Two validators of two stream threads each share the raw topic's 6 partitions; the dataset topics get 4
     * partitions (3 by default) so that each of the two sinks' four workers has one.
     */
    SCALED("scaled", 2, 2, "; edge, 2 validators, 2 sinks in their own JVMs");

    /** Its name in {@code BENCH_PROCESSES}. */
    final String id;
    /** Validator and sink processes; 0 for the one JVM holding every service. */
    final int validators;
    final int sinks;
    /** What its rows' names end with. */
    final String label;

    ProcessLayout(String id, int validators, int sinks, String label) {
        this.id = id;
        this.validators = validators;
        this.sinks = sinks;
        this.label = label;
    }

    /** The layouts named in {@code BENCH_PROCESSES} (comma-separated), in that order. */
    static List<ProcessLayout> parse(String value) {
        return Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).map(s -> Arrays
                .stream(values()).filter(l -> l.id.equals(s.toLowerCase(Locale.ROOT))).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("BENCH_PROCESSES: " + s
                        + " is none of one, separate, scaled"))).toList();
    }

    boolean oneJvm() {
        return this == ONE;
    }

    /** What names of this layout's topics, groups, directories and schemas end with ("" for {@link #ONE}). */
    String suffix() {
        return oneJvm() ? "" : "-" + id;
    }

    /** The pipeline's settings for this layout: {@code base}, with its own topics, application id and group. */
    Map<String, String> env(Map<String, String> base) {
        Map<String, String> env = new LinkedHashMap<>(base);
        if (!oneJvm()) {
            env.put("INGEST_TOPIC_PREFIX", id + ".");
            env.put("INGEST_VALIDATOR_APP_ID", "bench-validator" + suffix());
            env.put("INGEST_SINK_GROUP", base.getOrDefault("INGEST_SINK_GROUP", "ingest-sink") + suffix());
        }
        if (this == SCALED) {
            env.put("INGEST_DATASET_PARTITIONS", "4");
        }
        return env;
    }
}
