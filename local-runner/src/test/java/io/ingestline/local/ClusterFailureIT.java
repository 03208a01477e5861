package io.ingestline.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.ingestline.local.cluster.LocalCluster;
import io.ingestline.local.cluster.Proc;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The failure suite: a multi-process cluster on loopback ports ({@link LocalCluster}: three KRaft brokers, two edges,
 * two validators, two file sinks and a query service, each its own JVM) under a steady load through both edges, while in turn an edge, a
 * validator, a sink and a broker are killed with SIGKILL and started again. Every event that got a 2xx must be
 * stored exactly once at the end (each event carries the run id and a sequence number); requests during an outage
 * may fail (5xx or no connection) but never get a 2xx that is later lost. Prints, per fault, the events acknowledged,
 * stored, duplicated and lost, and the longest gap between acknowledgements.
 */
@Timeout(value = 600, unit = TimeUnit.SECONDS)
class ClusterFailureIT {
    private static final int PER_REQUEST = 50;
    private static final String DATASET = "failures";

    /** Acknowledged events: sequence number to the time of its acknowledgement (ms). */
    private final ConcurrentSkipListMap<Long, Long> acked = new ConcurrentSkipListMap<>();
    private final AtomicLong nextSeq = new AtomicLong();
    private final AtomicLong failedRequests = new AtomicLong();
    private final AtomicBoolean loading = new AtomicBoolean(true);
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final String run = UUID.randomUUID().toString().substring(0, 8);

    private record Window(String fault, long from, long to) {
    }

    @Test
    void every_acknowledged_event_is_stored_once_through_the_loss_of_any_one_process() throws Exception {
        Path dir = Files.createTempDirectory("cluster-failures");
        try (LocalCluster cluster = LocalCluster.start(dir, 2, 2, 2)) {
            List<Thread> clients = new ArrayList<>();
            for (int t = 0; t < 2; t++) {
                int offset = t;
                Thread client = new Thread(() -> load(cluster.edgeUris(), offset), "load-" + t);
                client.start();
                clients.add(client);
            }
            Thread.sleep(5_000);
            List<Window> windows = new ArrayList<>();
            Map<String, Proc> faults = new java.util.LinkedHashMap<>();
            faults.put("edge-1", cluster.edges().get(0));
            faults.put("validator-1", cluster.validators().get(0));
            faults.put("sink-1", cluster.sinks().get(0));
            faults.put("kafka-2", cluster.brokers().get(1));
            for (Map.Entry<String, Proc> f : faults.entrySet()) {
                long from = System.currentTimeMillis();
                Proc p = f.getValue();
                p.kill();
                Thread.sleep(6_000);
                long logFrom = p.logSize();
                p.start();
                if (f.getKey().startsWith("kafka")) {
                    p.awaitLog("READY", logFrom, 120);
                } else {
                    cluster.awaitReady(p, 120);
                }
                Thread.sleep(4_000);
                windows.add(new Window(f.getKey() + " killed, restarted", from, System.currentTimeMillis()));
            }
            loading.set(false);
            for (Thread c : clients) {
                c.join(30_000);
            }

            Map<Long, Integer> stored = new HashMap<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
            while (System.nanoTime() < deadline) {
                stored = stored(cluster.dataDir());
                if (stored.keySet().containsAll(acked.keySet())) {
                    break;
                }
                Thread.sleep(1_000);
            }
            Thread.sleep(2_000);
            stored = stored(cluster.dataDir());
            windows.add(0, new Window("whole run", 0, Long.MAX_VALUE));
            System.out.println();
            System.out.printf(Locale.ROOT, "ClusterFailureIT, run %s: %d requests failed (5xx or no connection)%n", run,
                    failedRequests.get());
            System.out.println("| fault | acknowledged | stored | duplicates | lost | longest gap in acks (ms) |");
            System.out.println("|---|---|---|---|---|---|");
            long duplicates = 0;
            long lost = 0;
            for (Window w : windows) {
                long ackedIn = 0;
                long storedIn = 0;
                long dupIn = 0;
                long lostIn = 0;
                long gap = 0;
                long previous = -1;
                List<Long> times = new ArrayList<>();
                for (Map.Entry<Long, Long> a : acked.entrySet()) {
                    if (a.getValue() < w.from() || a.getValue() > w.to()) {
                        continue;
                    }
                    ackedIn++;
                    times.add(a.getValue());
                    int n = stored.getOrDefault(a.getKey(), 0);
                    storedIn += n > 0 ? 1 : 0;
                    dupIn += Math.max(0, n - 1);
                    lostIn += n == 0 ? 1 : 0;
                }
                times.sort(Long::compare);
                for (long t : times) {
                    gap = previous < 0 ? gap : Math.max(gap, t - previous);
                    previous = t;
                }
                if (w.from() == 0) {
                    duplicates = dupIn;
                    lost = lostIn;
                }
                System.out.printf(Locale.ROOT, "| %s | %d | %d | %d | %d | %d |%n", w.fault(), ackedIn, storedIn, dupIn,
                        lostIn, gap);
            }
            assertThat(acked).hasSizeGreaterThan(10_000);
            assertThat(lost).as("acknowledged events not stored").isZero();
            assertThat(duplicates).as("acknowledged events stored twice").isZero();
        }
    }

    /** Posts NDJSON bodies of 50 events to the edges in turn until told to stop; records what is acknowledged. */
    private void load(List<URI> edges, int offset) {
        int i = offset;
        while (loading.get()) {
            URI edge = edges.get(i++ % edges.size());
            long first = nextSeq.getAndAdd(PER_REQUEST);
            StringBuilder body = new StringBuilder();
            for (long s = first; s < first + PER_REQUEST; s++) {
                body.append("{\"run\":\"").append(run).append("\",\"seq\":").append(s)
                        .append(",\"msg\":\"event under failure\"}\n");
            }
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(edge.resolve("/v1/datasets/" + DATASET
                                + "/ingest")).header("Authorization", "Bearer " + LocalCluster.TOKEN)
                        .header("Content-Type", "application/x-ndjson").timeout(Duration.ofSeconds(15))
                        .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() / 100 == 2) {
                    long now = System.currentTimeMillis();
                    for (long s = first; s < first + PER_REQUEST; s++) {
                        acked.put(s, now);
                    }
                } else {
                    failedRequests.incrementAndGet();
                }
            } catch (Exception e) {
                failedRequests.incrementAndGet();
                if (e instanceof InterruptedException) {
                    return;
                }
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** How many times each sequence number of this run is in the visible files. */
    private Map<Long, Integer> stored(Path dataDir) {
        Map<Long, Integer> out = new HashMap<>();
        for (JsonNode e : StoredEvents.read(dataDir, DATASET)) {
            if (run.equals(e.path("run").asText())) {
                out.merge(e.get("seq").asLong(), 1, Integer::sum);
            }
        }
        return out;
    }
}
