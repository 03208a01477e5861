package io.ingestline.edge;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.ingestline.kafka.testkit.TestKafka;
import io.ingestline.kafka.testkit.WithKafka;
import io.ingestline.model.Json;
import io.ingestline.model.RawBatch;
import io.ingestline.model.RawBatchCodec;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/** A token may create only so many datasets, counted across two edge nodes; datasets that exist never count. */
@WithKafka
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DatasetLimitIT {
    private static final String FIXED = "limit-it-secret";
    private static final String ADMIN = "limit-it-admin-token";
    private static final int MAX = 3;

    private final HttpClient http = HttpClient.newHttpClient();
    private final String prefix = TestKafka.uniqueName("limit") + ".";
    private TestKafka kafka;
    private EdgeServer first;
    private EdgeServer second;

    @BeforeAll
    void start(TestKafka kafka) {
        this.kafka = kafka;
        Map<String, String> env = new HashMap<>(Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers(),
                "INGEST_TOPIC_PREFIX", prefix,
                "INGEST_HTTP_HOST", "127.0.0.1",
                "INGEST_HTTP_PORT", "0",
                "INGEST_OTLP_PORT", "-1",
                "INGEST_ADMIN_PORT", "0",
                "INGEST_ADMIN_TOKEN", ADMIN,
                "INGEST_TOKENS", "fixed=" + FIXED,
                "INGEST_MAX_DATASETS_PER_TOKEN", Integer.toString(MAX)));
        first = EdgeServer.start(EdgeConfig.fromEnv(env));
        second = EdgeServer.start(EdgeConfig.fromEnv(env));
    }

    @AfterAll
    void stop() {
        if (second != null) {
            second.close();
        }
        if (first != null) {
            first.close();
        }
    }

    @Test
    void a_token_over_its_dataset_limit_gets_403_on_any_node_and_nothing_is_stored_but_existing_datasets_stay_open()
            throws Exception {
        long seed = System.nanoTime();
        System.out.println("dataset limit seed: " + seed);
        Random random = new Random(seed);
        String secret = newToken();
        String existing = "shared-" + random.nextInt(1000);
        assertThat(post(first, existing, FIXED).statusCode()).isEqualTo(200);

        for (int i = 0; i < MAX; i++) {
            EdgeServer node = random.nextBoolean() ? first : second;
            assertThat(post(node, "own-" + i, secret).statusCode()).isEqualTo(200);
        }
        EdgeServer node = random.nextBoolean() ? first : second;
        HttpResponse<String> over = post(node, "own-" + MAX, secret);
        assertThat(over.statusCode()).isEqualTo(403);
        JsonNode body = Json.mapper().readTree(over.body());
        assertThat(body.get("message").asText()).contains("has already created " + MAX + " datasets");
        HttpResponse<String> overOther = post(node == first ? second : first, "own-" + (MAX + 1), secret);
        assertThat(overOther.statusCode()).as("the other node counts the same").isEqualTo(403);

        assertThat(post(random.nextBoolean() ? first : second, existing, secret).statusCode())
                .as("a dataset that exists does not count").isEqualTo(200);
        assertThat(post(second, "own-0", secret).statusCode()).isEqualTo(200);

        try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            Set<String> topics = admin.listTopics().names().get(10, TimeUnit.SECONDS);
            assertThat(topics).contains(prefix + "ds.own-0", prefix + "ds." + existing)
                    .doesNotContain(prefix + "ds.own-" + MAX, prefix + "ds.own-" + (MAX + 1));
        }
        assertThat(publishedDatasets()).contains("own-0", existing)
                .doesNotContain("own-" + MAX, "own-" + (MAX + 1));
    }

    @Test
    void concurrent_requests_for_many_new_datasets_on_one_node_create_no_more_than_the_limit() throws Exception {
        String secret = newToken();
        int requests = MAX + 5;
        ExecutorService pool = Executors.newFixedThreadPool(requests);
        try {
            List<Future<HttpResponse<String>>> answers = new ArrayList<>();
            for (int i = 0; i < requests; i++) {
                String dataset = "burst-" + i;
                answers.add(pool.submit(() -> post(first, dataset, secret)));
            }
            List<Integer> statuses = new ArrayList<>();
            for (Future<HttpResponse<String>> f : answers) {
                statuses.add(f.get(60, TimeUnit.SECONDS).statusCode());
            }
            assertThat(statuses).containsOnly(200, 403);
            assertThat(statuses.stream().filter(s -> s == 200).count()).as(statuses.toString()).isEqualTo(MAX);
        } finally {
            pool.shutdownNow();
        }
    }

    private String newToken() throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + first.adminPort()
                        + "/admin/v1/tokens")).header("Authorization", "Bearer " + ADMIN)
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"limited\",\"datasets\":[\"*\"]}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(201);
        return Json.mapper().readTree(r.body()).get("secret").asText();
    }

    private HttpResponse<String> post(EdgeServer edge, String dataset, String token) throws Exception {
        // The token made on the first node may take a moment to reach the second.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + edge.port()
                            + "/v1/datasets/" + dataset + "/ingest")).header("Authorization", "Bearer " + token)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("[{\"a\":1}]")).build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 401 || System.nanoTime() > deadline) {
                return r;
            }
            Thread.onSpinWait();
        }
    }

    /** The datasets of every raw batch published so far (read up to the end of the raw topic). */
    private List<String> publishedDatasets() {
        List<String> out = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : kafka.readToEnd(prefix + "raw")) {
            RawBatch b = RawBatchCodec.read(r.headers(), r.value());
            out.add(b.context().target().toString().replaceAll(".*name=(.*)]", "$1"));
        }
        return out;
    }
}
