package io.ingestline.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * The edge benchmark. In one run, on one machine: a broker in its own JVM; Kafka's ProducerPerformance on the same
 * events, one record per event and 500-event records (the references); then one edge node in its own JVM
 * ({@code -Xmx512m}) loaded over HTTP by wrk (as the peer benchmark is) with NDJSON batches of 100 and 500 events,
 * gzip off and on, at several connection counts; last, 32 concurrent 6 MB requests while the edge's heap is watched. Prints a Markdown table and
 * saves it under the results directory. Settings by environment: {@code BENCH_DURATION_S} (20),
 * {@code BENCH_WARMUP_S} (5, before each run), {@code BENCH_JIT_WARMUP_S} (30: load once on a new edge JVM before its
 * first run, so that runs measure compiled code, not the JIT compiler at work), {@code BENCH_CONNECTIONS} (8,32), {@code BENCH_BATCHES} (100,500),
 * {@code BENCH_PRODUCER_RECORDS} (4000000; a quarter of them warm-up, as in the peer benchmark), {@code BENCH_PAYLOADS} (the shared payloads.jsonl, else generated),
 * {@code BENCH_RESULTS} (benchmarks/target/results); for quick comparisons of edge settings, {@code BENCH_EDGE_ENV}
 * (comma-separated {@code NAME=value} pairs added to the edge's environment), {@code BENCH_GZIP} ({@code off,on}),
 * {@code BENCH_REFERENCE} (1; 0 skips Kafka's producer runs), {@code BENCH_PACED} (1; 0 skips the run at half the
 * peak), {@code BENCH_MEMORY} (1; 0 skips the heap run) and
 * {@code BENCH_EDGE_JAVA_OPTS} (extra JVM options for the edge, space-separated, e.g. to record a JFR profile).
 */
public final class EdgeBenchmark {
    private static final String TOKEN = "bench-token-0123456789";
    private static final int PARTITIONS = 6;

    private final Map<String, String> env = System.getenv();
    private final Path results;
    private final StringBuilder report = new StringBuilder();

    private EdgeBenchmark(Path results) {
        this.results = results;
    }

    public static void main(String[] args) throws Exception {
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT));
        Path results = Path.of(System.getenv().getOrDefault("BENCH_RESULTS", "benchmarks/target/results"), "edge-" + stamp);
        Files.createDirectories(results);
        new EdgeBenchmark(results).run();
    }

    private int setting(String name, int def) {
        return Integer.parseInt(env.getOrDefault(name, Integer.toString(def)));
    }

    private List<Integer> list(String name, String def) {
        return Arrays.stream(env.getOrDefault(name, def).split(",")).map(String::trim).map(Integer::parseInt).toList();
    }

    private void run() throws Exception {
        Duration warmup = Duration.ofSeconds(setting("BENCH_WARMUP_S", 5));
        Duration measured = Duration.ofSeconds(setting("BENCH_DURATION_S", 20));
        Duration jitWarmup = Duration.ofSeconds(setting("BENCH_JIT_WARMUP_S", 30));
        List<Integer> connections = list("BENCH_CONNECTIONS", "8,32");
        List<Integer> batches = list("BENCH_BATCHES", "100,500");
        long producerRecords = setting("BENCH_PRODUCER_RECORDS", 4_000_000);
        List<Boolean> gzips = Arrays.stream(env.getOrDefault("BENCH_GZIP", "off,on").split(","))
                .map(s -> s.trim().equals("on")).toList();
        boolean reference = setting("BENCH_REFERENCE", 1) == 1;
        Map<String, String> edgeEnv = new java.util.LinkedHashMap<>();
        for (String pair : env.getOrDefault("BENCH_EDGE_ENV", "").split(",")) {
            String[] kv = pair.split("=", 2);
            if (kv.length == 2) {
                edgeEnv.put(kv[0].trim(), kv[1].trim());
            }
        }
        Path shared = Payloads.sharedFile();
        List<byte[]> events = Payloads.load(shared, 5000);
        double avgEvent = events.stream().mapToInt(e -> e.length).average().orElse(0);
        line("# Edge benchmark, " + LocalDateTime.now().withNano(0));
        line("");
        line(String.format(Locale.ROOT, "Events: %d distinct, %.0f bytes on average (%s). %d cores, Java %s.",
                events.size(), avgEvent, Files.isRegularFile(shared) ? shared.toString() : "generated",
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version")));
        line("Broker, edge and load generator share this machine, each in its own JVM. Measured " + measured.toSeconds()
                + " s after " + warmup.toSeconds() + " s of warm-up; the edge JVM had " + jitWarmup.toSeconds()
                + " s of load first (JIT compilation)." + (edgeEnv.isEmpty() ? "" : " Edge settings: "
                + edgeEnv + "."));
        line("");

        int port = freePort();
        try (ChildProcess broker = ChildProcess.start(BrokerProcess.class.getName(), List.of("-Xms1g", "-Xmx1g"),
                List.of(results.resolve("kafka").toString(), Integer.toString(port), Integer.toString(freePort())),
                Map.of(), results.resolve("broker.log"), l -> l.startsWith("READY"))) {
            String bootstrap = broker.await(120).substring("READY ".length()).trim();
            createTopics(bootstrap);

            Path perEvent = results.resolve("payloads-per-event.txt");
            Files.write(perEvent, join(events, "\n"));
            Path perBatch = results.resolve("payloads-500.txt");
            List<byte[]> blobs = Payloads.ndjsonBodies(events, 500, 10);
            Files.write(perBatch, join(blobs, "\u001e"));
            line("| what | conns | events/s | MiB/s | p50 ms | p99 ms | p99.9 ms | non-2xx | errors | vs producer, record per event | vs producer, 500-event records | edge cores | broker cores |");
            line("|---|---|---|---|---|---|---|---|---|---|---|---|---|");
            double perEventRate = Double.NaN;
            double batchRate = Double.NaN;
            if (reference) {
                ProducerPerf.Result single = ProducerPerf.run(bootstrap, "perf-events", perEvent, null, producerRecords,
                        producerRecords / 4, 131_072, "lz4", results.resolve("producer-per-event.log"));
                ProducerPerf.Result batched = ProducerPerf.run(bootstrap, "perf-batches", perBatch, "\u001e",
                        Math.max(4000, producerRecords / 250), Math.max(1000, producerRecords / 2000), 1_048_576, "lz4",
                        results.resolve("producer-500.log"));
                perEventRate = single.recordsPerSecond();
                batchRate = batched.recordsPerSecond() * 500;
                line(String.format(Locale.ROOT, "| Kafka ProducerPerformance, record per event, lz4 | 1 producer | %,.0f | %.1f | %.0f | %.0f | %.0f | | | 1.00 | %.2f | | |",
                        perEventRate, single.mbPerSecond() / 1.048576, single.p50(), single.p99(), single.p999(), perEventRate / batchRate));
                line(String.format(Locale.ROOT, "| Kafka ProducerPerformance, 500-event records, lz4 | 1 producer | %,.0f | %.1f | %.0f | %.0f | %.0f | | | %.2f | 1.00 | | |",
                        batchRate, batched.mbPerSecond() / 1.048576, batched.p50(), batched.p99(), batched.p999(), batchRate / perEventRate));
            }

            int httpPort = freePort();
            // /metrics is served on the admin port
            int adminPort = freePort();
            Map<String, String> edgeSettings = new java.util.HashMap<>(edgeEnv);
            edgeSettings.putAll(Map.of("KAFKA_BOOTSTRAP_SERVERS", bootstrap, "INGEST_HTTP_HOST", "127.0.0.1",
                    "INGEST_HTTP_PORT", Integer.toString(httpPort), "INGEST_TOKENS", "bench=" + TOKEN,
                    "INGEST_RAW_PARTITIONS", Integer.toString(PARTITIONS), "INGEST_ADMIN_PORT",
                    Integer.toString(adminPort), "INGEST_ADMIN_TOKEN", "bench-admin-token-0123456789",
                    "INGEST_OTLP_PORT", "-1"));
            List<String> edgeJvm = new ArrayList<>(List.of("-Xms512m", "-Xmx512m"));
            for (String opt : env.getOrDefault("BENCH_EDGE_JAVA_OPTS", "").split(" ")) {
                if (!opt.isBlank()) {
                    edgeJvm.add(opt);
                }
            }
            try (ChildProcess edge = ChildProcess.start("io.ingestline.edge.EdgeApp", edgeJvm,
                    List.of(), edgeSettings,
                    results.resolve("edge.log"), l -> l.contains("edge listening"))) {
                edge.await(120);
                URI uri = URI.create("http://127.0.0.1:" + httpPort + "/v1/ingest/bench");
                if (!WrkLoad.available()) {
                    line("| edge | | wrk is not installed (apt-get install wrk): no HTTP load run | | | | | | | | | | |");
                }
                if (WrkLoad.available() && !jitWarmup.isZero()) {
                    Path first = results.resolve("body-jit-warmup.ndjson");
                    Files.write(first, Payloads.ndjsonBodies(events, 500, 1).get(0));
                    WrkLoad.run(uri.toString(), first, TOKEN, null, 32, jitWarmup, Duration.ofSeconds(1), results);
                }
                double peak = 0;
                Path peakBody = null;
                for (int batch : WrkLoad.available() ? batches : List.<Integer>of()) {
                    byte[] body = Payloads.ndjsonBodies(events, batch, 1).get(0);
                    for (boolean gzip : gzips) {
                        Path file = results.resolve("body-" + batch + (gzip ? ".ndjson.gz" : ".ndjson"));
                        Files.write(file, gzip ? Payloads.gzip(body) : body);
                        for (int c : connections) {
                            Cpu cpu = new Cpu(edge, broker);
                            WrkLoad.Result r = WrkLoad.run(uri.toString(), file, TOKEN, gzip ? "gzip" : null, c,
                                    warmup, measured, results);
                            double eps = r.okPerSecond() * batch;
                            if (!gzip && batch == 500 && eps > peak) {
                                peak = eps;
                                peakBody = file;
                            }
                            line(String.format(Locale.ROOT, "| edge, NDJSON %d events/request%s | %d | %,.0f | %.1f | %.1f | %.1f | %.1f | %d | %d | %s | %s | %s |",
                                    batch, gzip ? ", gzip" : "", c, eps, r.okPerSecond() * body.length / (1024 * 1024),
                                    r.p50ms(), r.p99ms(), r.p999ms(), r.non2xx(), r.errors(), ratio(eps, perEventRate),
                                    ratio(eps, batchRate), cpu.cores()));
                        }
                    }
                }
                if (WrkLoad.available() && setting("BENCH_OTLP", 1) == 1) {
                    // OTLP/HTTP protobuf, 500 records a request, the same events: beside the NDJSON rows
                    URI otlp = URI.create("http://127.0.0.1:" + httpPort + "/v1/logs");
                    byte[] body = Payloads.otlpBody(events, 500);
                    Path file = results.resolve("body-500.otlp.pb");
                    Files.write(file, body);
                    for (int c : connections) {
                        Cpu cpu = new Cpu(edge, broker);
                        WrkLoad.Result r = WrkLoad.runTyped(otlp.toString(), file, "application/x-protobuf", TOKEN, c,
                                warmup, measured, results);
                        double eps = r.okPerSecond() * 500;
                        line(String.format(Locale.ROOT, "| edge, OTLP protobuf 500 records/request | %d | %,.0f | %.1f | %.1f | %.1f | %.1f | %d | %d | %s | %s | %s |",
                                c, eps, r.okPerSecond() * body.length / (1024 * 1024), r.p50ms(), r.p99ms(),
                                r.p999ms(), r.non2xx(), r.errors(), ratio(eps, perEventRate), ratio(eps, batchRate),
                                cpu.cores()));
                    }
                }
                if (peakBody != null && setting("BENCH_PACED", 1) == 1) {
                    URI metrics = URI.create("http://127.0.0.1:" + adminPort + "/metrics");
                    Histograms before = Histograms.read(metrics);
                    paced(uri, peakBody, peak / 2, warmup, measured, perEventRate, batchRate, new Cpu(edge, broker));
                    Histograms after = Histograms.read(metrics);
                    line("");
                    line(String.format(Locale.ROOT, "At half the peak the edge itself saw (its histograms, bucket "
                            + "bounds): request p99 <= %.0f ms, of which waiting for Kafka's acknowledgement p99 <= %.0f ms.",
                            after.p99Millis(before, "ingest_request_seconds_bucket"),
                            after.p99Millis(before, "ingest_kafka_send_seconds_bucket")));
                }
                line("");
                if (setting("BENCH_MEMORY", 1) == 1) {
                    memory(uri, events, adminPort);
                }
            }
        } finally {
            // the broker's data is gigabytes by now and says nothing more
            if (Files.isDirectory(results.resolve("kafka"))) {
                deleteTree(results.resolve("kafka"));
            }
        }
        Path table = results.resolve("results.md");
        Files.writeString(table, report);
        System.out.println();
        System.out.println("saved in " + table.toAbsolutePath());
    }

    /** The edge's Prometheus histograms (cumulative bucket counts by series and bound). */
    private record Histograms(Map<String, java.util.TreeMap<Double, Double>> buckets) {
        private static final Pattern BUCKET = Pattern.compile("^(\\w+_bucket)\\{(?:.*,)?le=\"([^\"]+)\",?.*} ([0-9.E+-]+)$");

        static Histograms read(URI metrics) throws Exception {
            String text = HttpClient.newHttpClient().send(HttpRequest.newBuilder(metrics).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            Map<String, java.util.TreeMap<Double, Double>> out = new java.util.HashMap<>();
            for (String l : text.split("\n")) {
                Matcher m = BUCKET.matcher(l);
                if (m.matches()) {
                    double le = m.group(2).equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(m.group(2));
                    out.computeIfAbsent(m.group(1), k -> new java.util.TreeMap<>()).merge(le, Double.parseDouble(m.group(3)),
                            Double::sum);
                }
            }
            return new Histograms(out);
        }

        /** The smallest bucket bound holding 99% of what was recorded between {@code before} and this, in ms. */
        double p99Millis(Histograms before, String series) {
            java.util.TreeMap<Double, Double> now = buckets.getOrDefault(series, new java.util.TreeMap<>());
            java.util.TreeMap<Double, Double> then = before.buckets.getOrDefault(series, new java.util.TreeMap<>());
            double total = now.lastEntry() == null ? 0 : now.lastEntry().getValue()
                    - then.getOrDefault(now.lastKey(), 0.0);
            for (Map.Entry<Double, Double> e : now.entrySet()) {
                if (e.getValue() - then.getOrDefault(e.getKey(), 0.0) >= 0.99 * total) {
                    return e.getKey() * 1000;
                }
            }
            return Double.NaN;
        }
    }

    /** CPU used by the edge and the broker from its creation on, as cores ({@code cpu seconds / wall seconds}). */
    private static final class Cpu {
        private final ChildProcess edge;
        private final ChildProcess broker;
        private final long start = System.nanoTime();
        private final double edgeStart;
        private final double brokerStart;

        Cpu(ChildProcess edge, ChildProcess broker) {
            this.edge = edge;
            this.broker = broker;
            this.edgeStart = edge.cpuSeconds();
            this.brokerStart = broker.cpuSeconds();
        }

        /** {@code edge | broker} cells. */
        String cores() {
            double wall = (System.nanoTime() - start) / 1e9;
            return String.format(Locale.ROOT, "%.2f | %.2f", (edge.cpuSeconds() - edgeStart) / wall,
                    (broker.cpuSeconds() - brokerStart) / wall);
        }
    }

    /** {@code eps / reference} to two decimals, or an empty cell when the reference was not measured. */
    private static String ratio(double eps, double reference) {
        return Double.isNaN(reference) ? "" : String.format(Locale.ROOT, "%.2f", eps / reference);
    }

    /** Latency at half the peak: 32 connections, each pausing between requests so that together they offer that rate. */
    private void paced(URI uri, Path body, double eventsPerSecond, Duration warmup, Duration measured,
            double perEventRate, double batchRate, Cpu cpu) throws Exception {
        int conns = 32;
        long delayMs = Math.max(1, Math.round(conns * 1000.0 / (eventsPerSecond / 500)));
        WrkLoad.Result r = WrkLoad.run(uri.toString(), body, TOKEN, null, conns, delayMs, warmup, measured, results);
        double eps = r.okPerSecond() * 500;
        line(String.format(Locale.ROOT, "| edge, NDJSON 500 events/request, paced at half the peak (%,.0f/s offered) | %d | %,.0f | %.1f | %.1f | %.1f | %.1f | %d | %d | %s | %s | %s |",
                eventsPerSecond, conns, eps, r.okPerSecond() * Files.size(body) / (1024 * 1024), r.p50ms(), r.p99ms(),
                r.p999ms(), r.non2xx(), r.errors(), ratio(eps, perEventRate), ratio(eps, batchRate), cpu.cores()));
    }

    /** 32 concurrent requests of 6 MB each, repeatedly for 20 s, while the edge's heap use is sampled from /metrics. */
    private void memory(URI uri, List<byte[]> events, int adminPort) throws Exception {
        int perBody = (int) (6L * 1024 * 1024 / (events.stream().mapToInt(e -> e.length + 1).average().orElse(300)));
        byte[] body = Payloads.ndjsonBodies(events, perBody, 1).get(0);
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        Map<Integer, AtomicLong> statuses = new ConcurrentHashMap<>();
        AtomicLong maxHeap = new AtomicLong();
        long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        List<CompletableFuture<Void>> workers = new ArrayList<>();
        for (int i = 0; i < 32; i++) {
            workers.add(CompletableFuture.runAsync(() -> {
                while (System.nanoTime() < end) {
                    try {
                        HttpResponse<Void> r = http.send(HttpRequest.newBuilder(uri)
                                .header("Authorization", "Bearer " + TOKEN).header("Content-Type", "application/x-ndjson")
                                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.discarding());
                        statuses.computeIfAbsent(r.statusCode(), k -> new AtomicLong()).incrementAndGet();
                    } catch (Exception e) {
                        statuses.computeIfAbsent(-1, k -> new AtomicLong()).incrementAndGet();
                    }
                }
            }, java.util.concurrent.Executors.newSingleThreadExecutor()));
        }
        URI metrics = URI.create("http://127.0.0.1:" + adminPort + "/metrics");
        Pattern heap = Pattern.compile("^jvm_memory_used_bytes\\{area=\"heap\",[^}]*} ([0-9.E]+)", Pattern.MULTILINE);
        while (System.nanoTime() < end) {
            String text = http.send(HttpRequest.newBuilder(metrics).build(), HttpResponse.BodyHandlers.ofString()).body();
            Matcher m = heap.matcher(text);
            long used = 0;
            while (m.find()) {
                used += (long) Double.parseDouble(m.group(1));
            }
            maxHeap.accumulateAndGet(used, Math::max);
            Thread.sleep(100);
        }
        CompletableFuture.allOf(workers.toArray(new CompletableFuture[0])).get();
        line(String.format(Locale.ROOT, "Memory: 32 concurrent requests of %.1f MB (%d events) for 20 s against an edge "
                + "with -Xmx512m: answers %s; highest heap in use seen %.0f MiB.", body.length / 1e6, perBody,
                new java.util.TreeMap<>(statuses), maxHeap.get() / (1024.0 * 1024)));
    }

    private static void createTopics(String bootstrap) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.createTopics(List.of(new NewTopic("perf-events", PARTITIONS, (short) 1),
                    new NewTopic("perf-batches", PARTITIONS, (short) 1))).all().get();
        }
    }

    private static byte[] join(List<byte[]> parts, String delimiter) {
        byte[] d = delimiter.getBytes(StandardCharsets.UTF_8);
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (int i = 0; i < parts.size(); i++) {
            if (i > 0) {
                out.writeBytes(d);
            }
            byte[] p = parts.get(i);
            int len = p.length;
            while (len > 0 && p[len - 1] == '\n') {
                len--;
            }
            out.write(p, 0, len);
        }
        return out.toByteArray();
    }

    private void line(String s) {
        System.out.println(s);
        report.append(s).append('\n');
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
