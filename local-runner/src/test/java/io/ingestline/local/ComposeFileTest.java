package io.ingestline.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.ingestline.edge.EdgeConfig;
import io.ingestline.model.env.Setting;
import io.ingestline.query.QueryConfig;
import io.ingestline.sink.SinkConfig;
import io.ingestline.validator.ValidatorConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * The compose cluster cannot be started on machines without Docker, so its file is checked against the code: every
 * image built from this repository runs the right main class, every variable a service is given is one it reads and
 * is accepted by its configuration (the same check the service makes at start), health checks, Prometheus targets
 * and the load balancer use the ports the services listen on, the Kafka cluster is wired as the pipeline expects, the
 * query service reads the store the sinks write, and no secret has a built-in default. A wrong name anywhere fails
 * here.
 */
class ComposeFileTest {
    private static final Path ROOT = Path.of("..");
    private static final Set<String> LOGGING = Set.of("INGEST_LOG_FORMAT", "INGEST_LOG_LEVEL");
    private static final Pattern DEFAULTED = Pattern.compile("\\$\\{(\\w+):-([^}]*)}");
    private static final Pattern REQUIRED = Pattern.compile("\\$\\{(\\w+):\\?([^}]*)}");
    private static final Pattern INTERPOLATED = Pattern.compile("\\$\\{(\\w+)(:?[-?+])?([^}]*)}");
    private static final Pattern SECRET = Pattern.compile("(?i).*(token|password|secret|passwd|credential).*");
    /** What an operator sets for each variable compose requires, as the services would accept it. */
    private static final Map<String, String> OPERATOR_SET = Map.of(
            "INGEST_TOKENS", "ops=an-operator-chosen-token",
            "INGEST_QUERY_TOKENS", "ops=an-operator-chosen-query-token",
            "INGEST_ADMIN_TOKEN", "an-operator-chosen-admin-token",
            "INGEST_PG_PASSWORD", "an-operator-chosen-password");
    private static Map<String, Map<String, Object>> services;

    /** The sink's variables that say where events are stored: the query service must read the same store. */
    private static final List<String> STORAGE = List.of("INGEST_SINK_BACKEND", "INGEST_SINK_ROUTES", "INGEST_PG_URL",
            "INGEST_PG_USER", "INGEST_PG_PASSWORD", "INGEST_PG_SCHEMA");

    /**
     * A service kind built from this repository: its main class, the settings it reads, its pass-through prefix (none
     * for the query service), and how many the cluster runs.
     */
    private enum Kind {
        EDGE("io.ingestline.edge.EdgeApp", EdgeConfig.SETTINGS, EdgeConfig.PRODUCER_PREFIX, 2),
        VALIDATOR("io.ingestline.validator.ValidatorApp", ValidatorConfig.SETTINGS, ValidatorConfig.STREAMS_PREFIX, 2),
        SINK("io.ingestline.sink.SinkApp", SinkConfig.SETTINGS, SinkConfig.CONSUMER_PREFIX, 2),
        QUERY("io.ingestline.query.QueryApp", QueryConfig.ALL_SETTINGS, null, 1);

        final String main;
        final Set<String> settings;
        final String prefix;
        final int count;

        Kind(String main, List<Setting> settings, String prefix, int count) {
            this.main = main;
            this.settings = settings.stream().map(Setting::env).collect(Collectors.toSet());
            this.prefix = prefix;
            this.count = count;
        }

        boolean passesThrough(String name) {
            return prefix != null && name.startsWith(prefix);
        }
    }

    @BeforeAll
    @SuppressWarnings("unchecked")
    static void load() throws Exception {
        Map<String, Object> compose = new Yaml().load(Files.readString(ROOT.resolve("docker-compose.yml")));
        services = (Map<String, Map<String, Object>>) compose.get("services");
    }

