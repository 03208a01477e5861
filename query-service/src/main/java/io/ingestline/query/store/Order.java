package io.ingestline.query.store;

/** The order of a search's events: by time, then by the store's tie-breaker. Loggly's default is {@code DESC}. */
public enum Order { ASC, DESC }
