package io.ingestline.model.env;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads typed settings from an environment map, collecting every problem so that a service fails once at start-up
 * with the whole list ({@link #finish(String)}), instead of one restart per mistake.
 */
public final class EnvReader {
    private final Map<String, String> env;
    private final List<String> problems = new ArrayList<>();

    public EnvReader(Map<String, String> env) {
        this.env = Map.copyOf(env);
    }

    /** The raw value, or {@code def} when unset or blank. */
    public String string(Setting s) {
        String v = env.get(s.env());
        return v == null || v.isBlank() ? s.defaultValue() : v.trim();
    }

    public int integer(Setting s, int min, int max) {
        return (int) longValue(s, min, max);
    }

    public long longValue(Setting s, long min, long max) {
        String v = string(s);
        try {
            long n = Long.parseLong(v);
            if (n < min || n > max) {
                problems.add(s.env() + "=" + v + ": must be between " + min + " and " + max);
            }
            return n;
        } catch (NumberFormatException e) {
            problems.add(s.env() + "=" + v + ": not an integer");
            return min;
        }
    }

    /** A duration given in milliseconds. */
    public Duration millis(Setting s, long min, long max) {
        return Duration.ofMillis(longValue(s, min, max));
    }

    public Path path(Setting s) {
        String v = string(s);
        try {
            return Path.of(v);
        } catch (RuntimeException e) {
            problems.add(s.env() + "=" + v + ": not a path");
            return Path.of(".");
        }
    }

    public String required(Setting s) {
        String v = string(s);
        if (v == null || v.isEmpty()) {
            problems.add(s.env() + " is required");
        }
        return v;
    }

    /**
     * Kafka client settings passed through by prefix: {@code KAFKA_PRODUCER_LINGER_MS=5} becomes {@code linger.ms=5}.
     */
    public Map<String, Object> passThrough(String prefix) {
        Map<String, Object> out = new HashMap<>();
        env.forEach((k, v) -> {
            if (k.startsWith(prefix) && k.length() > prefix.length()) {
                out.put(k.substring(prefix.length()).toLowerCase(Locale.ROOT).replace('_', '.'), v);
            }
        });
        return out;
    }

    /** A setting of comma-separated {@code key=value} pairs, in order; a malformed entry is a problem. */
    public Map<String, String> pairs(Setting setting, String form) {
        Map<String, String> out = new java.util.LinkedHashMap<>();
        String spec = string(setting);
        if (spec == null || spec.isBlank()) {
            return out;
        }
        for (String pair : spec.split(",")) {
            String[] kv = pair.trim().split("=", 2);
            if (kv.length != 2 || kv[0].isBlank() || kv[1].isBlank()) {
                problem(setting.env() + ": each entry must be " + form);
                continue;
            }
            out.put(kv[0].trim(), kv[1].trim());
        }
        return out;
    }

    public void problem(String message) {
        problems.add(message);
    }

    /** Throws one exception listing every problem found, if any. */
    public void finish(String what) {
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("invalid " + what + " configuration:\n  - " + String.join("\n  - ", problems));
        }
    }
}
