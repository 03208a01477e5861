package io.ingestline.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The peer edge ({@code ../shared/bench/peer-nginx-kafka}: nginx + lua-resty-kafka answering after the broker's
 * acknowledgement), run by its own script for one broker version, sync mode, one connection count, without its
 * producer ceiling; its table row is read back. The script installs nginx, the Lua modules and wrk from Debian when
 * they are missing, starts its own broker and stops everything it started.
 */
final class PeerEdge {
    /** The peer's figures, and the 500-event body it posted (to post the same one to this edge). */
    record Result(double eventsPerSecond, double mibPerSecond, double p50ms, double p99ms, long non2xx, double nginxCores,
            double brokerCores, Path body) {
    }

    private PeerEdge() {
    }

    /** The peer benchmark's directory ({@code BENCH_PEER_DIR}, default {@code ../shared/bench/peer-nginx-kafka}). */
    static Path dir() {
        return Path.of(System.getenv().getOrDefault("BENCH_PEER_DIR", "../shared/bench/peer-nginx-kafka"));
    }

    static Result run(int connections, Path work, Path log) throws IOException, InterruptedException {
        Path script = dir().resolve("run.sh");
        if (!Files.isRegularFile(script)) {
            throw new IOException("no peer benchmark at " + script + " (set BENCH_PEER_DIR)");
        }
        ProcessBuilder pb = new ProcessBuilder("timeout", "900", "bash", script.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().putAll(java.util.Map.of("KAFKA_VERSIONS", "4.3.1", "MODES", "sync",
                "CONNS", Integer.toString(connections), "CEILING", "0", "WORK", work.toString()));
        Process p = pb.start();
        if (!p.waitFor(960, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("the peer benchmark did not finish; see " + log);
        }
        // | broker | produce api | mode | conns | 2xx req/s | events/s | MiB/s | p50 ms | p99 ms | non-2xx | ...
        String prefix = "| 4.3.1 | v3 | sync | " + connections + " |";
        for (String line : Files.readAllLines(log)) {
            if (line.startsWith(prefix)) {
                List<String> f = List.of(line.split("\\|"));
                return new Result(Double.parseDouble(f.get(6).trim()), Double.parseDouble(f.get(7).trim()),
                        Double.parseDouble(f.get(8).trim()), Double.parseDouble(f.get(9).trim()),
                        Long.parseLong(f.get(10).trim()), Double.parseDouble(f.get(14).trim()),
                        Double.parseDouble(f.get(15).trim()), work.resolve("data/batch-500.ndjson"));
            }
        }
        throw new IOException("the peer benchmark printed no result for " + connections + " connections; see " + log);
    }
}
