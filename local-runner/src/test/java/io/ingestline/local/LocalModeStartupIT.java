package io.ingestline.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The packaged local mode refusing to start, as a user meets it: a data directory another instance holds, a port
 * something else listens on. Each must end the JVM with a non-zero code within seconds and say what to change.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class LocalModeStartupIT {
    private static final Path JAR = Path.of("target", "ingestline-local.jar");
    /**
     * How long a refused start may take: the JVM's start and the broker's, not a wait for anything.
     * Generous, for a loaded machine: a broker start under load 18 took over 20 s here.
     */
    private static final long EXIT_WITHIN_SECONDS = 60;

    @TempDir
    Path dataDir;

    @Test
    void a_second_instance_on_the_same_data_directory_is_refused_naming_the_directory_and_the_running_pid()
            throws Exception {
        Running first = Running.start(env(Map.of()));
        try {
            assertThat(first.ready.await(90, TimeUnit.SECONDS)).as("the first instance logs ready").isTrue();
            // Other ports, so that the data directory is the only thing the two share.
            Running second = Running.start(env(Map.of()));
            assertThat(second.exitedWithin(EXIT_WITHIN_SECONDS)).as("the second instance ended within %d s; its output:%n%s",
                    EXIT_WITHIN_SECONDS, second.output()).isTrue();
            assertThat(second.process.exitValue()).isNotZero();
            assertThat(second.output()).contains(dataDir.toAbsolutePath().normalize().toString())
                    .contains("pid " + first.process.pid());
            assertThat(first.process.isAlive()).as("the first instance keeps running").isTrue();
        } finally {
            first.stop();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"INGEST_KAFKA_PORT", "INGEST_KAFKA_CONTROLLER_PORT", "INGEST_HTTP_PORT",
            "INGEST_ADMIN_PORT", "INGEST_OTLP_PORT", "INGEST_VALIDATOR_HTTP_PORT", "INGEST_SINK_HTTP_PORT",
            "INGEST_QUERY_PORT"})
    void a_taken_port_ends_local_mode_at_once_naming_the_port_and_its_variable(String variable) throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            Map<String, String> env = env(Map.of(variable, Integer.toString(taken.getLocalPort())));
            Running local = Running.start(env);
            assertThat(local.exitedWithin(EXIT_WITHIN_SECONDS)).as("local mode ended within %d s; its output:%n%s", EXIT_WITHIN_SECONDS,
                    local.output()).isTrue();
            assertThat(local.process.exitValue()).isNotZero();
            assertThat(local.output()).contains(variable).contains(Integer.toString(taken.getLocalPort()));
        }
    }

    @Test
    void a_broker_that_fails_half_way_through_its_start_ends_local_mode_at_once() throws Exception {
        Path kafkaDir = Files.createDirectories(dataDir.resolve("kafka"));
        // Kafka's own lock on its log directory, held here: the broker starts its threads, then fails on it.
        try (FileChannel channel = FileChannel.open(kafkaDir.resolve(".lock"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE)) {
            FileLock held = channel.lock();
            Running local = Running.start(env(Map.of()));
            assertThat(local.exitedWithin(EXIT_WITHIN_SECONDS)).as("local mode ended within %d s; its output:%n%s",
                    EXIT_WITHIN_SECONDS, local.output()).isTrue();
            assertThat(local.process.exitValue()).isNotZero();
            assertThat(local.output()).contains("local mode cannot start: the embedded Kafka broker did not start");
            held.release();
        }
    }

    /** Local mode on this test's data directory, every port free unless {@code overrides} says otherwise. */
    private Map<String, String> env(Map<String, String> overrides) throws IOException {
        Map<String, String> env = new HashMap<>();
        env.put("INGEST_DATA_DIR", dataDir.toString());
        env.put("INGEST_HTTP_PORT", Integer.toString(freePort()));
        env.put("INGEST_VALIDATOR_HTTP_PORT", Integer.toString(freePort()));
        env.put("INGEST_SINK_HTTP_PORT", Integer.toString(freePort()));
        env.put("INGEST_QUERY_PORT", Integer.toString(freePort()));
        env.put("INGEST_ADMIN_PORT", Integer.toString(freePort()));
        env.put("INGEST_OTLP_PORT", Integer.toString(freePort()));
        env.put("INGEST_ADMIN_TOKEN", "an-admin-token-for-the-test");
        env.put("INGEST_KAFKA_PORT", Integer.toString(freePort()));
        env.put("INGEST_KAFKA_CONTROLLER_PORT", Integer.toString(freePort()));
        env.putAll(overrides);
        return env;
    }

    /** The packaged local mode in a JVM of its own, its output collected and echoed to this test's log. */
    private static final class Running {
        final Process process;
        final CountDownLatch ready = new CountDownLatch(1);
        private final StringBuffer out = new StringBuffer();
        private final Thread pump;

        private Running(Process process) {
            this.process = process;
            this.pump = new Thread(this::pump, "local-mode-output");
            pump.setDaemon(true);
            pump.start();
        }

        static Running start(Map<String, String> env) throws IOException {
            ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx512m", "-jar", JAR.toString()).redirectErrorStream(true);
            pb.environment().putAll(env);
            return new Running(pb.start());
        }

        private void pump() {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    System.out.println("[local " + process.pid() + "] " + line);
                    out.append(line).append('\n');
                    if (line.contains("ready: http://")) {
                        ready.countDown();
                    }
                }
            } catch (IOException e) {
                // the process ended
            }
        }

        /** Whether it ended within that time; if not, it is killed (its output then ends too). */
        boolean exitedWithin(long seconds) throws InterruptedException {
            if (process.waitFor(seconds, TimeUnit.SECONDS)) {
                return true;
            }
            process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            return false;
        }

        /** Everything it printed; once it has ended, all of it. */
        String output() throws InterruptedException {
            if (!process.isAlive()) {
                pump.join(10_000);
            }
            return out.toString();
        }

        void stop() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    /** Ports handed out by {@link #freePort}: the system may give a closed one again, and two settings must differ. */
    private static final java.util.Set<Integer> GIVEN = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /** A free port on 127.0.0.1, none given twice in this JVM. */
    private static int freePort() throws IOException {
        while (true) {
            int port = anyFreePort();
            if (GIVEN.add(port)) {
                return port;
            }
        }
    }

    private static int anyFreePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }
}
