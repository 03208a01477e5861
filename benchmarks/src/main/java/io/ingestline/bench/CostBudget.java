package io.ingestline.bench;

import io.ingestline.model.StepCpu;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A run's cost budget: the CPU nanoseconds per event stored of each stage of the pipeline's JVM (its threads
 * grouped by {@link StageThreads}, sampled by {@link StageCpu} in that JVM), of the steps the validator and the
 * sink time themselves ({@link io.ingestline.model.StepCpu}, when on), and of the broker's process, beside Kafka's
 * own producer and consumer per record from the ceiling phase.
 */
final class CostBudget {
    /** The pipeline's counters ({@code name=value} of its {@code CPU} line) and the broker's CPU, at one moment. */
    record Sample(Map<String, Long> pipeline, double brokerSeconds) {
        static Sample take(ChildProcess pipeline, ChildProcess broker) throws Exception {
            String line = pipeline.ask("cpu", "CPU ", 30);
            Map<String, Long> values = new HashMap<>();
            for (String pair : line.substring("CPU ".length()).trim().split(" ")) {
                String[] kv = pair.split("=", 2);
                values.put(kv[0], Long.parseLong(kv[1]));
            }
            return new Sample(values, broker.cpuSeconds());
        }

        long get(String name) {
            return pipeline.getOrDefault(name, 0L);
        }
    }

    /**
     * Kafka's own tools in the ceiling phase, CPU ns per record: each tool's JVM (from when it had read its
     * arguments, before it made its producer or consumer: its JVM's start-up left out) and the broker's process over
     * the same time; NaN where the phase did not run.
     */
    record Ceiling(double producer, double brokerProducing, double consumer, double brokerConsuming) {
        static final Ceiling NONE = new Ceiling(Double.NaN, Double.NaN, Double.NaN, Double.NaN);
    }

    private CostBudget() {
    }

    /** The table's lines (Markdown) for the CPU used from {@code from} to {@code to}, {@code events} stored. */
    static List<String> table(Sample from, Sample to, long events, Ceiling ceiling) {
        Map<String, Long> d = new HashMap<>();
        to.pipeline().forEach((k, v) -> d.put(k, v - from.get(k)));
        double process = d.getOrDefault("process", 0L);
        double n = Math.max(1, events);
        List<String> out = new ArrayList<>();
        out.add("| stage: threads / steps | CPU ns per event | share of the pipeline JVM's CPU "
                + "| Kafka's own, same machine (ceiling phase), CPU ns per record |");
        out.add("|---|---|---|---|");
        double sum = 0;
        for (StageThreads.Stage stage : StageThreads.Stage.values()) {
            List<StageThreads.Part> parts = new ArrayList<>();
            double stageNanos = 0;
            for (StageThreads.Part p : StageThreads.Part.values()) {
                if (p.stage == stage) {
                    parts.add(p);
                    stageNanos += d.getOrDefault(key(p), 0L);
                }
            }
            sum += stageNanos;
            out.add(row("**" + stage.label + "**", stageNanos / n, stageNanos / process, kafka(stage, ceiling)));
            if (parts.size() > 1) {
                for (StageThreads.Part p : parts) {
                    double nanos = d.getOrDefault(key(p), 0L);
                    out.add(row("&nbsp;&nbsp;" + p.label, nanos / n, nanos / process, ""));
                    steps(p, d, to.get("clock"), n, process, out);
                }
            }
        }
        out.add(row("sum of the groups above", sum / n, sum / process, ""));
        out.add(row("pipeline JVM, its process's CPU (threads ended between samples included)", process / n, 1, ""));
        double broker = (to.brokerSeconds() - from.brokerSeconds()) * 1e9;
        out.add(String.format(Locale.ROOT, "| broker, its own process | %,.0f | (%.2f of the pipeline JVM's) | %s |",
                broker / n, broker / process, Double.isNaN(ceiling.brokerProducing()) ? ""
                        : String.format(Locale.ROOT, "broker while the producer ran: %,.0f; while the consumer ran: "
                                + "%,.0f", ceiling.brokerProducing(), ceiling.brokerConsuming())));
        return out;
    }

    /**
     * The steps a part's threads time themselves, per event they timed, when the pipeline timed any. A validator
     * step, timed per event, holds about one read of the clock ({@code clock}): taken off. The sink's are timed per
     * poll (a few reads for hundreds of events): left as measured.
     */
    private static void steps(StageThreads.Part part, Map<String, Long> d, long clock, double events,
            double process, List<String> out) {
        boolean validator = part == StageThreads.Part.VALIDATOR_STREAM;
        String stage = validator ? "validator" : part == StageThreads.Part.SINK_WORKERS ? "sink" : null;
        long timed = stage == null ? 0 : d.getOrDefault("events." + stage, 0L);
        if (timed <= 0) {
            return;
        }
        double sum = 0;
        for (StepCpu.Step s : StepCpu.Step.values()) {
            if (s.label.startsWith(stage + ".")) {
                double perEvent = d.getOrDefault(s.label, 0L) / (double) timed - (validator ? clock : 0);
                sum += perEvent;
                out.add(row("&nbsp;&nbsp;&nbsp;&nbsp;step: " + s.label.substring(stage.length() + 1), perEvent,
                        perEvent * events / process, ""));
            }
        }
        out.add(row("&nbsp;&nbsp;&nbsp;&nbsp;steps' sum" + (validator ? String.format(Locale.ROOT,
                " (%,d events timed, 1 batch in %d; %d ns of clock read taken off each step)", timed,
                StepCpu.SAMPLE_EVERY, clock) : String.format(Locale.ROOT, " (%,d events polled)", timed)), sum,
                sum * events / process, ""));
    }

    private static String kafka(StageThreads.Stage stage, Ceiling c) {
        if (Double.isNaN(c.producer())) {
            return "";
        }
        return switch (stage) {
            case EDGE -> String.format(Locale.ROOT, "producer JVM (a record per event): %,.0f", c.producer());
            case VALIDATOR -> String.format(Locale.ROOT, "consumer JVM + producer JVM: %,.0f", c.consumer()
                    + c.producer());
            case SINK -> String.format(Locale.ROOT, "consumer JVM: %,.0f", c.consumer());
            default -> "";
        };
    }

    private static String row(String what, double nanosPerEvent, double share, String kafka) {
        return String.format(Locale.ROOT, "| %s | %,.0f | %.1f%% | %s |", what, nanosPerEvent, share * 100, kafka);
    }

    /** The name of a part in the pipeline's {@code CPU} line. */
    static String key(StageThreads.Part part) {
        return part.name().toLowerCase(Locale.ROOT);
    }
}
