/**
 * validator-stream: a Kafka Streams app ({@code exactly_once_v2}) between the raw topic and the dataset topics.
 * Per raw batch it drops retries (same client request id within the window), resolves the batch's target against
 * one version of its rule (rules followed from the configuration topic through a global store, so changes apply
 * without restart), and per event runs the checks and the routes of the {@code rules} module (dataset rules, data
 * collection rules' data flows with their KQL transformations), writing each output to its dataset's topic with the
 * rule and version that made it; what fails goes to the dead letters with the reason.
 * {@link io.ingestline.validator.Validator} runs it with its status endpoints; {@code topology} holds the processing.
 */
package io.ingestline.validator;
