package io.ingestline.sink.storage;

import java.util.Arrays;

/**
 * The rows of one dataset's partitions ({@link BinaryRows}, given in their partitions' order) in the order index's
 * order: time, then partition, then position. Each row is a {@code long}: its part and its index there in the low
 * bits, and, when the rows' times span few enough milliseconds to fit above them (six partitions of up to 16,000 rows
 * leave 46 bits: 2,000 years), its time's offset from the earliest in the high
 * bits: a plain sort of primitives then gives the order (a part's rows are in their positions' order, as they were
 * written), without an object or a comparator call per row. Otherwise the rows are sorted by a comparator.
 */
final class RowOrder {
    private final BinaryRows[] parts;
    private final long[] keys;
    private final int rowBits;
    private final long rowMask;
    private final long partMask;
    /** Whether the times were packed into the keys (else a comparator sorted them). */
    final boolean packed;

    private RowOrder(BinaryRows[] parts, long[] keys, int rowBits, int partBits, boolean packed) {
        this.packed = packed;
        this.parts = parts;
        this.keys = keys;
        this.rowBits = rowBits;
        this.rowMask = (1L << rowBits) - 1;
        this.partMask = (1L << partBits) - 1;
    }

    /** The rows of {@code parts} (in their partitions' order), sorted. */
    static RowOrder of(BinaryRows[] parts) {
        int total = 0;
        int most = 0;
        long first = Long.MAX_VALUE;
        long last = Long.MIN_VALUE;
        for (BinaryRows p : parts) {
            total += p.rows();
            most = Math.max(most, p.rows());
            for (int i = 0; i < p.rows(); i++) {
                first = Math.min(first, p.time(i));
                last = Math.max(last, p.time(i));
            }
        }
        int rowBits = bits(most);
        int partBits = bits(parts.length);
        int timeBits = 63 - rowBits - partBits;
        boolean packed = total == 0 || timeBits >= 62 || last - first < (1L << timeBits);
        long[] keys = new long[total];
        int at = 0;
        for (int k = 0; k < parts.length; k++) {
            for (int i = 0; i < parts[k].rows(); i++) {
                long key = ((long) k << rowBits) | i;
                keys[at++] = packed ? ((parts[k].time(i) - first) << (rowBits + partBits)) | key : key;
            }
        }
        RowOrder order = new RowOrder(parts, keys, rowBits, partBits, packed);
        if (packed) {
            Arrays.sort(keys);
        } else {
            order.sortByComparator();
        }
        return order;
    }

    /** Bits that hold the numbers 0 to {@code n}. */
    private static int bits(int n) {
        return 32 - Integer.numberOfLeadingZeros(n);
    }

    private void sortByComparator() {
        Long[] boxed = new Long[keys.length];
        for (int i = 0; i < keys.length; i++) {
            boxed[i] = keys[i];
        }
        Arrays.sort(boxed, (a, b) -> {
            BinaryRows ra = parts[part(a)];
            BinaryRows rb = parts[part(b)];
            int c = Long.compare(ra.time(row(a)), rb.time(row(b)));
            if (c == 0) {
                c = Integer.compare(part(a), part(b));
            }
            return c != 0 ? c : Long.compare(ra.position(row(a)), rb.position(row(b)));
        });
        for (int i = 0; i < keys.length; i++) {
            keys[i] = boxed[i];
        }
    }

    int size() {
        return keys.length;
    }

    /** The part of the row at {@code at} in the order. */
    int part(int at) {
        return part(keys[at]);
    }

    /** Its index in its part. */
    int row(int at) {
        return row(keys[at]);
    }

    long time(int at) {
        return parts[part(at)].time(row(at));
    }

    private int part(long key) {
        return (int) ((key >>> rowBits) & partMask);
    }

    private int row(long key) {
        return (int) (key & rowMask);
    }
}
