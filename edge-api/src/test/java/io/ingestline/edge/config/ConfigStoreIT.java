package io.ingestline.edge.config;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ingestline.edge.EdgeConfig;
import io.ingestline.kafka.testkit.TestKafka;
import io.ingestline.kafka.testkit.WithKafka;
import io.ingestline.model.ConfigKeys;
import io.ingestline.model.Json;
import io.ingestline.model.auth.TokenAuthenticator;
import io.ingestline.model.kafka.KafkaSettings;
import io.ingestline.model.rules.DataCollectionRule;
import io.ingestline.model.rules.DatasetRule;
import io.ingestline.model.rules.RuleRecords;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * The configuration store on a real broker, driven directly so that a change based on a stale version reaches the
 * topic (through the admin API a node that has caught up refuses it before writing; a lagging one writes it, which
 * EdgeIT's race reaches only by chance).
 */
@WithKafka
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ConfigStoreIT {
    private TestKafka kafka;
    private KafkaSettings settings;
    private Admin admin;

    @BeforeAll
    void start(TestKafka kafka) {
        this.kafka = kafka;
        this.settings = EdgeConfig.fromEnv(Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers(),
                "INGEST_TOPIC_PREFIX", TestKafka.uniqueName("store") + ".",
                "INGEST_OTLP_PORT", "-1")).kafka();
        this.admin = Admin.create(settings.clientProps());
    }

    @AfterAll
    void stop() {
        if (admin != null) {
            admin.close();
        }
    }

    private record Node(ConfigStore store, DatasetRuleRegistry datasets, DcrRegistry dcrs) implements AutoCloseable {
        @Override
        public void close() {
            store.close();
        }
    }

    private Node node() {
        DatasetRuleRegistry datasets = new DatasetRuleRegistry();
        DcrRegistry dcrs = new DcrRegistry();
        ConfigStore store = ConfigStore.start(settings, admin, new ConfigStore.Views(
                new TokenAuthenticator(List.of()), dcrs, datasets, new DatasetCreations()));
        assertThat(store.awaitCaughtUp(Duration.ofSeconds(30))).isTrue();
        return new Node(store, datasets, dcrs);
    }

    private static DatasetRule rule(String name, String mark) throws Exception {
        return DatasetRule.parse(name, Json.mapper().readTree("{\"columns\":[{\"name\":\"n\",\"type\":\"int\"}],"
                + "\"transformKql\":\"source | extend mark = '" + mark + "'\"}"));
    }

    private static String markOf(DatasetRule rule) {
        return rule.transformKql().replaceAll(".*'(.*)'.*", "$1");
    }

    /** A data collection rule whose one data flow's transformation adds {@code mark}. */
    private static DataCollectionRule dcr(String id, String mark) throws Exception {
        return DataCollectionRule.parse(id, Json.mapper().readTree("""
                {"properties":{
                  "streamDeclarations":{"Custom-In":{"columns":[{"name":"n","type":"int"}]}},
                  "destinations":{"logAnalytics":[{"workspaceResourceId":"/x","name":"ws"}]},
                  "dataFlows":[{"streams":["Custom-In"],"destinations":["ws"],
                    "transformKql":"source | extend mark = '%s'","outputStream":"Custom-Out_CL"}]}}
                """.formatted(mark)));
    }

    private static String markOf(DataCollectionRule rule) {
        return rule.dataFlows().get(0).transformKql().replaceAll(".*'(.*)'.*", "$1");
    }

    private List<ConsumerRecord<byte[], byte[]>> records(String name) {
        return recordsOf(ConfigKeys.dataset(name));
    }

    private List<ConsumerRecord<byte[], byte[]>> recordsOf(String configKey) {
        byte[] key = configKey.getBytes(UTF_8);
        return kafka.readToEnd(settings.topics().config()).stream()
                .filter(r -> Arrays.equals(r.key(), key)).toList();
    }

    /** Changes (a null mark: deletes) one kind of rule through a node's store. */
    private interface Change {
        ConfigStore.RuleChange apply(ConfigStore store, String id, String mark, Long expected) throws Exception;
    }

    /** What the refused-change check needs of one kind of rule. */
    private record Kind<T>(Change change, Function<Node, RuleRegistry<T>> registry, Supplier<RuleRegistry<T>> fresh,
            Function<String, String> configKey, Function<T, String> mark) {
    }

    private static final Kind<DatasetRule> DATASET_RULES = new Kind<>(
            (store, id, mark, expected) -> store.changeDataset(id, mark == null ? null : rule(id, mark), expected),
            Node::datasets, DatasetRuleRegistry::new, ConfigKeys::dataset, ConfigStoreIT::markOf);
    private static final Kind<DataCollectionRule> DCRS = new Kind<>(
            (store, id, mark, expected) -> store.changeDcr(id, mark == null ? null : dcr(id, mark), expected),
            Node::dcrs, DcrRegistry::new, ConfigKeys::dcr, ConfigStoreIT::markOf);

    /**
     * A refused change is followed by the current rule stored again once, and that record keeps the current version:
     * the rule's version and content are what they were on the node that wrote it, on a node that reads the topic
     * later, and on one that finds only the last record (as after compaction); a change based on that version still
     * applies. The store used to write the rule again three times, each a new version, so an admin's {@code If-Match}
     * taken before the refused change was refused (EdgeIT saw 43 for 39).
     */
    @Test
    void a_refused_change_moves_neither_content_nor_version_and_is_followed_by_one_record() throws Exception {
        refusedChangesMoveNothing(DATASET_RULES, "cas-" + Long.toHexString(System.nanoTime()));
    }

    /** The same for a data collection rule: the store's generic change and heal, through the DCR registry. */
    @Test
    void a_refused_change_to_a_data_collection_rule_moves_neither_content_nor_version() throws Exception {
        refusedChangesMoveNothing(DCRS, "dcr-" + Long.toHexString(System.nanoTime()));
    }

    private <T> void refusedChangesMoveNothing(Kind<T> kind, String id) throws Exception {
        try (Node one = node()) {
            RuleRegistry<T> rules = kind.registry().apply(one);
            long v1 = kind.change().apply(one.store(), id, "one", null).version();
            ConfigStore.RuleChange second = kind.change().apply(one.store(), id, "two", v1);
            assertThat(second.applied()).isTrue();
            long v2 = second.version();

            assertThat(kind.change().apply(one.store(), id, "stale", v1).applied()).isFalse();
            assertThat(kind.change().apply(one.store(), id, null, v1).applied()).as("a stale delete").isFalse();
            assertThat(rules.version(id)).isEqualTo(v2);
            assertThat(kind.mark().apply(rules.get(id).orElseThrow())).isEqualTo("two");

            List<ConsumerRecord<byte[], byte[]>> log = recordsOf(kind.configKey().apply(id));
            assertThat(log).as("one, two, (stale, again) twice").hasSize(6);
            for (int i : new int[] {3, 5}) {
                assertThat(Json.mapper().readTree(log.get(i).value()).path(RuleRecords.RESTORES).asLong(-1))
                        .as("record %d stores version %d again", i, v2).isEqualTo(v2);
            }
            ConsumerRecord<byte[], byte[]> last = log.get(log.size() - 1);
            RuleRegistry<T> compacted = kind.fresh().get();
            compacted.apply(id, last.value(), last.headers(), last.offset());
            assertThat(compacted.version(id)).as("a reader that finds only the last record").isEqualTo(v2);
            assertThat(kind.mark().apply(compacted.get(id).orElseThrow())).isEqualTo("two");

            try (Node later = node()) {
                RuleRegistry<T> laterRules = kind.registry().apply(later);
                assertThat(laterRules.version(id)).isEqualTo(v2);
                assertThat(kind.mark().apply(laterRules.get(id).orElseThrow())).isEqualTo("two");
            }

            ConfigStore.RuleChange third = kind.change().apply(one.store(), id, "three", v2);
            assertThat(third.applied()).as("a change based on the version read before the refused ones").isTrue();
            assertThat(rules.version(id)).isEqualTo(third.version()).isGreaterThan(v2);
        }
    }

    /**
     * Another node deletes the rule between this node's check and its restore: the restore lands on a key no reader
     * has a rule of, so every reader applies it (as a reader that starts after compaction must); the store then deletes
     * the rule again, so the delete that was answered 204 holds on every reader, and the key's last record is a
     * tombstone (a new reader finds no rule either).
     */
    @Test
    void a_delete_that_lands_before_the_restore_holds() throws Exception {
        String name = "race-" + Long.toHexString(System.nanoTime());
        try (Node one = node(); Node two = node()) {
            long v1 = one.store().changeDataset(name, rule(name, "one"), null).version();
            long v2 = one.store().changeDataset(name, rule(name, "two"), v1).version();
            AtomicBoolean once = new AtomicBoolean();
            one.store().beforeRestore(() -> {
                if (once.compareAndSet(false, true)) {
                    assertThat(two.store().changeDataset(name, null, v2).applied()).as("the other node's delete")
                            .isTrue();
                }
            });
            assertThat(one.store().changeDataset(name, rule(name, "stale"), v1).applied()).isFalse();
            assertThat(once).isTrue();

            assertThat(one.datasets().get(name)).isEmpty();
            await().atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> assertThat(two.datasets().get(name)).isEmpty());
            List<ConsumerRecord<byte[], byte[]>> log = records(name);
            assertThat(log.get(log.size() - 1).value()).as("the key's last record").isNull();
            try (Node later = node()) {
                assertThat(later.datasets().get(name)).isEmpty();
            }
        }
    }
}
