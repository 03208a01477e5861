package io.ingestline.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.ingestline.edge.EdgeConfig;
import io.ingestline.query.QueryConfig;
import io.ingestline.sink.SinkConfig;
import io.ingestline.validator.ValidatorConfig;
import java.net.BindException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class LocalPortsTest {
    @Test
    void a_taken_port_is_named_with_the_setting_that_moves_it() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            int port = taken.getLocalPort();
            LocalPorts ports = ports(Map.of("INGEST_SINK_HTTP_PORT", Integer.toString(port)));
            assertThat(ports.problems()).singleElement().asString()
                    .contains("port " + port + " (INGEST_SINK_HTTP_PORT").contains("set INGEST_SINK_HTTP_PORT");
        }
    }

    @Test
    void one_port_given_to_two_settings_is_named_with_both() {
        LocalPorts ports = ports(Map.of("INGEST_KAFKA_PORT", "0", "INGEST_KAFKA_CONTROLLER_PORT", "0",
                "INGEST_HTTP_PORT", "0", "INGEST_VALIDATOR_HTTP_PORT", "40999", "INGEST_SINK_HTTP_PORT", "40999"));
        assertThat(ports.problems()).contains(
                "port 40999 is set for both INGEST_VALIDATOR_HTTP_PORT and INGEST_SINK_HTTP_PORT: set one of them "
                        + "to another port");
    }

    @Test
    void the_otlp_listeners_port_is_checked_with_the_others() {
        LocalPorts ports = ports(Map.of("INGEST_OTLP_PORT", "40998", "INGEST_SINK_HTTP_PORT", "40998"));
        assertThat(ports.problems()).contains(
                "port 40998 is set for both INGEST_OTLP_PORT and INGEST_SINK_HTTP_PORT: set one of them to another port");
    }

    @Test
    void ports_left_to_the_system_or_turned_off_are_not_checked() {
        LocalPorts ports = ports(Map.of("INGEST_KAFKA_PORT", "0", "INGEST_KAFKA_CONTROLLER_PORT", "0",
                "INGEST_HTTP_PORT", "0", "INGEST_VALIDATOR_HTTP_PORT", "0", "INGEST_SINK_HTTP_PORT", "-1"));
        assertThat(ports.problems()).isEmpty();
        assertThat(ports.toString()).isEmpty();
    }

    @Test
    void a_bind_failure_after_the_check_still_names_every_port_with_its_variable() {
        LocalPorts ports = ports(Map.of("INGEST_KAFKA_PORT", "19092", "INGEST_HTTP_PORT", "18080"));
        RuntimeException e = new IllegalStateException("startup failed",
                new BindException("Address already in use"));
        assertThat(LocalApp.failure("the embedded Kafka broker did not start", e, ports).getMessage())
                .contains("the embedded Kafka broker did not start").contains("INGEST_KAFKA_PORT=19092")
                .contains("INGEST_HTTP_PORT=18080");
    }

    /** Every port free and distinct unless {@code overrides} says otherwise; no admin API, no HTTPS. */
    private static LocalPorts ports(Map<String, String> overrides) {
        Map<String, String> env = new HashMap<>(Map.of("INGEST_KAFKA_PORT", "0", "INGEST_KAFKA_CONTROLLER_PORT", "0",
                "INGEST_HTTP_PORT", "0", "INGEST_VALIDATOR_HTTP_PORT", "0", "INGEST_SINK_HTTP_PORT", "0",
                "INGEST_QUERY_PORT", "0", "INGEST_OTLP_PORT", "0"));
        env.putAll(overrides);
        LocalConfig local = LocalConfig.fromEnv(env);
        Map<String, String> services = LocalApp.serviceEnv(env, local, "127.0.0.1:9092", "a-dev-token");
        return LocalPorts.of(local, EdgeConfig.fromEnv(services), ValidatorConfig.fromEnv(services),
                SinkConfig.fromEnv(services), QueryConfig.fromEnv(services));
    }
}
