package io.ingestline.query;

import io.ingestline.model.auth.ApiToken;
import io.ingestline.model.env.EnvReader;
import io.ingestline.model.env.Setting;
import io.ingestline.model.kafka.KafkaSettings;
import io.ingestline.model.storage.StorageRoutes;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Everything the query service reads from its environment. Where the events are stored it reads from the sink's own
 * variables ({@code INGEST_DATA_DIR}, {@code INGEST_SINK_BACKEND}, {@code INGEST_SINK_ROUTES}, {@code INGEST_PG_*}),
 * so one environment describes both sides of the storage.
 *
 * @param kafka          brokers and topics (tokens made through the admin API are read from the configuration topic)
 * @param host           interface of the API
 * @param port           port of the API (0: any free port, -1: off, in local mode)
 * @param tokens         fixed query tokens from the settings
 * @param dataDir        the sink's data directory; files are read under {@code <dataDir>/datasets}
 * @param storage        which backend holds each dataset: the sink's rule, from its settings
 * @param postgres       where the PostgreSQL backend is
 * @param logglyDataset  the dataset searched when a request names none
 * @param timeout        longest time a search may run
 * @param rate           searches a token may start per second on this node
 * @param concurrency    searches run at once on this node
 * @param cacheBytes     memory the kept search results may hold
 * @param resultBytes    memory one search result may hold
 * @param cacheTtl       how long a search result is kept after its last use
 * @param duckdbThreads  threads of the embedded DuckDB (0: its default, the cores)
 * @param duckdbMemory   DuckDB's memory limit (empty: its default, 80% of RAM)
 * @param subdomain      the account name {@code /apiv2/customer} reports
 * @param shutdownTimeout how long shutdown waits for running searches
 */
