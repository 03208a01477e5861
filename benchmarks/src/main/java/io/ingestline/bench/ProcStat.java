package io.ingestline.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The fields of a process's {@code /proc/<pid>/stat} line the benchmarks read: its name, its parent, and the CPU it
 * and its ended children used, in clock ticks (1/100 s: Linux's {@code USER_HZ}).
 *
 * @param cutime CPU in user mode of its children that ended and were waited for
 * @param cstime the same in system mode
 */
record ProcStat(long pid, String comm, long ppid, long utime, long stime, long cutime, long cstime) {
    static final double TICKS_PER_SECOND = 100;

    /**
     * Parses a stat line. The name ({@code comm}) is between the first {@code (} and the last {@code )}: it may hold
     * spaces and parentheses itself, so the fields after it are counted from that last {@code )}.
     */
    static ProcStat parse(String line) {
        int open = line.indexOf('(');
        int close = line.lastIndexOf(')');
        if (open < 0 || close < open || close + 2 > line.length()) {
            throw new IllegalArgumentException("not a stat line: " + line);
        }
        // f[0] is field 3 of proc(5) (the state), so field n is f[n - 3]
        String[] f = line.substring(close + 2).trim().split(" ");
        return new ProcStat(Long.parseLong(line.substring(0, open).trim()), line.substring(open + 1, close),
                Long.parseLong(f[1]), Long.parseLong(f[11]), Long.parseLong(f[12]), Long.parseLong(f[13]),
                Long.parseLong(f[14]));
    }

    /** The process's stat, or empty when it is gone (or {@code /proc} cannot tell). */
    static Optional<ProcStat> read(long pid) {
        return read(Path.of("/proc", Long.toString(pid), "stat"));
    }

    static Optional<ProcStat> read(Path stat) {
        try {
            return Optional.of(parse(Files.readString(stat)));
        } catch (IOException | RuntimeException e) {
            return Optional.empty(); // ended between listing and reading, or not a process
        }
    }

    /** CPU time (user + system) the process has used so far, in seconds. */
    double cpuSeconds() {
        return (utime + stime) / TICKS_PER_SECOND;
    }

    /** CPU time of its children that ended (and were waited for), in seconds. */
    double endedChildrenCpuSeconds() {
        return (cutime + cstime) / TICKS_PER_SECOND;
    }
}
