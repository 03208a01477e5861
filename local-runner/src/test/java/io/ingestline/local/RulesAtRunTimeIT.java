package io.ingestline.local;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.ingestline.edge.EdgeConfig;
import io.ingestline.edge.EdgeServer;
import io.ingestline.kafka.testkit.TestKafka;
import io.ingestline.kafka.testkit.WithKafka;
import io.ingestline.model.IngestHeaders;
import io.ingestline.model.DatasetRecord;
import io.ingestline.model.Json;
import io.ingestline.model.Topics;
import io.ingestline.validator.Validator;
import io.ingestline.validator.ValidatorConfig;
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
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Rules changed at run time, on a real broker with one edge and two validator instances sharing the raw topic:
 * events keep flowing through the Azure dialect while the rule is changed through the admin API, then one validator
 * instance is stopped. Every acknowledged event must be on the dataset topic exactly once (read_committed), carry
 * the rule version that made it (the transformation writes its version into the event, the validator writes it in
 * the headers: the two must agree), all events of one request must see the same version (a batch is never processed
 * by a half-applied rule), and events sent a few seconds after the change must all carry the new version. (Across
 * instances and tasks a change lands at slightly different moments, so versions on a dataset partition, which mixes
 * the raw partitions, are not checked for order.)
 */
@WithKafka
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class RulesAtRunTimeIT {
    private static final String TOKEN = "rules-it-secret";
    private static final String ADMIN = "rules-it-admin-token";
    private static final String DCR = "dcr-rules-it";
    private static final int EVENTS_PER_REQUEST = 20;

    private final HttpClient http = HttpClient.newHttpClient();
    private final List<AutoCloseable> started = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (int i = started.size() - 1; i >= 0; i--) {
            started.get(i).close();
        }
    }

    private static String rule(int version) {
        return """
                {"properties":{"streamDeclarations":{"Custom-Seq":{"columns":[{"name":"Seq","type":"long"},
                  {"name":"Host","type":"string"}]}},
                 "dataFlows":[{"streams":["Custom-Seq"],"destinations":["ws"],"outputStream":"Custom-Seq_CL",
                   "transformKql":"source | extend V = %d, Host = toupper(Host)"}]}}""".formatted(version);
    }

    @Test
    void a_rule_changed_while_events_flow_applies_within_seconds_and_a_stopped_instance_loses_nothing(TestKafka kafka)
            throws Exception {
        String prefix = TestKafka.uniqueName("rules") + ".";
        String appId = TestKafka.uniqueName("validator");
        Path dir = Files.createTempDirectory("rules-it");
        Map<String, String> env = new HashMap<>(Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers(),
                "INGEST_TOPIC_PREFIX", prefix,
                "INGEST_HTTP_HOST", "127.0.0.1",
                "INGEST_HTTP_PORT", "0",
                "INGEST_OTLP_PORT", "-1",
                "INGEST_ADMIN_PORT", "0",
                "INGEST_ADMIN_TOKEN", ADMIN,
                "INGEST_TOKENS", "it=" + TOKEN));
        EdgeServer edge = EdgeServer.start(EdgeConfig.fromEnv(env));
        started.add(edge);
        Map<String, String> validatorEnv = Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers(),
                "INGEST_TOPIC_PREFIX", prefix,
                "INGEST_VALIDATOR_APP_ID", appId,
                "INGEST_VALIDATOR_HTTP_HOST", "127.0.0.1",
                "INGEST_VALIDATOR_HTTP_PORT", "0");
        Validator first = startValidator(validatorEnv, dir.resolve("a"));
        Validator second = startValidator(validatorEnv, dir.resolve("b"));
        HttpResponse<String> put1 = admin(edge, "PUT", "/admin/v1/dcrs/" + DCR, rule(1));
        assertThat(put1.statusCode()).isEqualTo(200);
        // A rule's version is its record's offset in the configuration topic; V in the rule names the change.
        Map<Integer, Long> answered = new HashMap<>();
        answered.put(1, Json.mapper().readTree(put1.body()).get("version").asLong());
        await().atMost(Duration.ofSeconds(60)).until(() -> first.running() && second.running());

        URI upload = URI.create("http://127.0.0.1:" + edge.port() + "/dataCollectionRules/" + DCR
                + "/streams/Custom-Seq?api-version=2023-01-01");
        List<Long> acknowledged = new ArrayList<>();
        long firstSeqSurelyV2 = -1;
        long seq = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(24);
        long changeAt = System.nanoTime() + TimeUnit.SECONDS.toNanos(6);
        long stopAt = System.nanoTime() + TimeUnit.SECONDS.toNanos(14);
        boolean changed = false;
        boolean stopped = false;
        long changedAnswerAt = 0;
        while (System.nanoTime() < deadline) {
            if (!changed && System.nanoTime() > changeAt) {
                HttpResponse<String> put = admin(edge, "PUT", "/admin/v1/dcrs/" + DCR, rule(2));
                assertThat(put.statusCode()).isEqualTo(200);
                answered.put(2, Json.mapper().readTree(put.body()).get("version").asLong());
                assertThat(answered.get(2)).isGreaterThan(answered.get(1));
                changed = true;
                changedAnswerAt = System.nanoTime();
            }
            if (changed && firstSeqSurelyV2 < 0 && System.nanoTime() - changedAnswerAt > TimeUnit.SECONDS.toNanos(5)) {
                firstSeqSurelyV2 = seq;
            }
            if (!stopped && System.nanoTime() > stopAt) {
                first.close();
                started.remove(first);
                stopped = true;
            }
            StringBuilder body = new StringBuilder("[");
            List<Long> sent = new ArrayList<>();
            for (int i = 0; i < EVENTS_PER_REQUEST; i++) {
                body.append(i == 0 ? "" : ",").append("{\"Seq\":").append(seq).append(",\"Host\":\"h").append(seq % 7)
                        .append("\"}");
                sent.add(seq++);
            }
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(upload).header("Authorization", "Bearer " + TOKEN)
                    .timeout(Duration.ofSeconds(30))
                    .POST(HttpRequest.BodyPublishers.ofString(body.append("]").toString())).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() == 204) {
                acknowledged.addAll(sent);
            }
            Thread.sleep(5);
        }
        assertThat(stopped).isTrue();
        assertThat(firstSeqSurelyV2).isPositive();
        assertThat(acknowledged).hasSizeGreaterThan(1000);

        Map<Long, Integer> versionOf = new HashMap<>();
        Map<Long, Integer> versionOfRequest = new HashMap<>();
        Topics topics = new Topics(prefix);
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(kafka)) {
            consumer.subscribe(List.of(topics.dataset("Seq_CL")));
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            while (!versionOf.keySet().containsAll(acknowledged) && System.nanoTime() < until) {
                List<ConsumerRecord<byte[], byte[]>> polled = new ArrayList<>();
                consumer.poll(Duration.ofMillis(500)).forEach(polled::add);
                for (ConsumerRecord<byte[], byte[]> rec : DatasetRecord.events(polled)) {
                    JsonNode event = Json.mapper().readTree(rec.value());
                    long s = event.get("Seq").asLong();
                    int v = event.get("V").asInt();
                    assertThat(IngestHeaders.get(rec.headers(), IngestHeaders.RULE)).isEqualTo("dcr/" + DCR);
                    assertThat(IngestHeaders.get(rec.headers(), IngestHeaders.RULE_VERSION))
                            .as("the version in the headers is the one the admin API answered for the transformation "
                                    + "that ran").isEqualTo(Long.toString(answered.get(v)));
                    assertThat(event.get("Host").asText()).startsWith("H");
                    assertThat(versionOf.put(s, v)).as("event %d stored twice", s).isNull();
                    Integer other = versionOfRequest.putIfAbsent(s / EVENTS_PER_REQUEST, v);
                    assertThat(other == null || other == v)
                            .as("the events of request %d saw two versions of the rule", s / EVENTS_PER_REQUEST)
                            .isTrue();
                }
            }
        }
        System.out.printf("rules at run time: %d events acknowledged, %d stored (%d with version 1, %d with version 2)%n",
                acknowledged.size(), versionOf.size(), versionOf.values().stream().filter(v -> v == 1).count(),
                versionOf.values().stream().filter(v -> v == 2).count());
        assertThat(versionOf.keySet()).as("every acknowledged event is stored").containsAll(acknowledged);
        assertThat(versionOf.values()).contains(1, 2);
        long late = firstSeqSurelyV2;
        assertThat(acknowledged.stream().filter(s -> s >= late).map(versionOf::get))
                .as("events sent 5 s after the change all carry version 2").isNotEmpty().containsOnly(2);

        HttpResponse<String> metrics = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + second.statusPort() + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(metrics.body()).contains("validator_events_total{dataset=\"Seq_CL\",rule=\"dcr/" + DCR + "@" + answered.get(2) + "\"}");
        assertThat(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + second.statusPort() + "/ready"))
                .build(), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
    }

    private Validator startValidator(Map<String, String> env, Path stateDir) {
        Map<String, String> own = new HashMap<>(env);
        own.put("INGEST_VALIDATOR_STATE_DIR", stateDir.toString());
        Validator v = Validator.start(ValidatorConfig.fromEnv(own));
        started.add(v);
        return v;
    }

    private static KafkaConsumer<byte[], byte[]> consumer(TestKafka kafka) {
        return new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, TestKafka.uniqueName("check"),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false), new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    private HttpResponse<String> admin(EdgeServer edge, String method, String path, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + edge.adminPort() + path))
                .header("Authorization", "Bearer " + ADMIN)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body, UTF_8)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
