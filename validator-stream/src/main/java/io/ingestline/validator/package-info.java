/**
 * validator-stream: a Kafka Streams app that splits raw batches into events, checks them and routes each to its
 * dataset topic, with exactly-once processing; a data collection rule's stream goes through its data flows'
 * transformations (the {@code kql} module), the rules followed from the configuration topic through a global store;
 * what fails goes to the dead letters with the reason. {@link io.ingestline.validator.Validator} runs it;
 * {@code topology} holds the processing itself.
 */
package io.ingestline.validator;
