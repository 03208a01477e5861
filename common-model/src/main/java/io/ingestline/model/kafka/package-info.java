/** Kafka helpers every service shares: topic provisioning and the common client settings. */
package io.ingestline.model.kafka;
