package io.ingestline.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EdgeConfigTest {
    @Test
    void defaults_apply_to_an_empty_environment() {
        EdgeConfig c = EdgeConfig.fromEnv(Map.of());
        assertThat(c.httpPort()).isEqualTo(8080);
        assertThat(c.kafka().bootstrapServers()).isEqualTo("127.0.0.1:9092");
        assertThat(c.kafka().topics().raw()).isEqualTo("ingest.raw");
        assertThat(c.maxRecordBytes()).isEqualTo(2 * 1024 * 1024);
        assertThat(c.kafka().maxMessageBytes()).isEqualTo(4 * 1024 * 1024);
        assertThat(c.tokens()).isEmpty();
        assertThat(c.adminToken()).isNull();
        assertThat(c.maxInFlightBytes()).isEqualTo(256L * 1024 * 1024);
        assertThat(c.maxDatasetsPerToken()).isEqualTo(100);
        assertThat(c.datasetTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(c.sendStall()).isEqualTo(Duration.ofSeconds(5));
        assertThat(c.shutdownTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(c.otlpPort()).isEqualTo(4318);
        assertThat(c.otlpDataset()).isEqualTo("otlp");
    }

    @Test
    void the_otlp_listener_may_be_turned_off_and_its_dataset_must_be_a_dataset_name() {
        assertThat(EdgeConfig.fromEnv(Map.of("INGEST_OTLP_PORT", "-1")).otlpPort()).isEqualTo(-1);
        assertThat(EdgeConfig.fromEnv(Map.of("INGEST_OTLP_PORT", "-1")).toString()).contains("otlp=off");
        assertThat(EdgeConfig.fromEnv(Map.of("INGEST_OTLP_SERVICES", "checkout=shop, billing = money")).otlpServices())
                .isEqualTo(Map.of("checkout", "shop", "billing", "money"));
        assertThatThrownBy(() -> EdgeConfig.fromEnv(Map.of("INGEST_OTLP_PORT", "-2", "INGEST_OTLP_DATASET", "Bad Name",
                "INGEST_OTLP_SERVICES", "checkout=Bad Name")))
                .hasMessageContaining("INGEST_OTLP_PORT").hasMessageContaining("INGEST_OTLP_DATASET")
                .hasMessageContaining("INGEST_OTLP_SERVICES");
    }

    @Test
    void reads_tokens_and_producer_overrides_and_masks_secrets() {
        EdgeConfig c = EdgeConfig.fromEnv(Map.of("INGEST_TOKENS", "ci=abc, ops=def", "KAFKA_PRODUCER_LINGER_MS", "20"));
        assertThat(c.tokens()).extracting(t -> t.id()).containsExactly("ci", "ops");
        assertThat(c.producer()).containsEntry("linger.ms", "20");
        assertThat(EdgeConfig.fromEnv(Map.of("INGEST_ASTRALOG_PROJECTS", "org-a=web, org-b = api")).astralogProjects())
                .isEqualTo(Map.of("org-a", "web", "org-b", "api"));
        assertThat(c.toString()).contains("ci,ops").doesNotContain("abc").doesNotContain("def");
        EdgeConfig admin = EdgeConfig.fromEnv(Map.of("INGEST_ADMIN_TOKEN", "admin-token-123456"));
        assertThat(admin.toString()).doesNotContain("admin-token-123456").contains("admin=127.0.0.1:8081");
    }

    @Test
    void the_record_limit_with_its_headers_must_fit_the_topics_max_message_bytes() {
        assertThatThrownBy(() -> EdgeConfig.fromEnv(Map.of("INGEST_MAX_RECORD_BYTES", "2097152",
                "INGEST_TOPIC_MAX_MESSAGE_BYTES", "2097152")))
                .hasMessageContaining("INGEST_MAX_RECORD_BYTES=2097152")
                .hasMessageContaining("INGEST_TOPIC_MAX_MESSAGE_BYTES=2097152");
        assertThat(EdgeConfig.fromEnv(Map.of("INGEST_MAX_RECORD_BYTES", "900000",
                "INGEST_TOPIC_MAX_MESSAGE_BYTES", "1048576")).maxRecordBytes()).isEqualTo(900_000);
    }

    @Test
    void lists_every_bad_setting_at_once() {
        assertThatThrownBy(() -> EdgeConfig.fromEnv(Map.of(
                "INGEST_HTTP_PORT", "http", "INGEST_TOKENS", "novalue", "INGEST_MAX_RECORD_BYTES", "10",
                "INGEST_ADMIN_TOKEN", "short", "INGEST_ASTRALOG_PROJECTS", "a=web,b=drain",
                "INGEST_MAX_DATASETS_PER_TOKEN", "-1", "INGEST_SHUTDOWN_TIMEOUT_MS", "never")))
                .hasMessageContaining("INGEST_MAX_DATASETS_PER_TOKEN").hasMessageContaining("INGEST_SHUTDOWN_TIMEOUT_MS")
                .hasMessageContaining("INGEST_ASTRALOG_PROJECTS").hasMessageContaining("drain")
                .hasMessageContaining("INGEST_HTTP_PORT")
                .hasMessageContaining("INGEST_TOKENS")
                .hasMessageContaining("INGEST_MAX_RECORD_BYTES")
                .hasMessageContaining("INGEST_ADMIN_TOKEN");
    }

    @Test
    void http_limits_and_the_metrics_token_have_defaults_apply_to_both_listeners_and_are_checked() {
        EdgeConfig c = EdgeConfig.fromEnv(Map.of());
        assertThat(c.metricsToken()).isNull();
        assertThat(c.listeners().limits()).isEqualTo(new io.ingestline.edge.tls.Listeners.Limits(
                Duration.ofSeconds(30), 1024, 4096, 16 * 1024));
        EdgeConfig set = EdgeConfig.fromEnv(Map.of("INGEST_HTTP_IDLE_TIMEOUT_MS", "5000",
                "INGEST_HTTP_MIN_DATA_RATE_BYTES", "0", "INGEST_HTTP_MAX_CONNECTIONS", "100",
                "INGEST_HTTP_MAX_HEADER_BYTES", "8192", "INGEST_METRICS_TOKEN", "prometheus-scrape-token",
                "INGEST_TLS_CERT", "/c.pem", "INGEST_TLS_KEY", "/k.pem"));
        assertThat(set.listeners().limits()).isEqualTo(new io.ingestline.edge.tls.Listeners.Limits(
                Duration.ofSeconds(5), 0, 100, 8192));
        assertThat(set.toString()).doesNotContain("prometheus-scrape-token");
        assertThatThrownBy(() -> EdgeConfig.fromEnv(Map.of("INGEST_HTTP_IDLE_TIMEOUT_MS", "10",
                "INGEST_HTTP_MIN_DATA_RATE_BYTES", "-1", "INGEST_HTTP_MAX_CONNECTIONS", "0",
                "INGEST_HTTP_MAX_HEADER_BYTES", "100", "INGEST_METRICS_TOKEN", "short")))
                .hasMessageContaining("INGEST_HTTP_IDLE_TIMEOUT_MS").hasMessageContaining("INGEST_HTTP_MIN_DATA_RATE_BYTES")
                .hasMessageContaining("INGEST_HTTP_MAX_CONNECTIONS").hasMessageContaining("INGEST_HTTP_MAX_HEADER_BYTES")
                .hasMessageContaining("INGEST_METRICS_TOKEN");
    }

    @Test
    void https_needs_both_files_and_plain_http_may_be_turned_off_only_with_https() {
        assertThatThrownBy(() -> EdgeConfig.fromEnv(Map.of("INGEST_TLS_CERT", "/c.pem")))
                .hasMessageContaining("INGEST_TLS_CERT and INGEST_TLS_KEY go together");
        assertThatThrownBy(() -> EdgeConfig.fromEnv(Map.of("INGEST_HTTP_PORT", "-1")))
                .hasMessageContaining("needs HTTPS");
        EdgeConfig tls = EdgeConfig.fromEnv(Map.of("INGEST_TLS_CERT", "/c.pem", "INGEST_TLS_KEY", "/k.pem",
                "INGEST_HTTP_PORT", "-1"));
        assertThat(tls.listeners().httpPort()).isEqualTo(-1);
        assertThat(tls.listeners().httpsPort()).isEqualTo(8443);
    }

    @Test
    void the_key_password_is_taken_exactly_kept_out_of_logs_and_needs_a_key() {
        EdgeConfig tls = EdgeConfig.fromEnv(Map.of("INGEST_TLS_CERT", "/c.pem", "INGEST_TLS_KEY", "/k.pem",
                "INGEST_TLS_KEY_PASSWORD", " pass phrase "));
        assertThat(tls.tlsKeyPassword()).isEqualTo(" pass phrase ");
        assertThat(tls.listeners().tls().keyPassword()).isEqualTo(" pass phrase ");
        assertThat(tls.toString()).doesNotContain("pass phrase").contains("key password ***");
        assertThat(tls.listeners().toString()).doesNotContain("pass phrase");
        assertThat(EdgeConfig.fromEnv(Map.of("INGEST_TLS_CERT", "/c.pem", "INGEST_TLS_KEY", "/k.pem"))
                .tlsKeyPassword()).isNull();
        assertThatThrownBy(() -> EdgeConfig.fromEnv(Map.of("INGEST_TLS_KEY_PASSWORD", "secret")))
                .hasMessageContaining("INGEST_TLS_KEY_PASSWORD is set without INGEST_TLS_KEY");
    }
}
