package io.ingestline.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(10)
class ProcStatTest {
    /** A stat line of proc(5): pid, comm, state, ppid, ... utime (14), stime (15), cutime (16), cstime (17), ... */
    private static String stat(long pid, String comm, long ppid, long utime, long stime, long cutime, long cstime) {
        return pid + " (" + comm + ") S " + ppid + " " + pid + " " + pid + " 0 -1 4194304 4310 146069 0 72 " + utime
                + " " + stime + " " + cutime + " " + cstime + " 20 0 1 0 4124 222445568 7450 18446744073709551615\n";
    }

    @Test
    void reads_the_fields_after_a_name_holding_spaces_and_parentheses() {
        ProcStat s = ProcStat.parse(stat(4242, "a) (b c", 1, 250, 50, 7, 3));
        assertThat(s.pid()).isEqualTo(4242);
        assertThat(s.comm()).isEqualTo("a) (b c");
        assertThat(s.ppid()).isEqualTo(1);
        assertThat(s.cpuSeconds()).isEqualTo(3.0);
        assertThat(s.endedChildrenCpuSeconds()).isEqualTo(0.1);
    }

    @Test
    void reads_this_jvms_own_stat_with_some_cpu_used() {
        ProcStat self = ProcStat.read(ProcessHandle.current().pid()).orElseThrow();
        assertThat(self.comm()).isNotEmpty();
        assertThat(self.cpuSeconds()).isPositive();
    }

    @Test
    void a_process_gone_or_a_line_that_is_no_stat_reads_as_empty(@TempDir Path dir) throws IOException {
        assertThat(ProcStat.read(dir.resolve("stat"))).isEmpty();
        Files.writeString(dir.resolve("stat"), "4242 no name here");
        assertThat(ProcStat.read(dir.resolve("stat"))).isEmpty();
    }

    @Test
    void postgres_cpu_sums_its_processes_and_the_servers_ended_children_only(@TempDir Path proc) throws IOException {
        write(proc, stat(100, "postgres", 1, 1000, 500, 20_000, 10_000)); // the server: 300 s of ended children
        write(proc, stat(101, "postgres", 100, 300, 100, 0, 0)); // checkpointer
        write(proc, stat(102, "postgres", 100, 2000, 1000, 50, 50)); // a backend: its children are not the server's
        write(proc, stat(103, "java", 1, 9999, 9999, 9999, 9999));
        write(proc, stat(104, "postgres: x", 1, 9999, 9999, 9999, 9999)); // another name
        Files.createDirectories(proc.resolve("105")); // ended while listed: no stat
        Files.createDirectories(proc.resolve("self"));
        List<ProcStat> found = PostgresCpu.processes(proc);
        assertThat(found).extracting(ProcStat::pid).containsExactlyInAnyOrder(100L, 101L, 102L);
        PostgresCpu.Reading r = PostgresCpu.of(found);
        assertThat(r.processes()).isEqualTo(3);
        assertThat(r.seconds()).isEqualTo(15 + 300 + 4 + 30, org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    void no_postgres_process_reads_as_none_found(@TempDir Path proc) throws IOException {
        write(proc, stat(103, "java", 1, 10, 10, 0, 0));
        assertThat(PostgresCpu.of(PostgresCpu.processes(proc)).found()).isFalse();
        assertThat(PostgresCpu.of(PostgresCpu.processes(proc.resolve("missing")))).isEqualTo(PostgresCpu.Reading.NONE);
    }

    private static void write(Path proc, String line) throws IOException {
        Path d = proc.resolve(line.substring(0, line.indexOf(' ')));
        Files.createDirectories(d);
        Files.writeString(d.resolve("stat"), line);
    }
}
