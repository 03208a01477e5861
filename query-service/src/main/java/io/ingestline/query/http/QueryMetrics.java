package io.ingestline.query.http;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.ingestline.query.search.ResultCache;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The query service's metrics: {@code query_requests_total{endpoint,status}} and {@code query_request_seconds{endpoint}}
 * for every API request, {@code query_cache_bytes} and {@code query_cache_results} for the kept search results, and
 * JVM and process metrics.
 */
public final class QueryMetrics {
    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

    public QueryMetrics(ResultCache cache) {
        new JvmMemoryMetrics().bindTo(registry);
        new JvmGcMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        Gauge.builder("query_cache_bytes", cache, ResultCache::bytes)
                .description("bytes held by kept search results").register(registry);
        Gauge.builder("query_cache_results", cache, ResultCache::size)
                .description("search results kept").register(registry);
    }

    void request(String endpoint, int status, long millis) {
        Counter.builder("query_requests_total").tag("endpoint", endpoint).tag("status", Integer.toString(status))
                .register(registry).increment();
        Timer.builder("query_request").tag("endpoint", endpoint).publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofSeconds(60))
                .register(registry).record(millis, TimeUnit.MILLISECONDS);
    }

    String scrape() {
        return registry.scrape();
    }
}