public record QueryConfig(KafkaSettings kafka, String host, int port, List<ApiToken> tokens, Path dataDir,
        StorageRoutes storage, Postgres postgres, String logglyDataset, Duration timeout, int rate,
        int concurrency, long cacheBytes, long resultBytes, Duration cacheTtl, int duckdbThreads, String duckdbMemory,
        String subdomain, Duration shutdownTimeout) {
    public static final String FILES = StorageRoutes.FILES;
    public static final String POSTGRES = StorageRoutes.POSTGRES;

    public static final Setting HOST = new Setting("INGEST_QUERY_HOST", "0.0.0.0", "Interface of the query API");
    public static final Setting PORT = new Setting("INGEST_QUERY_PORT", "8083",
            "Port of the query API (Loggly's /apiv2 retrieval API, /health, /ready, /metrics; 0: any free port; -1: "
                    + "local mode does not start the query service)");
    public static final Setting TOKENS = new Setting("INGEST_QUERY_TOKENS", "",
            "Fixed query tokens as name=secret pairs, comma-separated: each may search every dataset (tokens made "
                    + "through the admin API with the query capability are accepted too)");
    public static final Setting LOGGLY_DATASET = new Setting("INGEST_LOGGLY_DATASET", "loggly",
            "The dataset searched when a request has no dataset= parameter (the edge's Loggly dataset)");
    public static final Setting TIMEOUT_MS = new Setting("INGEST_QUERY_TIMEOUT_MS", "30000",
            "Longest time (ms) one search, count or page may run; past it the answer is 504 with \"timeout\"");
    public static final Setting RATE = new Setting("INGEST_QUERY_RATE_PER_TOKEN", "10",
            "Searches (search, iterate page, fields) a token may start per second on this node, with a burst of as "
                    + "many; past it 503 with Retry-After, as Loggly documents (0: no limit)");
    public static final Setting CONCURRENCY = new Setting("INGEST_QUERY_CONCURRENCY", "2",
            "Searches run at once on this node; one waiting longer than the timeout for its turn is answered 503");
    public static final Setting CACHE_BYTES = new Setting("INGEST_QUERY_CACHE_BYTES", "268435456",
            "Memory (bytes) the kept results of /apiv2/search may hold; the least recently used go first");
    public static final Setting RESULT_BYTES = new Setting("INGEST_QUERY_RESULT_BYTES", "67108864",
            "Memory (bytes) one search result may hold: a search whose events exceed it keeps the events that fit "
                    + "and says so (\"truncated\": true)");
    public static final Setting CACHE_TTL_MS = new Setting("INGEST_QUERY_CACHE_TTL_MS", "600000",
            "How long (ms) a search result is kept after its last use (Loggly: 10 minutes)");
    public static final Setting DUCKDB_THREADS = new Setting("INGEST_QUERY_DUCKDB_THREADS", "0",
            "Threads of the embedded DuckDB that reads the files (0: DuckDB's default, one per core)");
    public static final Setting DUCKDB_MEMORY = new Setting("INGEST_QUERY_DUCKDB_MEMORY", "",
            "Memory limit of the embedded DuckDB, in its syntax (e.g. 2GB; empty: DuckDB's default, 80% of RAM)");
    public static final Setting SUBDOMAIN = new Setting("INGEST_QUERY_SUBDOMAIN", "local",
            "The account name /apiv2/customer reports (Loggly's subdomain)");
    public static final Setting SHUTDOWN_MS = new Setting("INGEST_QUERY_SHUTDOWN_MS", "5000",
            "Longest time (ms) shutdown waits for running searches");
    // The sink's variables: where the events are.
    static final Setting DATA_DIR = new Setting("INGEST_DATA_DIR", "./data", "");
    static final Setting PG_URL = new Setting("INGEST_PG_URL", "jdbc:postgresql://127.0.0.1:5432/postgres", "");
    static final Setting PG_USER = new Setting("INGEST_PG_USER", "postgres", "");
    static final Setting PG_PASSWORD = new Setting("INGEST_PG_PASSWORD", "", "");
    static final Setting PG_SCHEMA = new Setting("INGEST_PG_SCHEMA", "ingest", "");

    /** The query service's own settings (the storage ones are the sink's and documented there). */
    public static final List<Setting> SETTINGS = List.of(HOST, PORT, TOKENS, TIMEOUT_MS, RATE, CONCURRENCY,
            CACHE_BYTES, RESULT_BYTES, CACHE_TTL_MS, DUCKDB_THREADS, DUCKDB_MEMORY, SUBDOMAIN, SHUTDOWN_MS);
    /**
     * Every variable {@link #fromEnv} reads: its own settings, the Kafka ones, the edge's Loggly dataset and the
     * sink's storage variables, so that whoever starts it (compose, the local cluster) can give it all it reads.
     */
    public static final List<Setting> ALL_SETTINGS = Stream.of(SETTINGS, KafkaSettings.SETTINGS,
            List.of(LOGGLY_DATASET, DATA_DIR, StorageRoutes.BACKEND, StorageRoutes.ROUTES, PG_URL, PG_USER, PG_PASSWORD, PG_SCHEMA))
            .flatMap(List::stream).toList();

    /** The PostgreSQL backend's connection. */
    public record Postgres(String url, String user, String password, String schema) {
        @Override
        public String toString() {
            return "Postgres[" + url + ", user=" + user + ", schema=" + schema + "]";
        }
    }

    public QueryConfig {
        tokens = List.copyOf(tokens);
    }

    public static QueryConfig fromEnv(Map<String, String> env) {
        EnvReader r = new EnvReader(env);
        List<ApiToken> tokens = new ArrayList<>();
        r.pairs(TOKENS, "name=secret").forEach((name, secret) -> tokens.add(
                ApiToken.ofSecret(name, secret, List.of("*"), Set.of(ApiToken.Capability.QUERY))));
        StorageRoutes storage = StorageRoutes.read(r);
        String dataset = r.string(LOGGLY_DATASET);
        io.ingestline.model.DatasetName.problem(dataset)
                .ifPresent(p -> r.problem(LOGGLY_DATASET.env() + ": " + p));
        String memory = r.string(DUCKDB_MEMORY);
        if (!memory.isEmpty() && !io.ingestline.query.store.FileEventStore.MEMORY.matcher(memory).matches()) {
            r.problem(DUCKDB_MEMORY.env() + "=" + memory + ": must be a size such as 512MB or 2GB");
        }
        long cacheBytes = r.longValue(CACHE_BYTES, 1L << 20, 1L << 40);
        QueryConfig c = new QueryConfig(KafkaSettings.read(r), r.string(HOST), r.integer(PORT, -1, 65535), tokens,
                r.path(DATA_DIR), storage,
                new Postgres(r.string(PG_URL), r.string(PG_USER), env.getOrDefault(PG_PASSWORD.env(), ""),
                        r.string(PG_SCHEMA)),
                dataset, r.millis(TIMEOUT_MS, 100, 3_600_000), r.integer(RATE, 0, 1_000_000),
                r.integer(CONCURRENCY, 1, 256), cacheBytes,
                Math.min(cacheBytes, r.longValue(RESULT_BYTES, 1L << 16, 1L << 40)),
                r.millis(CACHE_TTL_MS, 1000, 86_400_000), r.integer(DUCKDB_THREADS, 0, 1024), memory,
                r.string(SUBDOMAIN), r.millis(SHUTDOWN_MS, 100, 600_000));
        r.finish("query service");
        return c;
    }

    /** The backend a dataset's events are stored in: the sink's rule. */
    public String backendOf(String dataset) {
        return storage.backendOf(dataset);
    }

    /** Whether any dataset can be in PostgreSQL (the connection is made only then). */
    public boolean usesPostgres() {
        return storage.usesPostgres();
    }

    public Path datasetsDir() {
        return dataDir.resolve("datasets");
    }

    /** Settings as they apply, secrets left out: safe to log. */
    @Override
    public String toString() {
        return "QueryConfig[bootstrap=" + kafka.bootstrapServers() + ", topics=" + kafka.topics().prefix() + ", http="
                + host + ":" + port + ", tokens=" + tokens.stream().map(ApiToken::id).collect(Collectors.joining(",", "[", "]"))
                + ", dataDir=" + dataDir + ", backend=" + storage.backend() + ", routes=" + storage.routes()
                + (usesPostgres() ? ", postgres=" + postgres : "") + ", logglyDataset=" + logglyDataset + ", timeout="
                + timeout.toMillis() + "ms, rate=" + rate + "/s, concurrency=" + concurrency + ", cacheBytes="
                + cacheBytes + ", resultBytes=" + resultBytes + ", cacheTtl=" + cacheTtl.toMillis() + "ms, duckdb="
                + duckdbThreads + " threads " + (duckdbMemory.isEmpty() ? "default memory" : duckdbMemory) + "]";
    }
}
