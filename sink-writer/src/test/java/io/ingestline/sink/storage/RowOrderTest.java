package io.ingestline.sink.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link RowOrder} against a plain sort of (time, partition, position): partitions of 0 to 2,000 rows, times from all
 * equal to spread over the years 1 to 9999 (too far apart to pack: the comparator's path), many ties. Replay a seed
 * with {@code -Dorder.seed=<seed>}.
 */
@Timeout(60)
class RowOrderTest {
    @Test
    void orders_rows_by_time_then_partition_then_position_packed_or_not() {
        long seed = Long.getLong("order.seed", System.nanoTime());
        System.out.println("RowOrderTest seed " + seed + " (-Dorder.seed=" + seed + ")");
        Random random = new Random(seed);
        BinaryRows.Chunks pool = new BinaryRows.Chunks(1 << 20);
        boolean[] seen = new boolean[2];
        byte[] event = "{}".getBytes(StandardCharsets.UTF_8);
        for (int round = 0; round < 40; round++) {
            long span = switch (round % 4) {
                case 0 -> 1; // every time the same
                case 1 -> 1_000;
                case 2 -> 86_400_000L * 30;
                default -> 253_402_300_800_000L + 62_135_596_800_000L; // the years 1 to 9999
            };
            long base = round % 4 == 3 ? -62_135_596_800_000L : 1_700_000_000_000L;
            int n = 1 + random.nextInt(round % 4 == 3 ? 120 : 8);
            BinaryRows[] parts = new BinaryRows[n];
            List<long[]> expected = new ArrayList<>(); // time, part, position
            for (int k = 0; k < n; k++) {
                parts[k] = new BinaryRows(pool);
                int rows = random.nextInt(10) == 0 ? 0 : random.nextInt(random.nextBoolean() ? 20 : 2_000);
                long offset = random.nextInt(1000);
                for (int i = 0; i < rows; i++) {
                    long time = base + (long) (random.nextDouble() * span);
                    offset += random.nextInt(3); // several events of one record share an offset
                    long position = io.ingestline.model.DatasetRecord.position(offset, i);
                    parts[k].add(List.of(), time, "k".getBytes(StandardCharsets.UTF_8), event, 0, event.length, k,
                            position);
                    expected.add(new long[] {time, k, position});
                }
            }
            expected.sort(Comparator.<long[]>comparingLong(e -> e[0]).thenComparingLong(e -> e[1])
                    .thenComparingLong(e -> e[2]));
            RowOrder order = RowOrder.of(parts);
            seen[order.packed ? 1 : 0] = true;
            assertThat(order.size()).isEqualTo(expected.size());
            for (int at = 0; at < order.size(); at++) {
                long[] e = expected.get(at);
                int k = order.part(at);
                assertThat(new long[] {order.time(at), k, parts[k].position(order.row(at))})
                        .as("row %d of round %d (%d parts, packed %s)", at, round, n, order.packed).isEqualTo(e);
            }
            for (BinaryRows p : parts) {
                p.clear();
            }
        }
        assertThat(seen).as("both paths taken").containsExactly(true, true);
    }
}
