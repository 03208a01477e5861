/** The edge's Kafka side: publishing raw batches durably and telling whether Kafka is reachable. */
package io.ingestline.edge.kafka;
