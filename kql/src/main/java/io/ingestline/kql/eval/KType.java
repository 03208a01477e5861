package io.ingestline.kql.eval;

import java.util.Locale;
import java.util.Map;

/** Kusto's scalar types. Values at run time: Boolean, Integer, Long, Double, String, Instant, Duration, UUID, JsonNode. */
public enum KType {
    BOOL("bool"), INT("int"), LONG("long"), REAL("real"), STRING("string"), DATETIME("datetime"),
    TIMESPAN("timespan"), GUID("guid"), DYNAMIC("dynamic");

    private static final Map<String, KType> NAMES = Map.ofEntries(Map.entry("bool", BOOL), Map.entry("boolean", BOOL),
            Map.entry("int", INT), Map.entry("long", LONG), Map.entry("real", REAL), Map.entry("double", REAL),
            Map.entry("string", STRING), Map.entry("datetime", DATETIME), Map.entry("date", DATETIME),
            Map.entry("timespan", TIMESPAN), Map.entry("time", TIMESPAN), Map.entry("guid", GUID),
            Map.entry("uniqueid", GUID), Map.entry("dynamic", DYNAMIC));

    private final String kustoName;

    KType(String kustoName) {
        this.kustoName = kustoName;
    }

    /** The name Kusto gives it ({@code gettype} says {@code int}, {@code long}, ...). */
    public String kustoName() {
        return kustoName;
    }

    /** The type of a Kusto type name or alias ({@code boolean}, {@code double}, {@code date}, ...), or null. */
    public static KType named(String name) {
        return name == null ? null : NAMES.get(name.toLowerCase(Locale.ROOT));
    }

    public boolean numeric() {
        return this == INT || this == LONG || this == REAL;
    }

    /** The type two numbers are compared, unified or chosen among as: real if either is, else long. */
    static KType widerNumber(KType a, KType b) {
        return a == REAL || b == REAL ? REAL : LONG;
    }
}
