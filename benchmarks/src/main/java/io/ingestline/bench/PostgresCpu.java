package io.ingestline.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The CPU PostgreSQL's processes on this machine have used: every process whose name ({@code comm}) is
 * {@code postgres} (the server, its backends, checkpointer, WAL writer, background writer, autovacuum), read from
 * {@code /proc/<pid>/stat}, plus what the server's children that ended used (the server's {@code cutime} and
 * {@code cstime}: it waits for each backend and autovacuum worker that exits), so that processes that come and go
 * between two readings are counted. A process that ends while being read is skipped. A PostgreSQL in a container on
 * this machine is seen too; one on another machine is not ({@link Reading#found()} false).
 */
final class PostgresCpu {
    static final String COMM = "postgres";

    /** Seconds of CPU so far, and how many {@code postgres} processes there were (0: none found, seconds NaN). */
    record Reading(double seconds, int processes) {
        static final Reading NONE = new Reading(Double.NaN, 0);

        boolean found() {
            return processes > 0;
        }
    }

    private PostgresCpu() {
    }

    /** PostgreSQL's CPU now, from {@code /proc}. */
    static Reading read() {
        return of(processes(Path.of("/proc")));
    }

    /** The {@code postgres} processes in a {@code /proc} directory. */
    static List<ProcStat> processes(Path proc) {
        List<ProcStat> out = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(proc)) {
            for (Path d : (Iterable<Path>) dirs::iterator) {
                String name = d.getFileName().toString();
                if (!name.isEmpty() && name.chars().allMatch(Character::isDigit)) {
                    ProcStat.read(d.resolve("stat")).filter(s -> s.comm().equals(COMM)).ifPresent(out::add);
                }
            }
        } catch (IOException | RuntimeException e) {
            return List.of(); // no /proc: not Linux
        }
        return out;
    }

    /**
     * The CPU of these {@code postgres} processes: each one's own, plus, for the servers among them (those whose
     * parent is not a {@code postgres} process), their ended children's.
     */
    static Reading of(Collection<ProcStat> postgres) {
        if (postgres.isEmpty()) {
            return Reading.NONE;
        }
        Set<Long> pids = postgres.stream().map(ProcStat::pid).collect(Collectors.toSet());
        double seconds = 0;
        for (ProcStat p : postgres) {
            seconds += p.cpuSeconds() + (pids.contains(p.ppid()) ? 0 : p.endedChildrenCpuSeconds());
        }
        return new Reading(seconds, postgres.size());
    }
}
