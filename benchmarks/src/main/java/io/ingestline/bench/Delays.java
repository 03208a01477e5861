package io.ingestline.bench;

import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * Delays from acknowledgement to storage, in milliseconds: all of them, and by the second (since this object was
 * made) in which the events were seen stored. Shared by the watchers of each storage backend. A watcher that sees
 * each stored copy of an event (the files' one) passes its sequence number: a second copy is counted as a duplicate
 * and not as stored, so that "stored / acknowledged" shows an event lost beside another stored twice.
 */
final class Delays {
    private final long originMs = System.currentTimeMillis();
    private final Histogram all = new Histogram(3_600_000L, 3);
    private final Map<Integer, Histogram> bySecond = new HashMap<>();
    private long matched;
    private long lastStoredMs;
    private final BitSet seen = new BitSet();
    private long duplicates;

    /** Event {@code seq} seen stored: recorded once, counted as a duplicate when seen again. */
    synchronized void record(long seq, long storedAtMs, long ackedAtMs) {
        int index = Math.toIntExact(seq);
        if (seen.get(index)) {
            duplicates++;
            return;
        }
        seen.set(index);
        record(storedAtMs, ackedAtMs);
    }

    /** Copies of events seen stored again (only counted when the watcher passes sequence numbers). */
    synchronized long duplicates() {
        return duplicates;
    }

    synchronized void record(long storedAtMs, long ackedAtMs) {
        long delay = Math.max(0, storedAtMs - ackedAtMs);
        all.recordValue(delay);
        bySecond.computeIfAbsent((int) ((storedAtMs - originMs) / 1000), s -> new Histogram(3_600_000L, 3))
                .recordValue(delay);
        matched++;
        lastStoredMs = Math.max(lastStoredMs, storedAtMs);
    }

    /** When the last event recorded was seen stored (epoch ms; 0 before any). */
    synchronized long lastStoredMs() {
        return lastStoredMs;
    }

    /** Events recorded so far. */
    synchronized long matched() {
        return matched;
    }

    /** A copy of all delays recorded so far. */
    synchronized Histogram all() {
        return all.copy();
    }

    /** The p99 delay of each second since this object was made, for {@code seconds} seconds (0 where none). */
    synchronized double[] p99PerSecond(int seconds) {
        double[] p99 = new double[seconds];
        for (int i = 0; i < seconds; i++) {
            Histogram h = bySecond.get(i);
            p99[i] = h == null ? 0 : h.getValueAtPercentile(99);
        }
        return p99;
    }
}