    private static Kind kind(Map<String, Object> service) throws Exception {
        Object build = service.get("build");
        if (build == null) {
            return null;
        }
        String dockerfile = Files.readString(ROOT.resolve((String) ((Map<?, ?>) build).get("dockerfile")));
        for (Kind k : Kind.values()) {
            if (dockerfile.contains("\"" + k.main + "\"")) {
                Class.forName(k.main); // the class the image runs exists
                return k;
            }
        }
        throw new AssertionError("the Dockerfile runs none of the services' main classes");
    }

    /**
     * The service's environment with ${VAR:-default} read as its default, as compose does when VAR is unset, and
     * ${VAR:?message} (compose refuses to start without VAR) as what an operator sets.
     */
    private static Map<String, String> env(Map<String, Object> service) {
        Map<String, String> env = new LinkedHashMap<>();
        Object e = service.get("environment");
        if (e instanceof Map<?, ?> m) {
            m.forEach((k, v) -> {
                String value = String.valueOf(v);
                Matcher d = DEFAULTED.matcher(value);
                Matcher r = REQUIRED.matcher(value);
                if (r.matches()) {
                    assertThat(OPERATOR_SET).as("a value for the required %s", r.group(1)).containsKey(r.group(1));
                }
                env.put(String.valueOf(k), d.matches() ? d.group(2) : r.matches() ? OPERATOR_SET.get(r.group(1)) : value);
            });
        }
        return env;
    }

    private static Map<String, Kind> built() throws Exception {
        Map<String, Kind> out = new LinkedHashMap<>();
        for (Map.Entry<String, Map<String, Object>> s : services.entrySet()) {
            Kind k = kind(s.getValue());
            if (k != null) {
                out.put(s.getKey(), k);
            }
        }
        return out;
    }

    /**
     * The port a built service serves /metrics on: the edge's admin port (reachable in the compose network, its
     * public port does not serve /metrics), the others' status port.
     */
    private static int metricsPort(Kind kind, Map<String, String> env) {
        if (kind != Kind.EDGE) {
            return statusPort(kind, env);
        }
        EdgeConfig edge = EdgeConfig.fromEnv(env);
        assertThat(edge.adminToken()).as("the admin API that serves the edge's /metrics").isNotNull();
        assertThat(edge.adminHost()).as("the admin API listens beyond localhost").isEqualTo("0.0.0.0");
        return edge.adminPort();
    }

    /** The port a built service serves /health and /ready on (and the other services' /metrics). */
    private static int statusPort(Kind kind, Map<String, String> env) {
        return switch (kind) {
            case EDGE -> EdgeConfig.fromEnv(env).httpPort();
            case VALIDATOR -> ValidatorConfig.fromEnv(env).httpPort();
            case SINK -> SinkConfig.fromEnv(env).httpPort();
            case QUERY -> QueryConfig.fromEnv(env).port();
        };
    }

    @Test
    void has_two_of_each_pipeline_service_a_query_service_three_brokers_a_load_balancer_postgresql_and_prometheus()
            throws Exception {
        Map<String, Kind> built = built();
        for (Kind k : Kind.values()) {
            assertThat(built.values().stream().filter(k::equals).count()).as(k.name()).isEqualTo(k.count);
        }
        assertThat(services.keySet()).contains("kafka-1", "kafka-2", "kafka-3", "lb", "postgres", "prometheus");
        for (Map.Entry<String, Map<String, Object>> s : services.entrySet()) {
            if (!built.containsKey(s.getKey())) {
                assertThat((String) s.getValue().get("image")).as(s.getKey())
                        .matches("(apache/kafka|haproxy|postgres|prom/prometheus):[\\w.]+");
            }
        }
    }

