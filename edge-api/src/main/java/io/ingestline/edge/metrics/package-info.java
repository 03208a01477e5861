/** What the edge counts and measures, exposed to Prometheus on {@code GET /metrics}. */
package io.ingestline.edge.metrics;
