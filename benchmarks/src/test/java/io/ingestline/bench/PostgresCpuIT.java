package io.ingestline.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Against the PostgreSQL of this machine ({@code BENCH_PG_URL}, as the benchmarks): its processes in /proc. */
@Timeout(60)
class PostgresCpuIT {
    private static final String URL = System.getenv().getOrDefault("BENCH_PG_URL",
            "jdbc:postgresql://127.0.0.1:5432/postgres");

    @Test
    void finds_the_running_servers_processes_and_sees_its_backend_work() throws Exception {
        try (Connection db = DriverManager.getConnection(URL, System.getenv().getOrDefault("BENCH_PG_USER",
                "postgres"), System.getenv().getOrDefault("BENCH_PG_PASSWORD", ""));
                Statement s = db.createStatement()) {
            long backend;
            try (ResultSet rs = s.executeQuery("SELECT pg_backend_pid()")) {
                rs.next();
                backend = rs.getLong(1);
            }
            PostgresCpu.Reading before = PostgresCpu.read();
            double backendBefore = ProcStat.read(backend).orElseThrow().cpuSeconds();
            assertThat(before.found()).isTrue();
            assertThat(before.processes()).isGreaterThanOrEqualTo(2); // the server and this backend at least
            assertThat(before.seconds()).isPositive();
            assertThat(PostgresCpu.processes(java.nio.file.Path.of("/proc"))).extracting(ProcStat::pid)
                    .contains(backend);
            // some CPU in the backend: well over one 10 ms tick
            s.execute("SELECT count(*) FROM generate_series(1, 3000000) g WHERE g % 7 = 3");
            assertThat(ProcStat.read(backend).orElseThrow().cpuSeconds()).isGreaterThan(backendBefore);
            assertThat(PostgresCpu.read().seconds()).isGreaterThan(before.seconds());
        }
    }
}
