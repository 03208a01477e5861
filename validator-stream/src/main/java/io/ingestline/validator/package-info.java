/**
 * validator-stream: a Kafka Streams app that splits raw batches into events, checks them and routes each to its
 * dataset topic, with exactly-once processing; what fails goes to the dead letters with the reason.
 * {@link io.ingestline.validator.Validator} runs it; {@code topology} holds the processing itself.
 */
package io.ingestline.validator;
