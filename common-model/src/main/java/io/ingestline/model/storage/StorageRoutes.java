package io.ingestline.model.storage;

import io.ingestline.model.env.EnvReader;
import io.ingestline.model.env.Setting;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Which backend holds a dataset's events: the default backend, or the first route whose pattern the dataset matches.
 * The sink writes by it and the query service reads by it, from the same two settings, so they always agree.
 *
 * @param backend the default backend, {@code files} or {@code postgres}
 * @param routes  dataset patterns ({@code *}: any run of name characters) to backends, first match wins
 */
public record StorageRoutes(String backend, List<Route> routes) {
    public static final String FILES = "files";
    public static final String POSTGRES = "postgres";
    public static final Set<String> BACKENDS = Set.of(FILES, POSTGRES);

    public static final Setting BACKEND = new Setting("INGEST_SINK_BACKEND", FILES,
            "Default storage backend: files or postgres");
    public static final Setting ROUTES = new Setting("INGEST_SINK_ROUTES", "",
            "Datasets sent to a backend other than the default: pattern=backend pairs, comma-separated, first match "
                    + "wins (e.g. orders*=postgres)");

    /** Datasets matching {@code pattern} are stored in {@code backend}. */
    public record Route(Pattern pattern, String backend) {
        public Route {
            Objects.requireNonNull(pattern, "pattern");
            Objects.requireNonNull(backend, "backend");
        }

        @Override
        public String toString() {
            return pattern.pattern() + "=" + backend;
        }
    }

    public StorageRoutes {
        Objects.requireNonNull(backend, "backend");
        routes = List.copyOf(routes);
    }

    /** Reads {@link #BACKEND} and {@link #ROUTES}; each mistake is a problem of the reader. */
    public static StorageRoutes read(EnvReader r) {
        String backend = r.string(BACKEND);
        if (!BACKENDS.contains(backend)) {
            r.problem(BACKEND.env() + "=" + backend + ": must be one of " + BACKENDS);
        }
        List<Route> routes = new ArrayList<>();
        String spec = r.string(ROUTES);
        if (spec != null && !spec.isBlank()) {
            for (String pair : spec.split(",")) {
                String[] kv = pair.trim().split("=", 2);
                if (kv.length != 2 || !BACKENDS.contains(kv[1].trim()) || !kv[0].trim().matches("[A-Za-z0-9_*-]+")) {
                    r.problem(ROUTES.env() + ": '" + pair.trim() + "' is not pattern=" + BACKENDS);
                    continue;
                }
                routes.add(new Route(Pattern.compile(kv[0].trim().replace("*", "[A-Za-z0-9_-]*")), kv[1].trim()));
            }
        }
        return new StorageRoutes(backend, routes);
    }

    /** The backend a dataset's events are stored in. */
    public String backendOf(String dataset) {
        for (Route route : routes) {
            if (route.pattern().matcher(dataset).matches()) {
                return route.backend();
            }
        }
        return backend;
    }

    /** Whether any dataset can be in PostgreSQL (a connection is made only then). */
    public boolean usesPostgres() {
        return POSTGRES.equals(backend) || routes.stream().anyMatch(x -> POSTGRES.equals(x.backend()));
    }
}