    @Test
    void no_secret_has_a_built_in_default_and_compose_refuses_to_start_without_each() throws Exception {
        String file = Files.readString(ROOT.resolve("docker-compose.yml"));
        Matcher m = INTERPOLATED.matcher(file);
        List<String> defaulted = new ArrayList<>();
        while (m.find()) {
            if (SECRET.matcher(m.group(1)).matches() && !":?".equals(m.group(2))) {
                defaulted.add(m.group());
            }
        }
        assertThat(defaulted).as("secrets that do not stop compose when unset").isEmpty();
        for (Map.Entry<String, Map<String, Object>> s : services.entrySet()) {
            Object e = s.getValue().get("environment");
            if (e instanceof Map<?, ?> env) {
                env.forEach((k, v) -> {
                    if (SECRET.matcher(String.valueOf(k)).matches()) {
                        assertThat(String.valueOf(v)).as("%s of %s", k, s.getKey()).matches("\\$\\{\\w+:\\?[^}]+}");
                    }
                });
            }
        }
    }

    @Test
    void every_variable_given_to_a_service_is_one_it_reads_and_accepts() throws Exception {
        for (Map.Entry<String, Kind> s : built().entrySet()) {
            Map<String, String> env = env(services.get(s.getKey()));
            Kind k = s.getValue();
            List<String> unknown = env.keySet().stream().filter(n -> !k.settings.contains(n) && !LOGGING.contains(n)
                    && !k.passesThrough(n)).toList();
            assertThat(unknown).as("variables %s does not read", s.getKey()).isEmpty();
            // the service's own start-up check: every value must be accepted
            switch (k) {
                case EDGE -> EdgeConfig.fromEnv(env);
                case VALIDATOR -> ValidatorConfig.fromEnv(env);
                case SINK -> SinkConfig.fromEnv(env);
                case QUERY -> QueryConfig.fromEnv(env);
            }
        }
    }

    @Test
    void health_checks_scrape_targets_and_the_load_balancer_use_the_ports_the_services_listen_on() throws Exception {
        Pattern probe = Pattern.compile("/dev/tcp/127\\.0\\.0\\.1/(\\d+) .*GET (/\\w+) ");
        Set<String> expectedTargets = new HashSet<>();
        List<String> edges = new ArrayList<>();
        for (Map.Entry<String, Kind> s : built().entrySet()) {
            Map<String, Object> service = services.get(s.getKey());
            int port = statusPort(s.getValue(), env(service));
            @SuppressWarnings("unchecked")
            List<String> test = (List<String>) ((Map<String, Object>) service.get("healthcheck")).get("test");
            Matcher m = probe.matcher(String.join(" ", test));
            assertThat(m.find()).as("health check of %s", s.getKey()).isTrue();
            assertThat(Integer.parseInt(m.group(1))).as("health check port of %s", s.getKey()).isEqualTo(port);
            assertThat(m.group(2)).isIn("/health", "/ready");
            expectedTargets.add(s.getKey() + ":" + metricsPort(s.getValue(), env(service)));
            if (s.getValue() == Kind.EDGE) {
                edges.add("server " + s.getKey() + " " + s.getKey() + ":" + port + " check");
            }
        }
        String prometheus = Files.readString(ROOT.resolve("deploy/prometheus.yml"));
        Set<String> targets = new HashSet<>();
        Matcher t = Pattern.compile("\"([\\w-]+:\\d+)\"").matcher(prometheus);
        while (t.find()) {
            targets.add(t.group(1));
        }
        assertThat(targets).as("Prometheus targets").isEqualTo(expectedTargets);
        assertThat(prometheus).contains("metrics_path: /metrics");
        String haproxy = Files.readString(ROOT.resolve("deploy/haproxy.cfg"));
        assertThat(haproxy.lines().map(String::trim).filter(l -> l.startsWith("server ")).map(l -> l.replaceAll(
                " check.*", " check")).toList()).as("load balancer backends").containsExactlyInAnyOrderElementsOf(edges);
        assertThat(haproxy).contains("option httpchk GET /ready");
    }

