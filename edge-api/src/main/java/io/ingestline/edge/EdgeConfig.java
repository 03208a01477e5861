package io.ingestline.edge;

import io.ingestline.model.auth.ApiToken;
import io.ingestline.model.auth.RateLimiter;
import io.ingestline.model.env.EnvReader;
import io.ingestline.model.env.Setting;
import io.ingestline.model.kafka.KafkaSettings;
import io.ingestline.edge.tls.Listeners;
import io.ingestline.edge.tls.TlsFiles;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Everything the edge reads from its environment, checked at start-up.
 *
 * @param kafka           brokers and topics
 * @param httpHost        interface to listen on
 * @param httpPort        HTTP port (0 picks a free one, -1 turns plain HTTP off)
 * @param httpsPort       HTTPS port (0 picks a free one); used when a certificate is given
 * @param tlsCert         PEM certificate chain for HTTPS, or null
 * @param tlsKey          PEM private key for HTTPS, or null
 * @param tlsKeyPassword  password of an encrypted {@code tlsKey}, or null
 * @param tokens          accepted API tokens (hashes only)
 * @param maxRequestBytes largest request body, after decompression
 * @param maxRecordBytes  largest raw batch payload; a bigger request is split into several records
 * @param publishTimeout  longest wait for Kafka's acknowledgement before answering 503
 * @param producers       Kafka producers requests take in turn (each its own connections to the brokers)
 * @param maxInFlightBytes decoded request bytes the node holds at once before answering 503
 * @param adminHost       interface of the admin API
 * @param adminPort       port of the admin API (0 picks a free one)
 * @param adminToken      the admin API's token; null leaves the admin API off
 * @param rateLimit       per-token rate limit on this node for tokens without their own
 * @param astralogDataset  dataset of AstraLog logs whose project is not in {@code astralogProjects}
 * @param astralogProjects AstraLog project_id to dataset
 * @param logglyDataset    dataset of Loggly events
 * @param otlpDataset      dataset of OTLP log records whose request names none
 * @param otlpServices     OTLP service.name to dataset
 * @param otlpPort         port of the OTLP/HTTP listener (plain HTTP, on httpHost); -1 for none, 0 picks a free one
 * @param producer        Kafka producer settings passed through ({@code KAFKA_PRODUCER_*})
 * @param maxDatasetsPerToken new datasets one token may create, across all nodes
 * @param datasetTimeout  longest wait of a request for a new dataset's topic to be created and led
 * @param sendStall       a send unacknowledged this long, or failing this recently, makes the node unready
 * @param shutdownTimeout longest wait at shutdown for Kafka to answer what is in flight
 * @param metricsToken    bearer token of {@code /metrics} on the ingest port; null answers it 404 there
 * @param httpLimits      bounds on connections to the ingest listeners (slow and abusive clients)
 */
