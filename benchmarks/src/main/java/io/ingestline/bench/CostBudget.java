package io.ingestline.bench;

import io.ingestline.model.StepCpu;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A run's cost budget: the CPU nanoseconds per event stored of each stage of the pipeline's JVM (its threads
 * grouped by {@link StageThreads}, sampled by {@link StageCpu} in that JVM), of the steps the validator and the
 * sink time themselves ({@link io.ingestline.model.StepCpu}, when on), of the broker's process and, when the run
 * goes to PostgreSQL, of PostgreSQL's processes ({@link PostgresCpu}), beside Kafka's own producer and consumer per
 * record from the ceiling phase.
 */
final class CostBudget {
    /**
     * The service JVMs' counters ({@code name=value} of their {@code CPU} lines, summed over the JVMs), each JVM's
     * own (by its name, in order; empty when the one JVM is measured alone), the broker's CPU, and PostgreSQL's
     * (null when the run does not go to PostgreSQL), at one moment.
     */
    record Sample(Map<String, Long> pipeline, Map<String, Map<String, Long>> processes, double brokerSeconds,
            PostgresCpu.Reading postgres) {
        Sample(Map<String, Long> pipeline, double brokerSeconds) {
            this(pipeline, Map.of(), brokerSeconds, null);
        }

        Sample(Map<String, Long> pipeline, Map<String, Map<String, Long>> processes, double brokerSeconds) {
            this(pipeline, processes, brokerSeconds, null);
        }

        /** The JVMs' counters and the broker's CPU, with PostgreSQL's when {@code postgres}. */
        static Sample take(ServiceJvms services, ChildProcess broker, boolean postgres) throws Exception {
            Map<String, Long> values = new HashMap<>();
            Map<String, Map<String, Long>> processes = new LinkedHashMap<>();
            for (ServiceJvms.Jvm jvm : services.jvms()) {
                String line = jvm.process().ask("cpu", "CPU ", 30);
                Map<String, Long> own = new HashMap<>();
                for (String pair : line.substring("CPU ".length()).trim().split(" ")) {
                    String[] kv = pair.split("=", 2);
                    own.put(kv[0], Long.parseLong(kv[1]));
                }
                own.forEach((k, v) -> values.merge(k, v, Long::sum));
                processes.put(jvm.name(), own);
            }
            // a clock read's cost is one JVM's figure, not a sum: the mean of the JVMs whose validator timed steps
            // (the validator's steps are what it is taken off), else of them all
            List<Map<String, Long>> timing = processes.values().stream()
                    .filter(p -> p.getOrDefault("events.validator", 0L) > 0).toList();
            values.put("clock", Math.round((timing.isEmpty() ? processes.values() : timing).stream()
                    .mapToLong(p -> p.getOrDefault("clock", 0L)).average().orElse(0)));
            return new Sample(values, processes.size() > 1 ? processes : Map.of(), broker.cpuSeconds(),
                    postgres ? PostgresCpu.read() : null);
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
        boolean separate = !to.processes().isEmpty();
        String whole = separate ? "the service JVMs'" : "the pipeline JVM's";
        List<String> out = new ArrayList<>();
        out.add("| stage: threads / steps | CPU ns per event | share of " + whole + " CPU "
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
        out.add(row(separate ? "service JVMs, their processes' CPU (threads ended between samples included)"
                : "pipeline JVM, its process's CPU (threads ended between samples included)", process / n, 1, ""));
        double broker = (to.brokerSeconds() - from.brokerSeconds()) * 1e9;
        out.add(String.format(Locale.ROOT, "| broker, its own process | %,.0f | (%.2f of %s) | %s |",
                broker / n, broker / process, whole, Double.isNaN(ceiling.brokerProducing()) ? ""
                        : String.format(Locale.ROOT, "broker while the producer ran: %,.0f; while the consumer ran: "
                                + "%,.0f", ceiling.brokerProducing(), ceiling.brokerConsuming())));
        if (to.postgres() != null) {
            out.add(postgres(from.postgres(), to.postgres(), n, process, whole));
        }
        if (separate) {
            processes(from, to, n, process, out);
        }
        return out;
    }

    /**
     * PostgreSQL's processes' CPU per event stored, beside the broker's: what the database spends on the sink's
     * {@code COPY}, transactions and index, which the pipeline's budget does not hold.
     */
    private static String postgres(PostgresCpu.Reading from, PostgresCpu.Reading to, double events, double process,
            String whole) {
        String what = "PostgreSQL, its processes (server, backends, WAL writer, checkpointer, autovacuum)";
        if (from == null || !from.found() || !to.found()) {
            return "| " + what + " | none found in /proc (a server on another machine, or not readable) | | |";
        }
        double nanos = (to.seconds() - from.seconds()) * 1e9;
        return String.format(Locale.ROOT, "| %s | %,.0f | (%.2f of %s) | %d processes at the end |", what,
                nanos / events, nanos / process, whole, to.processes());
    }

    /**
     * Each service JVM's own CPU per event stored, with what each JVM spends apart from the service (its GC, JIT
     * compilers and VM threads): the price of separate JVMs, which the one JVM pays once. With the steps timed, the
     * events each validator timed and each sink polled show how the processes of a stage shared the work.
     */
    private static void processes(Sample from, Sample to, double events, double all, List<String> out) {
        out.add("");
        out.add("| service JVM | CPU ns per event | of which GC | of which JIT compilers | of which the JVM's own "
                + "threads | share of the service JVMs' CPU | events it timed (validator: 1 batch in "
                + StepCpu.SAMPLE_EVERY + ") or polled (sink) |");
        out.add("|---|---|---|---|---|---|---|");
        to.processes().forEach((name, now) -> {
            Map<String, Long> before = from.processes().getOrDefault(name, Map.of());
            double[] d = new double[6];
            String[] keys = {"process", key(StageThreads.Part.GC), key(StageThreads.Part.JIT),
                    key(StageThreads.Part.JVM), "events.validator", "events.sink"};
            for (int i = 0; i < keys.length; i++) {
                d[i] = now.getOrDefault(keys[i], 0L) - before.getOrDefault(keys[i], 0L);
            }
            out.add(String.format(Locale.ROOT, "| %s | %,.0f | %,.0f | %,.0f | %,.0f | %.1f%% | %s |", name,
                    d[0] / events, d[1] / events, d[2] / events, d[3] / events, d[0] / all * 100,
                    d[4] + d[5] == 0 ? "" : String.format(Locale.ROOT, "%,.0f", d[4] + d[5])));
        });
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
                // a step no event went through (checks+rule when every event took a streaming pass) read no clock:
                // nothing to take off
                long raw = d.getOrDefault(s.label, 0L);
                double perEvent = raw == 0 ? 0 : raw / (double) timed - (validator ? clock : 0);
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
