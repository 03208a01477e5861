package io.ingestline.rules;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@link FieldNames}: each name's role and problem as worked out afresh, a bit of its own for the first 64 names and
 * the same entry for a name every time, on any thread; the duplicate check that rests on it is tested through the
 * passes ({@link PassThroughTest}, {@link RulePassTest}: 400 random names, given twice now and then).
 */
class FieldNamesTest {

    @Test
    void gives_each_name_its_role_and_problem() {
        FieldNames names = new FieldNames(Set.of("status", "ms"));
        assertThat(names.of("_time").role).isEqualTo(FieldNames.TIME);
        assertThat(names.of("_id").role).isEqualTo(FieldNames.ID);
        assertThat(names.of("status").role).isEqualTo(FieldNames.DECLARED);
        assertThat(names.of("path").role).isEqualTo(FieldNames.COPIED);
        assertThat(names.of("path").problem).isNull();
        assertThat(names.of("").problem).isEqualTo(EventChecks.fieldName(""));
        assertThat(names.of("a\u0001").problem).isEqualTo(EventChecks.fieldName("a\u0001"));
        String longName = "n".repeat(EventChecks.MAX_NAME_LENGTH + 1);
        assertThat(names.of(longName).problem).isEqualTo(EventChecks.fieldName(longName)).isNotNull();
        assertThat(names.of(longName).bit).isZero();
        // the role of an equal name that is another String (not Jackson's canonical instance)
        assertThat(names.of(new String("status".toCharArray())).role).isEqualTo(FieldNames.DECLARED);
    }

    @Test
    void the_first_64_names_get_a_bit_each_and_keep_it() {
        FieldNames names = new FieldNames(Set.of());
        Map<String, Long> bits = new HashMap<>();
        long all = 0;
        for (int i = 0; i < 1000; i++) {
            String name = "field" + i;
            long bit = names.of(name).bit;
            if (bit != 0) {
                assertThat(Long.bitCount(bit)).isEqualTo(1);
                assertThat(all & bit).as("bit of %s given twice", name).isZero();
                all |= bit;
                bits.put(name, bit);
            }
        }
        assertThat(bits).hasSize(64); // one thread: no entry loses its slot, no bit is wasted
        for (int i = 0; i < 1000; i++) {
            String name = new String(("field" + i).toCharArray());
            assertThat(names.of(name).bit).as(name).isEqualTo(bits.getOrDefault(name, 0L));
        }
    }

    @Test
    void a_name_has_one_entry_whichever_thread_asks_first() throws Exception {
        long seed = System.nanoTime();
        System.out.println("FieldNamesTest seed: " + seed);
        for (int round = 0; round < 50; round++) {
            FieldNames names = new FieldNames(Set.of("d1", "d2"));
            Random r = new Random(seed + round);
            List<String> pool = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                pool.add("k" + r.nextInt(1000));
            }
            Map<String, Set<Long>> seen = new ConcurrentHashMap<>();
            CountDownLatch go = new CountDownLatch(1);
            ExecutorService threads = Executors.newFixedThreadPool(4);
            try {
                List<Future<?>> done = new ArrayList<>();
                for (int t = 0; t < 4; t++) {
                    long threadSeed = seed + round * 31L + t;
                    done.add(threads.submit(() -> {
                        Random tr = new Random(threadSeed);
                        go.await();
                        for (int i = 0; i < 2000; i++) {
                            String name = new String(pool.get(tr.nextInt(pool.size())).toCharArray());
                            seen.computeIfAbsent(name, n -> ConcurrentHashMap.newKeySet()).add(names.of(name).bit);
                        }
                        return null;
                    }));
                }
                go.countDown();
                for (Future<?> f : done) {
                    f.get(30, TimeUnit.SECONDS);
                }
            } finally {
                threads.shutdownNow();
            }
            long all = 0;
            for (Map.Entry<String, Set<Long>> e : seen.entrySet()) {
                assertThat(e.getValue()).as("seed %d round %d: %s", seed, round, e.getKey()).hasSize(1);
                long bit = e.getValue().iterator().next();
                assertThat(all & bit).as("seed %d round %d: bit of %s shared", seed, round, e.getKey()).isZero();
                all |= bit;
            }
        }
    }
}
