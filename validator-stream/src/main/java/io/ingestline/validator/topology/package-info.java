/** The Kafka Streams topology, a pure function of its settings, and its processors. */
package io.ingestline.validator.topology;
