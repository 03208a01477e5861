package io.ingestline.model.env;

/**
 * One setting a service reads from its environment: the variable, its default (as text, empty when none) and a
 * one-line description. Each service's config lists its settings, and the README's tables are checked against them.
 */
public record Setting(String env, String defaultValue, String doc) {
}