    @Test
    void the_services_reach_every_broker_and_the_cluster_keeps_two_copies_of_every_acknowledged_record()
            throws Exception {
        List<String> brokers = services.keySet().stream().filter(n -> n.startsWith("kafka-")).sorted().toList();
        Set<String> ids = new HashSet<>();
        Map<String, String> voters = new HashMap<>();
        for (String b : brokers) {
            Map<String, String> env = env(services.get(b));
            assertThat(ids.add(env.get("KAFKA_NODE_ID"))).as("node id of %s", b).isTrue();
            assertThat(env.get("KAFKA_ADVERTISED_LISTENERS")).isEqualTo("PLAINTEXT://" + b + ":9092");
            assertThat(env).containsEntry("KAFKA_DEFAULT_REPLICATION_FACTOR", "3")
                    .containsEntry("KAFKA_MIN_INSYNC_REPLICAS", "2")
                    .containsEntry("KAFKA_TRANSACTION_STATE_LOG_MIN_ISR", "2");
            voters.put(env.get("KAFKA_NODE_ID"), b);
        }
        String quorum = env(services.get(brokers.get(0))).get("KAFKA_CONTROLLER_QUORUM_VOTERS");
        assertThat(quorum).isEqualTo(voters.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .map(e -> e.getKey() + "@" + e.getValue() + ":9093").collect(Collectors.joining(",")));
        String kafkaVersion = Files.readString(ROOT.resolve("pom.xml")).replaceAll("(?s).*<kafka.version>([^<]+)<.*", "$1");
        assertThat((String) services.get(brokers.get(0)).get("image")).isEqualTo("apache/kafka:" + kafkaVersion);
        for (Map.Entry<String, Kind> s : built().entrySet()) {
            Map<String, Object> service = services.get(s.getKey());
            Map<String, String> env = env(service);
            assertThat(env.get("KAFKA_BOOTSTRAP_SERVERS").split(",")).as(s.getKey())
                    .containsExactlyInAnyOrderElementsOf(brokers.stream().map(b -> b + ":9092").toList());
            assertThat(env).as(s.getKey()).containsEntry("INGEST_TOPIC_REPLICATION", "3");
            @SuppressWarnings("unchecked")
            Map<String, Object> dependsOn = (Map<String, Object>) service.get("depends_on");
            assertThat(dependsOn.keySet()).as("%s starts after the brokers", s.getKey()).containsAll(brokers);
            if (s.getValue() == Kind.SINK || s.getValue() == Kind.QUERY) {
                Map<String, String> pg = env(services.get("postgres"));
                assertThat(dependsOn).containsKey("postgres");
                assertThat(env.get("INGEST_PG_URL")).isEqualTo("jdbc:postgresql://postgres:5432/" + pg.get("POSTGRES_DB"));
                assertThat(env.get("INGEST_PG_USER")).isEqualTo(pg.get("POSTGRES_USER"));
                assertThat(env.get("INGEST_PG_PASSWORD")).isEqualTo(pg.get("POSTGRES_PASSWORD"));
            }
        }
    }

    @Test
    void the_query_service_reads_the_store_every_sink_writes_and_publishes_its_api_on_localhost() throws Exception {
        Map<String, Kind> built = built();
        String query = built.entrySet().stream().filter(e -> e.getValue() == Kind.QUERY).findFirst().orElseThrow()
                .getKey();
        Map<String, String> queryEnv = env(services.get(query));
        for (Map.Entry<String, Kind> s : built.entrySet()) {
            if (s.getValue() == Kind.SINK) {
                Map<String, String> sinkEnv = env(services.get(s.getKey()));
                for (String name : STORAGE) {
                    assertThat(queryEnv.get(name)).as("%s of %s and of %s", name, query, s.getKey())
                            .isEqualTo(sinkEnv.get(name));
                }
            }
        }
        assertThat(queryEnv).containsEntry("INGEST_SINK_BACKEND", QueryConfig.POSTGRES);
        QueryConfig config = QueryConfig.fromEnv(queryEnv);
        assertThat(config.host()).as("the API listens beyond the container's localhost").isEqualTo("0.0.0.0");
        assertThat(services.get(query).get("ports")).as("published on this machine only")
                .isEqualTo(List.of("127.0.0.1:" + config.port() + ":" + config.port()));
    }
}
