/**
 * Kafka helpers every service shares: topic provisioning (with the topics' {@code max.message.bytes}, set at creation
 * and raised on existing topics) and the common client settings.
 */
package io.ingestline.model.kafka;
