package io.ingestline.model.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ingestline.model.env.EnvReader;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StorageRoutesTest {
    private static StorageRoutes read(Map<String, String> env) {
        EnvReader r = new EnvReader(env);
        StorageRoutes routes = StorageRoutes.read(r);
        r.finish("test");
        return routes;
    }

    @Test
    void the_first_matching_route_wins_else_the_default() {
        StorageRoutes routes = read(Map.of("INGEST_SINK_ROUTES", "orders-eu=files,orders*=postgres,_deadletter=postgres"));
        assertThat(routes.backendOf("orders-eu")).isEqualTo("files");
        assertThat(routes.backendOf("orders-us")).isEqualTo("postgres");
        assertThat(routes.backendOf("_deadletter")).isEqualTo("postgres");
        assertThat(routes.backendOf("web")).isEqualTo("files");
        assertThat(routes.usesPostgres()).isTrue();
        assertThat(read(Map.of()).usesPostgres()).isFalse();
        assertThat(read(Map.of("INGEST_SINK_BACKEND", "postgres")).backendOf("web")).isEqualTo("postgres");
    }

    @Test
    void names_every_mistake() {
        assertThatThrownBy(() -> read(Map.of("INGEST_SINK_BACKEND", "s3", "INGEST_SINK_ROUTES", "a=b,c.d=files,x")))
                .hasMessageContaining("INGEST_SINK_BACKEND=s3").hasMessageContaining("'a=b'")
                .hasMessageContaining("'c.d=files'").hasMessageContaining("'x'");
    }
}
