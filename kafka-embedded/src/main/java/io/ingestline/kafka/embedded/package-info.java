/**
 * A real Kafka broker inside the JVM, for integration tests and the all-in-one local mode. This module pulls in the
 * broker's jars (Scala, the server); services never depend on it at run time.
 */
package io.ingestline.kafka.embedded;
