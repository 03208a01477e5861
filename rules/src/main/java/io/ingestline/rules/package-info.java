/**
 * What a rule does to one event, shared by the validator (which runs it on every event) and the edge's admin API
 * (which compiles rules before storing them and runs dry runs): {@link io.ingestline.rules.EventChecks} (size, field
 * names, declared column types, time) and {@link io.ingestline.rules.CompiledTarget} (a batch target's routes,
 * compiled once per rule version, each event giving one {@link io.ingestline.rules.Outcome} per route), within a
 * {@link io.ingestline.rules.RuleBudget} of time per event and per batch.
 */
package io.ingestline.rules;
