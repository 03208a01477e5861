/**
 * Benchmarks that print numbers and assert none. {@link io.ingestline.bench.EdgeBenchmark} runs a broker and an edge
 * node as separate processes, loads the edge over HTTP, and runs Kafka's own producer benchmark on the same events.
 */
package io.ingestline.bench;
