package io.ingestline.edge.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.producer.Producer;

/**
 * The edge's metrics:
 * <ul>
 *   <li>{@code ingest_requests_total{dialect,status}} and {@code ingest_request_seconds{dialect}}: every request;</li>
 *   <li>{@code ingest_events_total{dialect}}, {@code ingest_bytes_total{dialect}} (decoded): what Kafka acknowledged;</li>
 *   <li>{@code ingest_event_failures_total{dialect}}: events refused one by one;</li>
 *   <li>{@code ingest_rejects_total{reason}}: whole requests refused (unauthorized, forbidden, bad_body, too_large,
 *       unsupported_type, unsupported_encoding, rate_limited, node_busy, kafka_unavailable, dataset_limit, dataset_not_ready, bad_encoding: a
 *       body not valid in its Content-Encoding, bad_framing: broken HTTP framing, a body shorter than its
 *       Content-Length or a client gone mid-body);</li>
 *   <li>{@code ingest_kafka_send_seconds}: from send to the broker's acknowledgement, per record;</li>
 *   <li>{@code ingest_inflight_bytes}: decoded request bytes held now;</li>
 *   <li>{@code ingest_ready_check{check}}: 1 when the last readiness check passed, 0 when it made {@code /ready} 503:
 *       {@code kafka_reachable} (metadata answers), {@code kafka_delivering} (sends are acknowledged);</li>
 *   <li>{@code ingest_kafka_oldest_unacked_seconds}: how long the oldest send not yet acknowledged has waited;</li>
 *   <li>the producer's own {@code kafka_producer_*} metrics, and JVM and process metrics.</li>
 * </ul>
 */
public final class EdgeMetrics implements AutoCloseable {
    /** The Prometheus text format's content type. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Timer kafkaSend;
    private final List<KafkaClientMetrics> producerMetrics = new ArrayList<>();

    public EdgeMetrics() {
        new JvmMemoryMetrics().bindTo(registry);
        new JvmGcMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        kafkaSend = Timer.builder("ingest_kafka_send")
                .description("time from handing a raw batch to the producer to the broker's acknowledgement")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(30))
                .register(registry);
    }

    public void request(String dialect, int status, long millis) {
        Counter.builder("ingest_requests").tag("dialect", dialect).tag("status", Integer.toString(status))
                .register(registry).increment();
        Timer.builder("ingest_request").tag("dialect", dialect).publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofSeconds(30))
                .register(registry).record(millis, TimeUnit.MILLISECONDS);
    }

    public void accepted(String dialect, long events, long bytes) {
        Counter.builder("ingest_events").tag("dialect", dialect).register(registry).increment(events);
        Counter.builder("ingest_bytes").tag("dialect", dialect).baseUnit("bytes").register(registry).increment(bytes);
    }

    public void eventFailures(String dialect, int count) {
        if (count > 0) {
            Counter.builder("ingest_event_failures").tag("dialect", dialect).register(registry).increment(count);
        }
    }

    public void rejected(String reason) {
        Counter.builder("ingest_rejects").tag("reason", reason).register(registry).increment();
    }

    /** Records one record's send-to-acknowledgement time. */
    public void kafkaSend(long nanos) {
        kafkaSend.record(nanos, TimeUnit.NANOSECONDS);
    }

    public void inFlightBytes(LongSupplier used) {
        Gauge.builder("ingest_inflight_bytes", used::getAsLong).baseUnit("bytes").register(registry);
    }

    /** Gauges of why {@code /ready} answers what it does; they read the last check, never ask Kafka. */
    public void readiness(DoubleSupplier reachable, DoubleSupplier delivering, LongSupplier oldestUnackedNanos) {
        Gauge.builder("ingest_ready_check", reachable::getAsDouble).tag("check", "kafka_reachable").register(registry);
        Gauge.builder("ingest_ready_check", delivering::getAsDouble).tag("check", "kafka_delivering")
                .register(registry);
        Gauge.builder("ingest_kafka_oldest_unacked", () -> oldestUnackedNanos.getAsLong() / 1e9).baseUnit("seconds")
                .register(registry);
    }

    /** Binds a producer's client metrics (tagged with its client id). */
    public void producer(Producer<?, ?> producer) {
        KafkaClientMetrics m = new KafkaClientMetrics(producer);
        m.bindTo(registry);
        producerMetrics.add(m);
    }

    /** The Prometheus text format. */
    public String scrape() {
        return registry.scrape();
    }

    @Override
    public void close() {
        producerMetrics.forEach(KafkaClientMetrics::close);
        registry.close();
    }
}
