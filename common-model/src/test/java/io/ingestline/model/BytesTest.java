package io.ingestline.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link Bytes#indexOf}, eight bytes at a time, against a byte at a time on random text and bounds. */
class BytesTest {

    @Test
    void finds_the_first_byte_as_a_plain_loop_does() {
        long seed = Long.getLong("bytes.seed", System.nanoTime());
        System.out.println("BytesTest seed: " + seed + " (-Dbytes.seed=" + seed + " replays it)");
        Random r = new Random(seed);
        for (int round = 0; round < 20_000; round++) {
            byte[] a = new byte[r.nextInt(70)];
            // sparse line feeds, and bytes that differ from it in one bit or borrow across it (0x0a +- 1, 0x8a, 0x0b)
            byte[] alphabet = {'\n', '\n', 0x0b, 0x09, (byte) 0x8a, 0, (byte) 0xff, 'a', '{', '"'};
            for (int i = 0; i < a.length; i++) {
                a[i] = r.nextInt(4) == 0 ? alphabet[r.nextInt(alphabet.length)] : (byte) r.nextInt(256);
            }
            int from = a.length == 0 ? 0 : r.nextInt(a.length + 1);
            int end = from + r.nextInt(a.length - from + 1);
            byte b = r.nextInt(5) == 0 ? (byte) r.nextInt(256) : (byte) '\n';
            assertThat(Bytes.indexOf(a, b, from, end)).as("seed %d round %d", seed, round)
                    .isEqualTo(plain(a, b, from, end));
        }
    }

    @Test
    void flags_the_lowest_byte_a_string_scan_must_look_at() {
        long seed = Long.getLong("bytes.seed", System.nanoTime());
        System.out.println("BytesTest seed: " + seed + " (-Dbytes.seed=" + seed + " replays it)");
        Random r = new Random(seed);
        byte[] alphabet = {'"', '\\', 0x1f, 0x20, 0x21, 0, (byte) 0x80, (byte) 0xff, 0x7f, 0x5b, 0x5d, 0x23, 'a'};
        byte[] a = new byte[8];
        for (int round = 0; round < 100_000; round++) {
            for (int i = 0; i < 8; i++) {
                a[i] = r.nextInt(3) == 0 ? alphabet[r.nextInt(alphabet.length)] : (byte) r.nextInt(256);
            }
            long flags = Bytes.stringSpecial((long) Bytes.LONGS.get(a, 0));
            int first = -1;
            for (int i = 0; i < 8 && first < 0; i++) {
                int c = a[i] & 0xff;
                first = c == '"' || c == '\\' || c < 0x20 || c >= 0x80 ? i : -1;
            }
            assertThat(flags == 0 ? -1 : Long.numberOfTrailingZeros(flags) >>> 3).as("seed %d round %d", seed, round)
                    .isEqualTo(first);
        }
    }

    private static int plain(byte[] a, byte b, int from, int end) {
        for (int i = from; i < end; i++) {
            if (a[i] == b) {
                return i;
            }
        }
        return -1;
    }
}
