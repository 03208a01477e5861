package io.ingestline.bench;

import java.util.regex.Pattern;

/**
 * Which stage of the pipeline's JVM a thread works for, and which part of it, by the thread's name (the names a
 * thread dump of the running pipeline shows; a Linux task name, for the JVM's own threads, is cut to 15
 * characters).
 *
 * @param validatorApp the validator's application id: its stream threads, their producers and consumers carry it
 * @param sinkGroup    the sink's consumer group: its workers are {@code sink-<group>-<n>}
 */
record StageThreads(String validatorApp, String sinkGroup) {
    private static final String PRODUCER_IO = "kafka-producer-network-thread | ";
    private static final Pattern STREAM_THREAD = Pattern.compile(".*-StreamThread-\\d+");

    enum Stage {
        EDGE("edge"), VALIDATOR("validator"), SINK("sink"), GC("GC"), JIT("JIT compilers"),
        JVM("JVM's own threads (VM thread, service threads)"), OTHER("other threads (metrics, admin API, sampler)");

        final String label;

        Stage(String label) {
            this.label = label;
        }
    }

    /** A group of threads of one stage. */
    enum Part {
        EDGE_HTTP(Stage.EDGE, "request threads (Jetty: read, check, batch, send)"),
        EDGE_PRODUCER_IO(Stage.EDGE, "its producers' I/O threads"),
        EDGE_OTHER(Stage.EDGE, "configuration follower and its producer"),
        VALIDATOR_STREAM(Stage.VALIDATOR, "stream threads (their consumer's I/O, split ... send, commits)"),
        VALIDATOR_PRODUCER_IO(Stage.VALIDATOR, "its producers' I/O threads"),
        VALIDATOR_OTHER(Stage.VALIDATOR, "global, state and cleanup threads, heartbeat, admin, topic cache"),
        SINK_WORKERS(Stage.SINK, "workers (poll with the consumer's I/O, write, commit)"),
        SINK_COMPRESSORS(Stage.SINK, "compressor threads"),
        SINK_OTHER(Stage.SINK, "heartbeat, dead letters' producer"),
        GC(Stage.GC, Stage.GC.label),
        JIT(Stage.JIT, Stage.JIT.label),
        JVM(Stage.JVM, Stage.JVM.label),
        OTHER(Stage.OTHER, Stage.OTHER.label);

        final Stage stage;
        final String label;

        Part(Stage stage, String label) {
            this.stage = stage;
            this.label = label;
        }
    }

    /** The part of a Java thread (one {@link java.lang.management.ThreadMXBean} lists). */
    Part ofJavaThread(String name) {
        Part jvm = ofNativeThread(name);
        if (jvm != null) {
            return jvm; // the JVM's service threads some versions list as Java threads
        }
        // Jetty's request threads of the ingest port (the admin port's pool is JettyServerThreadPool-<n>)
        if (name.startsWith("edge-http-")) {
            return Part.EDGE_HTTP;
        }
        if (name.startsWith(PRODUCER_IO + "edge-api-")) {
            return Part.EDGE_PRODUCER_IO;
        }
        if (name.startsWith("edge-") || name.startsWith(PRODUCER_IO + "edge-")) {
            return Part.EDGE_OTHER;
        }
        if (name.startsWith(validatorApp) && STREAM_THREAD.matcher(name).matches()) {
            return Part.VALIDATOR_STREAM;
        }
        if (name.startsWith(PRODUCER_IO + validatorApp)) {
            return Part.VALIDATOR_PRODUCER_IO;
        }
        if (name.contains(validatorApp) || name.startsWith("dataset-topics")) {
            return Part.VALIDATOR_OTHER;
        }
        if (name.startsWith("sink-" + sinkGroup + "-")) {
            return Part.SINK_WORKERS;
        }
        if (name.startsWith("sink-compressor")) {
            return Part.SINK_COMPRESSORS;
        }
        if (name.startsWith("sink-") || name.startsWith(PRODUCER_IO + "sink-")
                || name.equals("kafka-coordinator-heartbeat-thread | " + sinkGroup)) {
            return Part.SINK_OTHER;
        }
        return Part.OTHER;
    }

    /**
     * The part of a thread the JVM keeps out of {@link java.lang.management.ThreadMXBean} (compiler threads) or
     * that is no Java thread at all (GC, the VM thread), by its Linux task name; null for any other name.
     */
    static Part ofNativeThread(String comm) {
        if (comm.startsWith("GC Thread") || comm.startsWith("G1 ")) {
            return Part.GC;
        }
        if (comm.startsWith("C1 CompilerThre") || comm.startsWith("C2 CompilerThre")) {
            return Part.JIT;
        }
        if (comm.startsWith("VM Thread") || comm.startsWith("VM Periodic Tas") || comm.startsWith("Service Thread")
                || comm.startsWith("Monitor Deflati") || comm.startsWith("Sweeper thread")
                || comm.startsWith("Notification Th")) {
            return Part.JVM;
        }
        return null;
    }
}
