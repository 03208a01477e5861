package io.ingestline.bench;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The service JVMs a run measures beside the broker: the edge alone, the whole pipeline in one JVM, or the edge,
 * validators and sinks each in its own ({@link ProcessLayout}). Their CPU and memory are summed; each JVM that
 * speaks the {@code cpu} protocol ({@link PipelineProcess#serveCpu}) is asked for its own in {@link CostBudget}.
 */
final class ServiceJvms implements AutoCloseable {
    /** One JVM: its name in the cost budget ({@code edge}, {@code validator-2}), and its {@code /metrics}. */
    record Jvm(String name, ChildProcess process, URI metrics) {
    }

    private final List<Jvm> jvms;

    private ServiceJvms(List<Jvm> jvms) {
        this.jvms = List.copyOf(jvms);
    }

    /** A JVM started and closed by the caller (the edge alone), to measure as the pipeline's are. */
    static ServiceJvms of(String name, ChildProcess process) {
        return new ServiceJvms(List.of(new Jvm(name, process, null)));
    }

    /**
     * Starts the layout's JVMs, all at once, each with {@code env} and {@code jvmArgs}, its log in {@code logs}
     * named after {@code log} and the JVM, and returns once each has printed {@code READY}. The edge (or the one
     * JVM) serves the ingest and admin ports of {@code env}; each validator gets its own state directory below
     * {@code INGEST_VALIDATOR_STATE_DIR} and each validator and sink its own status port ({@code /metrics}).
     */
    static ServiceJvms start(ProcessLayout layout, Map<String, String> env, List<String> jvmArgs, Path logs,
            String log) throws Exception {
        URI admin = URI.create("http://127.0.0.1:" + env.get("INGEST_ADMIN_PORT") + "/metrics");
        List<Jvm> jvms = new ArrayList<>();
        try {
            if (layout.oneJvm()) {
                jvms.add(new Jvm("pipeline", ChildProcess.start(PipelineProcess.class.getName(), jvmArgs, List.of(),
                        env, logs.resolve(log + ".log"), l -> l.startsWith("READY")), admin));
            } else {
                jvms.add(service("edge", "edge", env, Map.of(), jvmArgs, logs.resolve(log + "-edge.log"), admin));
                for (int i = 1; i <= layout.validators; i++) {
                    int port = Report.freePort();
                    jvms.add(service("validator-" + i, "validator", env, Map.of("INGEST_VALIDATOR_HTTP_HOST",
                            "127.0.0.1", "INGEST_VALIDATOR_HTTP_PORT", Integer.toString(port),
                            "INGEST_VALIDATOR_STATE_DIR", Path.of(env.get("INGEST_VALIDATOR_STATE_DIR"))
                                    .resolve(Integer.toString(i)).toString()), jvmArgs,
                            logs.resolve(log + "-validator-" + i + ".log"), metrics(port)));
                }
                for (int i = 1; i <= layout.sinks; i++) {
                    int port = Report.freePort();
                    jvms.add(service("sink-" + i, "sink", env, Map.of("INGEST_SINK_HTTP_HOST", "127.0.0.1",
                            "INGEST_SINK_HTTP_PORT", Integer.toString(port)), jvmArgs,
                            logs.resolve(log + "-sink-" + i + ".log"), metrics(port)));
                }
            }
            for (Jvm j : jvms) {
                j.process().await(180);
            }
            return new ServiceJvms(jvms);
        } catch (Exception e) {
            new ServiceJvms(jvms).close();
            throw e;
        }
    }

    private static Jvm service(String name, String service, Map<String, String> env, Map<String, String> own,
            List<String> jvmArgs, Path log, URI metrics) throws java.io.IOException {
        Map<String, String> e = new LinkedHashMap<>(env);
        e.putAll(own);
        return new Jvm(name, ChildProcess.start(ServiceProcess.class.getName(), jvmArgs, List.of(service), e, log,
                l -> l.startsWith("READY")), metrics);
    }

    private static URI metrics(int port) {
        return URI.create("http://127.0.0.1:" + port + "/metrics");
    }

    List<Jvm> jvms() {
        return jvms;
    }

    /** CPU seconds used so far by all of them. */
    double cpuSeconds() {
        return jvms.stream().mapToDouble(j -> j.process().cpuSeconds()).sum();
    }

    /** Resident memory of all of them. */
    long rssBytes() {
        return jvms.stream().mapToLong(j -> j.process().rssBytes()).sum();
    }

    /** Their {@code /metrics} endpoints (JVM heap among them). */
    List<URI> metrics() {
        return jvms.stream().map(Jvm::metrics).filter(u -> u != null).toList();
    }

    /**
     * Stops the edge first (no new acknowledgements), then the validators (each commits its last transaction), then
     * the sinks (each flushes and commits), as the one JVM stops its services.
     */
    @Override
    public void close() throws InterruptedException {
        for (Jvm j : jvms) {
            j.process().close();
        }
    }
}
