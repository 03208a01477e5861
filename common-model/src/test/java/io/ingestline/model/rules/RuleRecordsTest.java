package io.ingestline.model.rules;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.ingestline.model.Json;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class RuleRecordsTest {
    @Test
    void a_record_without_expected_always_applies_at_its_offset_and_an_old_version_field_is_ignored() throws Exception {
        RuleRecords.Decision d = RuleRecords.decide("{\"version\":99,\"a\":1}".getBytes(UTF_8), new RecordHeaders(),
                42, 7);
        assertThat(d).isInstanceOf(RuleRecords.Apply.class);
        RuleRecords.Apply a = (RuleRecords.Apply) d;
        assertThat(a.version()).isEqualTo(42);
        assertThat(Json.mapper().readTree(a.json()).get("version").asLong()).isEqualTo(42);
        assertThat(RuleRecords.versionOf(a.json())).isEqualTo(42);
        assertThat(RuleRecords.decide(null, new RecordHeaders(), 43, 42)).isInstanceOf(RuleRecords.Delete.class);
        assertThat(RuleRecords.decide("[1]".getBytes(UTF_8), new RecordHeaders(), 44, 42))
                .isInstanceOf(RuleRecords.Ignore.class);
    }

    /**
     * A random log of changes to a few rules, unconditional and conditional (on the current version or a stale one),
     * deletes among them, read the way every reader reads it: each rule's version is the offset of the last record
     * applied for it, a conditional record applies exactly when its base is that version (or the key has no rule), and
     * what is stored never holds {@code expected}.
     */
    @Test
    void readers_apply_exactly_the_changes_based_on_the_current_version() throws Exception {
        long seed = System.nanoTime();
        System.out.println("RuleRecordsTest seed: " + seed);
        Random random = new Random(seed);
        List<String> keys = List.of("dcr/a", "dcr/b", "dataset/c");
        Map<String, byte[]> store = new HashMap<>();
        Map<String, Long> model = new HashMap<>();
        for (long offset = 0; offset < 2000; offset++) {
            String key = keys.get(random.nextInt(keys.size()));
            long current = model.getOrDefault(key, RuleRecords.NONE);
            Long expected = switch (random.nextInt(4)) {
                case 0 -> null;
                case 1 -> current == RuleRecords.NONE ? (Long) (long) random.nextInt(5) : (Long) current;
                case 2 -> current < 0 ? 0L : random.nextInt((int) current + 1) - 1L;
                default -> current + 1;
            };
            boolean delete = random.nextInt(5) == 0;
            byte[] value = delete ? null : ("{\"version\":" + random.nextInt(100) + ",\"n\":" + offset + "}").getBytes(UTF_8);
            RecordHeaders headers = new RecordHeaders();
            if (expected != null && delete) {
                headers.add(RuleRecords.expectedHeader(expected));
            } else if (expected != null) {
                value = RuleRecords.conditional(value, expected);
            }

            RuleRecords.Decision d = RuleRecords.decide(value, headers, offset, RuleRecords.versionOf(store.get(key)));
            boolean applies = expected == null || current == RuleRecords.NONE || expected == current;
            assertThat(d instanceof RuleRecords.Ignore).as("offset %d, expected %s, current %d", offset, expected,
                    current).isEqualTo(!applies);
            if (d instanceof RuleRecords.Apply a) {
                store.put(key, a.json());
                model.put(key, offset);
                assertThat(Json.mapper().readTree(a.json()).has(RuleRecords.EXPECTED)).isFalse();
                assertThat(Json.mapper().readTree(a.json()).get("n").asLong()).isEqualTo(offset);
            } else if (d instanceof RuleRecords.Delete) {
                store.remove(key);
                model.remove(key);
            }
            assertThat(RuleRecords.versionOf(store.get(key))).isEqualTo(model.getOrDefault(key, RuleRecords.NONE));
        }
    }

    @Test
    void an_accepted_conditional_change_found_first_after_compaction_applies() {
        // offsets 10 (unconditional) and 30 (based on 10) were read by the old readers; compaction removed 10
        byte[] change = RuleRecords.conditional("{\"n\":1}".getBytes(UTF_8), 10);
        RuleRecords.Decision old = RuleRecords.decide(change, new RecordHeaders(), 30, 10);
        RuleRecords.Decision fresh = RuleRecords.decide(change, new RecordHeaders(), 30, RuleRecords.NONE);
        assertThat(old).isInstanceOf(RuleRecords.Apply.class);
        assertThat(fresh).isInstanceOf(RuleRecords.Apply.class);
        assertThat(((RuleRecords.Apply) fresh).version()).isEqualTo(((RuleRecords.Apply) old).version()).isEqualTo(30);
    }

    @Test
    void a_rule_stored_again_keeps_its_version_on_every_reader_and_only_while_it_is_current() throws Exception {
        // 10 stored the rule, 11 was a refused change, 12 stores the rule again based on and keeping 10
        byte[] again = RuleRecords.restore("{\"n\":1,\"version\":10}".getBytes(UTF_8), 10);
        RuleRecords.Decision old = RuleRecords.decide(again, new RecordHeaders(), 12, 10);
        RuleRecords.Decision fresh = RuleRecords.decide(again, new RecordHeaders(), 12, RuleRecords.NONE);
        assertThat(old).isInstanceOf(RuleRecords.Apply.class);
        assertThat(((RuleRecords.Apply) old).version()).isEqualTo(10);
        assertThat(fresh).as("after compaction").isInstanceOf(RuleRecords.Apply.class);
        assertThat(((RuleRecords.Apply) fresh).version()).isEqualTo(10);
        RuleRecords.Apply a = (RuleRecords.Apply) fresh;
        assertThat(RuleRecords.versionOf(a.json())).isEqualTo(10);
        assertThat(Json.mapper().readTree(a.json()).has(RuleRecords.RESTORES)).isFalse();
        assertThat(Json.mapper().readTree(a.json()).has(RuleRecords.EXPECTED)).isFalse();
        assertThat(RuleRecords.decide(again, new RecordHeaders(), 12, 11)).as("a change landed between")
                .isInstanceOf(RuleRecords.Ignore.class);
        byte[] forward = RuleRecords.restore("{\"n\":1}".getBytes(UTF_8), 20);
        assertThat(((RuleRecords.Apply) RuleRecords.decide(forward, new RecordHeaders(), 12, RuleRecords.NONE))
                .version()).as("never a version the record cannot have followed").isEqualTo(12);
    }
}
