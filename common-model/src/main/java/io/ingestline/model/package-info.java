/**
 * The contracts between the services, in code. See {@code common-model/README.md} for the wire formats.
 *
 * <ul>
 *   <li>{@link io.ingestline.model.RawBatch}: what the edge publishes to the raw topic (NDJSON payload, key, headers).</li>
 *   <li>{@link io.ingestline.model.EventEnvelope}: one event on a per-dataset topic.</li>
 *   <li>{@link io.ingestline.model.Topics}: every topic name, in one place.</li>
 * </ul>
 */
package io.ingestline.model;
