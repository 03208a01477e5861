package io.ingestline.model;

import java.util.Locale;

/** The ingest API a batch arrived through. Travels with the batch so that later stages can report and count by it. */
public enum Dialect {
    AXIOM,
    BASELIME,
    AZURE,
    ASTRALOG,
    LOGGLY,
    /** OpenTelemetry's OTLP/HTTP logs ({@code POST /v1/logs}). */
    OTLP;

    /** The name used on the wire (headers, metrics): lower case. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Dialect fromWireName(String name) {
        for (Dialect d : values()) {
            if (d.wireName().equals(name)) {
                return d;
            }
        }
        throw new IllegalArgumentException("unknown dialect: " + name);
    }
}