public record EdgeConfig(
        KafkaSettings kafka,
        String httpHost,
        int httpPort,
        int httpsPort,
        Path tlsCert,
        Path tlsKey,
        String tlsKeyPassword,
        List<ApiToken> tokens,
        int maxRequestBytes,
        int maxRecordBytes,
        Duration publishTimeout,
        int producers,
        long maxInFlightBytes,
        String adminHost,
        int adminPort,
        String adminToken,
        RateLimiter.Limit rateLimit,
        String astralogDataset,
        Map<String, String> astralogProjects,
        String logglyDataset,
        String otlpDataset,
        Map<String, String> otlpServices,
        int otlpPort,
        Map<String, Object> producer,
        int maxDatasetsPerToken,
        Duration datasetTimeout,
        Duration sendStall,
        Duration shutdownTimeout,
        String metricsToken,
        Listeners.Limits httpLimits) {

    public static final Setting HTTP_HOST = new Setting("INGEST_HTTP_HOST", "0.0.0.0", "Interface the edge listens on");
    public static final Setting HTTP_PORT = new Setting("INGEST_HTTP_PORT", "8080",
            "Port of the ingest API over plain HTTP; -1 turns plain HTTP off (HTTPS only)");
    public static final Setting HTTPS_PORT = new Setting("INGEST_HTTPS_PORT", "8443",
            "Port of the ingest API over HTTPS, served when INGEST_TLS_CERT and INGEST_TLS_KEY are set");
    public static final Setting TLS_CERT = new Setting("INGEST_TLS_CERT", "",
            "PEM file with the HTTPS certificate chain, leaf first");
    public static final Setting TLS_KEY = new Setting("INGEST_TLS_KEY", "",
            "PEM file with the HTTPS private key: RSA (PKCS#8 or PKCS#1), EC (PKCS#8 or SEC1), Ed25519 or Ed448, "
                    + "encrypted or not; it must be the key of the chain's first certificate");
    public static final Setting TLS_KEY_PASSWORD = new Setting("INGEST_TLS_KEY_PASSWORD", "",
            "Password of an encrypted INGEST_TLS_KEY (BEGIN ENCRYPTED PRIVATE KEY, or OpenSSL's legacy Proc-Type: "
                    + "4,ENCRYPTED); taken as given, spaces included");
    public static final Setting TOKENS = new Setting("INGEST_TOKENS", "",
            "API tokens the edge accepts, as comma-separated name=secret pairs (kept in memory only as SHA-256 hashes)");
    public static final Setting MAX_REQUEST_BYTES = new Setting("INGEST_MAX_REQUEST_BYTES", "16777216",
            "Largest request body in bytes, after decompression; larger gets 413");
    public static final Setting MAX_RECORD_BYTES = new Setting("INGEST_MAX_RECORD_BYTES", "2097152",
            "Largest raw batch record payload in bytes; an event as stored (with the labels and text wrapping the edge "
                    + "adds) must fit in one. With 64 KiB for headers it must fit INGEST_TOPIC_MAX_MESSAGE_BYTES");
    public static final Setting PUBLISH_TIMEOUT_MS = new Setting("INGEST_PUBLISH_TIMEOUT_MS", "10000",
            "Longest wait for Kafka to acknowledge a request before answering 503");
    public static final Setting MAX_INFLIGHT_BYTES = new Setting("INGEST_MAX_INFLIGHT_BYTES", "268435456",
            "Decoded request bytes one node holds at once (reading or waiting for Kafka); past it requests get 503");
    public static final Setting PRODUCERS = new Setting("INGEST_PRODUCERS", "2",
            "Kafka producers that requests take in turn; a broker serves one connection's requests one at a time, so "
                    + "more than one lets it append several requests at once");
    public static final Setting ADMIN_HOST = new Setting("INGEST_ADMIN_HOST", "127.0.0.1", "Interface of the admin API");
    public static final Setting ADMIN_PORT = new Setting("INGEST_ADMIN_PORT", "8081", "Port of the admin API");
    public static final Setting ADMIN_TOKEN = new Setting("INGEST_ADMIN_TOKEN", "",
            "Token of the admin API (Authorization: Bearer); unset leaves the admin API off");
    public static final Setting RATE_EVENTS = new Setting("INGEST_RATE_EVENTS_PER_SEC", "0",
            "Default per-token limit on each node, events per second (0: none); a token may carry its own");
    public static final Setting RATE_BYTES = new Setting("INGEST_RATE_BYTES_PER_SEC", "0",
            "Default per-token limit on each node, decoded bytes per second (0: none); a token may carry its own");
    public static final Setting ASTRALOG_DATASET = new Setting("INGEST_ASTRALOG_DATASET", "astralog",
            "Dataset that AstraLog /v1/drain logs are stored in (each keeps its project_id field)");
    public static final Setting ASTRALOG_PROJECTS = new Setting("INGEST_ASTRALOG_PROJECTS", "",
            "AstraLog project_id=dataset pairs, comma-separated: logs of a listed project go to its dataset, the others to "
                    + "INGEST_ASTRALOG_DATASET");
    public static final Setting LOGGLY_DATASET = new Setting("INGEST_LOGGLY_DATASET", "loggly",
            "Dataset that Loggly /inputs and /bulk events are stored in (each keeps its tags)");
    public static final Setting OTLP_DATASET = new Setting("INGEST_OTLP_DATASET", "otlp",
            "Dataset that OTLP /v1/logs records are stored in when the request has no X-Ingest-Dataset header");
    public static final Setting OTLP_SERVICES = new Setting("INGEST_OTLP_SERVICES", "",
            "OTLP service.name=dataset pairs, comma-separated: a listed service's records go to its dataset when the "
                    + "request has no X-Ingest-Dataset header, the others to INGEST_OTLP_DATASET");
    public static final Setting OTLP_PORT = new Setting("INGEST_OTLP_PORT", "4318",
            "Port of the OTLP/HTTP listener (plain HTTP on INGEST_HTTP_HOST), where POST /v1/logs is OTLP's alone; -1 "
                    + "turns it off");
    public static final Setting MAX_DATASETS_PER_TOKEN = new Setting("INGEST_MAX_DATASETS_PER_TOKEN", "100",
            "New datasets one token may create (across all edge nodes); a request for one more gets 403. Datasets whose "
                    + "topic exists never count");
    public static final Setting DATASET_CREATE_TIMEOUT_MS = new Setting("INGEST_DATASET_CREATE_TIMEOUT_MS", "10000",
            "Longest wait of a request for a new dataset's topic to be created and led before answering 503");
    public static final Setting READY_SEND_STALL_MS = new Setting("INGEST_READY_SEND_STALL_MS", "5000",
            "/ready answers 503 while a send is unacknowledged for this long, or for this long after a failed send");
    public static final Setting SHUTDOWN_TIMEOUT_MS = new Setting("INGEST_SHUTDOWN_TIMEOUT_MS", "10000",
            "Longest wait at shutdown for Kafka to acknowledge what is in flight; the rest fails");
    public static final Setting METRICS_TOKEN = new Setting("INGEST_METRICS_TOKEN", "",
            "Bearer token that GET /metrics asks for on the ingest port (at least 16 characters); unset answers 404 "
                    + "there. The admin port serves /metrics without a token");
    public static final Setting HTTP_IDLE_TIMEOUT_MS = new Setting("INGEST_HTTP_IDLE_TIMEOUT_MS", "30000",
            "A connection with no bytes moving for this long is closed; a stalled upload is cut off after it (408)");
    public static final Setting HTTP_MIN_DATA_RATE_BYTES = new Setting("INGEST_HTTP_MIN_DATA_RATE_BYTES", "1024",
            "Slowest request body in bytes per second, averaged since its first byte once it has been arriving for "
                    + "INGEST_HTTP_IDLE_TIMEOUT_MS; slower is cut off with 408 (0: no minimum)");
    public static final Setting HTTP_MAX_CONNECTIONS = new Setting("INGEST_HTTP_MAX_CONNECTIONS", "4096",
            "Connections open at once over the HTTP and HTTPS listeners; past it new connections wait to be accepted");
    public static final Setting HTTP_MAX_HEADER_BYTES = new Setting("INGEST_HTTP_MAX_HEADER_BYTES", "16384",
            "Largest request line and headers in bytes; larger gets 431");
    public static final String PRODUCER_PREFIX = "KAFKA_PRODUCER_";

    public static final List<Setting> SETTINGS = Stream.concat(KafkaSettings.SETTINGS.stream(),
            Stream.of(HTTP_HOST, HTTP_PORT, HTTPS_PORT, TLS_CERT, TLS_KEY, TLS_KEY_PASSWORD, TOKENS, MAX_REQUEST_BYTES, MAX_RECORD_BYTES, PUBLISH_TIMEOUT_MS, PRODUCERS,
                    MAX_INFLIGHT_BYTES, ADMIN_HOST, ADMIN_PORT, ADMIN_TOKEN, RATE_EVENTS, RATE_BYTES, ASTRALOG_DATASET,
                    ASTRALOG_PROJECTS, LOGGLY_DATASET, OTLP_DATASET, OTLP_SERVICES, OTLP_PORT,
                    MAX_DATASETS_PER_TOKEN, DATASET_CREATE_TIMEOUT_MS,
                    READY_SEND_STALL_MS, SHUTDOWN_TIMEOUT_MS, METRICS_TOKEN, HTTP_IDLE_TIMEOUT_MS,
                    HTTP_MIN_DATA_RATE_BYTES, HTTP_MAX_CONNECTIONS, HTTP_MAX_HEADER_BYTES)).toList();

    public EdgeConfig {
        tokens = List.copyOf(tokens);
        if (adminToken != null && adminToken.isBlank()) {
            adminToken = null;
        }
        if (metricsToken != null && metricsToken.isBlank()) {
            metricsToken = null;
        }
        producer = Map.copyOf(producer);
        astralogProjects = Map.copyOf(astralogProjects);
        otlpServices = Map.copyOf(otlpServices);
    }

    public static EdgeConfig fromEnv(Map<String, String> env) {
        EnvReader r = new EnvReader(env);
        EdgeConfig c = new EdgeConfig(
                KafkaSettings.read(r),
                r.string(HTTP_HOST),
                r.integer(HTTP_PORT, -1, 65_535),
                r.integer(HTTPS_PORT, 0, 65_535),
                optionalPath(r, TLS_CERT),
                optionalPath(r, TLS_KEY),
                // not trimmed, unlike other settings: a password is exactly what was given
                emptyToNull(env.get(TLS_KEY_PASSWORD.env())),
                tokens(r),
                r.integer(MAX_REQUEST_BYTES, 1024, Integer.MAX_VALUE - 8),
                r.integer(MAX_RECORD_BYTES, 1024, 64 * 1024 * 1024),
                r.millis(PUBLISH_TIMEOUT_MS, 100, 600_000),
                r.integer(PRODUCERS, 1, 64),
                r.longValue(MAX_INFLIGHT_BYTES, 1024 * 1024, Long.MAX_VALUE),
                r.string(ADMIN_HOST),
                r.integer(ADMIN_PORT, 0, 65_535),
                blankToNull(r.string(ADMIN_TOKEN)),
                new RateLimiter.Limit(r.longValue(RATE_EVENTS, 0, Long.MAX_VALUE), r.longValue(RATE_BYTES, 0, Long.MAX_VALUE)),
                r.string(ASTRALOG_DATASET),
                astralogProjects(r),
                r.string(LOGGLY_DATASET),
                r.string(OTLP_DATASET),
                datasetPairs(r, OTLP_SERVICES, "service.name=dataset"),
                r.integer(OTLP_PORT, -1, 65_535),
                r.passThrough(PRODUCER_PREFIX),
                r.integer(MAX_DATASETS_PER_TOKEN, 0, 1_000_000),
                r.millis(DATASET_CREATE_TIMEOUT_MS, 100, 600_000),
                r.millis(READY_SEND_STALL_MS, 100, 600_000),
                r.millis(SHUTDOWN_TIMEOUT_MS, 0, 600_000),
                blankToNull(r.string(METRICS_TOKEN)),
                new Listeners.Limits(r.millis(HTTP_IDLE_TIMEOUT_MS, 1_000, 3_600_000),
                        r.longValue(HTTP_MIN_DATA_RATE_BYTES, 0, 1L << 30),
                        r.integer(HTTP_MAX_CONNECTIONS, 16, 1_000_000),
                        r.integer(HTTP_MAX_HEADER_BYTES, 1024, 1024 * 1024)));
        for (Setting s : List.of(ASTRALOG_DATASET, LOGGLY_DATASET, OTLP_DATASET)) {
            io.ingestline.model.DatasetName.problem(r.string(s)).ifPresent(p -> r.problem(s.env() + ": " + p));
        }
        if (!c.kafka().fits((long) c.maxRecordBytes() + KafkaSettings.RECORD_OVERHEAD_BYTES)) {
            r.problem(MAX_RECORD_BYTES.env() + "=" + c.maxRecordBytes() + " with 64 KiB for headers and 1/64 for "
                    + "compression does not fit " + KafkaSettings.MAX_MESSAGE_BYTES.env() + "="
                    + c.kafka().maxMessageBytes());
        }
        if ((c.tlsCert() == null) != (c.tlsKey() == null)) {
            r.problem(TLS_CERT.env() + " and " + TLS_KEY.env() + " go together");
        }
        if (c.tlsKeyPassword() != null && c.tlsKey() == null) {
            r.problem(TLS_KEY_PASSWORD.env() + " is set without " + TLS_KEY.env());
        }
        if (c.httpPort() < 0 && c.tlsCert() == null) {
            r.problem(HTTP_PORT.env() + "=-1 needs HTTPS (" + TLS_CERT.env() + ", " + TLS_KEY.env() + ")");
        }
        if (c.adminToken() != null && c.adminToken().length() < 16) {
            r.problem(ADMIN_TOKEN.env() + ": must be at least 16 characters");
        }
        if (c.metricsToken() != null && c.metricsToken().length() < 16) {
            r.problem(METRICS_TOKEN.env() + ": must be at least 16 characters");
        }
        r.finish("edge");
        return c;
    }

    private static Path optionalPath(EnvReader r, Setting s) {
        String v = r.string(s);
        return v == null || v.isBlank() ? null : r.path(s);
    }

    /** The listeners these settings ask for. */
    public Listeners listeners() {
        return tlsCert == null ? new Listeners(httpHost, httpPort, -1, null, httpLimits)
                : new Listeners(httpHost, httpPort, httpsPort, new TlsFiles(tlsCert, tlsKey, tlsKeyPassword),
                        httpLimits);
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    private static Map<String, String> astralogProjects(EnvReader r) {
        return datasetPairs(r, ASTRALOG_PROJECTS, "project_id=dataset");
    }

    /** {@code key=dataset} pairs, each dataset name checked. */
    private static Map<String, String> datasetPairs(EnvReader r, Setting s, String form) {
        Map<String, String> pairs = r.pairs(s, form);
        pairs.values().forEach(dataset -> io.ingestline.model.DatasetName.problem(dataset)
                .ifPresent(p -> r.problem(s.env() + ": " + p + ": " + dataset)));
        return pairs;
    }

    private static List<ApiToken> tokens(EnvReader r) {
        List<ApiToken> out = new ArrayList<>();
        r.pairs(TOKENS, "name=secret").forEach((name, secret) -> out.add(ApiToken.ofSecret(name, secret, List.of("*"))));
        return out;
    }

    /** Settings as they apply, secrets masked: safe to log. */
    @Override
    public String toString() {
        return "EdgeConfig[bootstrap=" + kafka.bootstrapServers() + ", topics=" + kafka.topics().prefix()
                + ", http=" + httpHost + ":" + httpPort
                + ", https=" + (tlsCert == null ? "off" : httpsPort + " " + tlsCert + " " + tlsKey
                        + (tlsKeyPassword == null ? "" : " (key password ***)"))
                + ", tokens=" + tokens.stream().map(ApiToken::id).collect(Collectors.joining(",", "[", "]"))
                + ", maxRequestBytes=" + maxRequestBytes + ", maxRecordBytes=" + maxRecordBytes
                + ", publishTimeout=" + publishTimeout.toMillis() + "ms, maxInFlightBytes=" + maxInFlightBytes
                + ", otlp=" + (otlpPort < 0 ? "off" : httpHost + ":" + otlpPort) + " (dataset " + otlpDataset + ", services " + otlpServices + ")"
                + ", admin=" + (adminToken == null ? "off" : adminHost + ":" + adminPort)
                + ", rateLimit=" + rateLimit + ", maxDatasetsPerToken=" + maxDatasetsPerToken
                + ", datasetTimeout=" + datasetTimeout.toMillis() + "ms, sendStall=" + sendStall.toMillis()
                + "ms, shutdownTimeout=" + shutdownTimeout.toMillis() + "ms"
                + ", metrics=" + (metricsToken == null ? "admin port only" : "admin port, ingest port with token")
                + ", httpLimits=" + httpLimits
                + ", producer=" + producer.keySet() + "]";
    }
}
